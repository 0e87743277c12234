#!/bin/sh
# A stand-in for a queue or database: announces itself, then idles until told to stop.
trap 'echo "queue: SIGTERM received, flushing and exiting"; exit 0' TERM
echo "queue: ready"
while :; do sleep 1; done
