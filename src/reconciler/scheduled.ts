import type { DesiredState, ProcessSpec, ScheduleSpec } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import { unmetDependency } from './dependencies.ts';
import { instanceId } from './instance-ids.ts';
import { describeExit, exitOutcome } from './outcome.ts';
import type { PlanBuilder } from './plan-builder.ts';
import { restartWhenDue } from './restart.ts';
import { dueRun } from './schedule.ts';
import { stopInstance } from './stop.ts';

/**
 * A scheduled process runs at the times of its cron expression, each run a oneshot. Runs that
 * overrun `timeout` are stopped; a fire that finds a run still going is skipped (`forbid`,
 * the default), runs beside it (`allow`) or replaces it (`replace`), as a Kubernetes CronJob.
 * Fires missed while the manager was busy collapse into one.
 */
export function planScheduled(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
): void {
  const schedule = spec.schedule as ScheduleSpec;
  const instances = Object.values(observed.instances).filter((i) => i.process === spec.name);
  const live: InstanceState[] = [];
  for (const instance of instances) {
    if (planRun(out, spec, schedule, instance)) live.push(instance);
  }
  const due = dueRun(schedule, observed.processes[spec.name]?.lastFireAt, observed.since, out.now);
  if ('never' in due) return;
  if ('nextAt' in due) {
    out.wakeAtLatest(due.nextAt);
    return;
  }
  const firstId = instanceId(spec.name, 0);
  const waiting = unmetDependency(desired, observed, spec);
  if (waiting !== undefined) {
    out.block({
      id: firstId,
      process: spec.name,
      reason: `run due at ${iso(due.dueAt)}: ${waiting.reason}`,
    });
    return;
  }
  const running = live.filter((i) => i.phase !== 'stopping');
  if (running.length > 0 && schedule.concurrency === 'forbid') {
    out.act({
      kind: 'skip-run',
      process: spec.name,
      scheduledFor: due.dueAt,
      reason: `run due at ${iso(due.dueAt)} skipped: ${running.map((i) => i.id).join(', ')} still running (concurrency: forbid)`,
    });
    return;
  }
  if (schedule.concurrency === 'replace') {
    for (const instance of running)
      stopInstance(out, instance, spec, `replaced by the run due at ${iso(due.dueAt)}`);
  }
  const used = new Set(instances.map((i) => i.index));
  let index = 0;
  while (used.has(index)) index++;
  out.act({
    kind: 'spawn',
    id: instanceId(spec.name, index),
    process: spec.name,
    index,
    specHash: spec.specHash,
    scheduledFor: due.dueAt,
    reason: `scheduled run due at ${iso(due.dueAt)}`,
  });
}

/**
 * One existing run: stop it at its timeout, retry it after a failure if the policy says so,
 * forget it once finished (its outcome is in the history). True while it occupies a slot.
 */
function planRun(
  out: PlanBuilder,
  spec: ProcessSpec,
  schedule: ScheduleSpec,
  instance: InstanceState,
): boolean {
  switch (instance.phase) {
    case 'starting':
      return true;
    case 'running': {
      const deadline =
        schedule.timeoutMs === undefined
          ? undefined
          : (instance.startedAt ?? out.now) + schedule.timeoutMs;
      if (deadline !== undefined && out.now >= deadline) {
        stopInstance(
          out,
          instance,
          spec,
          `timeout: still running after ${schedule.timeoutMs} ms`,
          undefined,
          'timeout',
        );
      } else if (deadline !== undefined) {
        out.wakeAtLatest(deadline);
      }
      return true;
    }
    case 'stopping':
      stopInstance(out, instance, spec, instance.stopReason ?? 'stop');
      return true;
    case 'exited':
      return planFinishedRun(out, spec, instance);
  }
}

function planFinishedRun(out: PlanBuilder, spec: ProcessSpec, instance: InstanceState): boolean {
  const exit = instance.lastExit;
  const retry =
    exit !== undefined &&
    !exit.requested &&
    exit.stopCause !== 'timeout' &&
    instance.specHash === spec.specHash
      ? exitOutcome(instance, exit, spec)
      : undefined;
  if (retry?.kind !== 'restart') {
    out.act({
      kind: 'forget',
      id: instance.id,
      process: spec.name,
      reason: 'scheduled run finished',
    });
    return false;
  }
  restartWhenDue(out, spec, instance, retry.at, describeExit(exit!));
  return true;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
