import type { Clock } from '../clock.ts';
import { instanceProbeTarget } from '../desired/probe-target.ts';
import type { DesiredState, ProbeKind, ProbeSpec, ProcessSpec } from '../desired/types.ts';
import type { ProbeScheduler, ProbeSubject } from '../executors/probes/probe-scheduler.ts';
import { instanceEnv } from '../executors/process-executor.ts';
import type { ObservedState } from '../observed/types.ts';
import type { ProbeAttempt } from '../reconciler/loop.ts';
import { startupDone } from '../reconciler/outcome.ts';

/**
 * Keeps the probe runners in step with the running instances, after every reconcile. The probe
 * code is loaded only once some process declares a probe, so a manager without probes never
 * pays for it at start-up.
 */
export function createProbeSync(
  clock: Clock,
  report: (attempt: ProbeAttempt) => void,
  baseEnv: Readonly<Record<string, string | undefined>> = {},
) {
  let scheduler: ProbeScheduler | undefined;
  let loading: Promise<void> | undefined;
  let latest: { desired: DesiredState; observed: ObservedState } | undefined;

  const apply = () => {
    if (scheduler && latest)
      scheduler.sync(probeSubjects(latest.desired, latest.observed, baseEnv));
  };

  return {
    sync(desired: DesiredState, observed: ObservedState): void {
      latest = { desired, observed };
      if (scheduler) {
        apply();
        return;
      }
      if (
        loading ||
        !Object.values(desired.processes).some((p) => Object.keys(p.probes).length > 0)
      )
        return;
      loading = import('../executors/probes/probe-scheduler.ts').then(({ ProbeScheduler }) => {
        scheduler = new ProbeScheduler({ clock, report });
        apply();
      });
    },
    stop(): void {
      scheduler?.stop();
    },
  };
}

/**
 * Per-instance probe specs, cached per spec object (a reload makes a new one) so that the
 * scheduler's by-value comparison sees the same object on every reconcile.
 */
const filledIn = new WeakMap<object, Map<string, Partial<Record<ProbeKind, ProbeSpec>>>>();

function instanceProbes(
  spec: ProcessSpec,
  instance: { id: string; process: string; index: number },
  baseEnv: Readonly<Record<string, string | undefined>>,
): Partial<Record<ProbeKind, ProbeSpec>> {
  const probes = spec.probes;
  let byInstance = filledIn.get(probes);
  if (byInstance === undefined) {
    byInstance = new Map();
    filledIn.set(probes, byInstance);
  }
  let result = byInstance.get(instance.id);
  if (result === undefined) {
    result = {};
    for (const kind of Object.keys(probes) as ProbeKind[]) {
      const probe = probes[kind]!;
      const target = instanceProbeTarget(probe.target, instance);
      // An exec probe runs as the instance would: its environment and working directory.
      const context =
        target.type === 'exec'
          ? {
              env: instanceEnv(baseEnv, spec, instance.id, instance.index),
              ...(spec.workingDir === undefined ? {} : { cwd: spec.workingDir }),
            }
          : {};
      result[kind] = { ...probe, target: { ...target, ...context } };
    }
    byInstance.set(instance.id, result);
  }
  return result;
}

/** Running instances of processes with probes, their targets filled in per instance. */
export function probeSubjects(
  desired: DesiredState,
  observed: ObservedState,
  baseEnv: Readonly<Record<string, string | undefined>> = {},
): ProbeSubject[] {
  const subjects: ProbeSubject[] = [];
  if (desired.shutdown) return subjects;
  for (const instance of Object.values(observed.instances)) {
    const spec = desired.processes[instance.process];
    if (spec === undefined || instance.phase !== 'running' || instance.pid === undefined) continue;
    if (instance.specHash !== spec.specHash || instance.startedAt === undefined) continue;
    if (Object.keys(spec.probes).length === 0) continue;
    subjects.push({
      id: instance.id,
      pid: instance.pid,
      startedAt: instance.startedAt,
      probes: instanceProbes(spec, instance, baseEnv),
      startupSucceeded: startupDone(instance, spec),
    });
  }
  return subjects;
}
