import type { Clock } from '../clock.ts';
import { instanceProbeTarget } from '../desired/probe-target.ts';
import type { DesiredState, ProbeKind, ProbeSpec } from '../desired/types.ts';
import type { ProbeScheduler, ProbeSubject } from '../executors/probes/probe-scheduler.ts';
import type { ObservedState } from '../observed/types.ts';
import type { ProbeAttempt } from '../reconciler/loop.ts';
import { startupDone } from '../reconciler/outcome.ts';

/**
 * Keeps the probe runners in step with the running instances, after every reconcile. The probe
 * code is loaded only once some process declares a probe, so a manager without probes never
 * pays for it at start-up.
 */
export function createProbeSync(clock: Clock, report: (attempt: ProbeAttempt) => void) {
  let scheduler: ProbeScheduler | undefined;
  let loading: Promise<void> | undefined;
  let latest: { desired: DesiredState; observed: ObservedState } | undefined;

  const apply = () => {
    if (scheduler && latest) scheduler.sync(probeSubjects(latest.desired, latest.observed));
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

/** Running instances of processes with probes, their targets filled in per instance. */
export function probeSubjects(desired: DesiredState, observed: ObservedState): ProbeSubject[] {
  const subjects: ProbeSubject[] = [];
  if (desired.shutdown) return subjects;
  for (const instance of Object.values(observed.instances)) {
    const spec = desired.processes[instance.process];
    if (spec === undefined || instance.phase !== 'running' || instance.pid === undefined) continue;
    if (instance.specHash !== spec.specHash || instance.startedAt === undefined) continue;
    const kinds = Object.keys(spec.probes) as ProbeKind[];
    if (kinds.length === 0) continue;
    const probes: Partial<Record<ProbeKind, ProbeSpec>> = {};
    for (const kind of kinds) {
      const probe = spec.probes[kind]!;
      probes[kind] = { ...probe, target: instanceProbeTarget(probe.target, instance) };
    }
    subjects.push({
      id: instance.id,
      pid: instance.pid,
      startedAt: instance.startedAt,
      probes,
      startupSucceeded: startupDone(instance, spec),
    });
  }
  return subjects;
}
