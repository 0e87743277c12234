#!/bin/sh
# A stand-in for a queue worker: "processes" a job every JOB_INTERVAL seconds.
trap 'echo "$PHPEEK_PM_INSTANCE_ID: finishing the current job, bye"; exit 0' TERM
n=0
while :; do
  n=$((n + 1))
  echo "$PHPEEK_PM_INSTANCE_ID: processed job $n"
  sleep "${JOB_INTERVAL:-2}"
done
