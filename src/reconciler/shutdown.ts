import type { DesiredState } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import { dependentsOf } from './dependencies.ts';
import type { PlanBuilder } from './plan-builder.ts';
import { isLive, killInstance, stopInstance } from './stop.ts';

/**
 * The plan once the manager is asked to stop: dependents stop before what they depend on,
 * independent processes in parallel, everything is killed at the shutdown deadline (or at
 * once when forced), and the manager exits when nothing lives any more.
 */
export function planShutdown(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
): void {
  const shutdown = desired.shutdown!;
  const live = Object.values(observed.instances).filter(isLive);
  if (live.length === 0) {
    out.act({
      kind: 'exit',
      code: shutdown.exitCode,
      reason: `shutdown complete (${shutdown.cause})`,
    });
    return;
  }
  const deadline = shutdown.requestedAt + desired.global.shutdownTimeoutMs;
  if (shutdown.force || out.now >= deadline) {
    const reason = shutdown.force ? 'forced shutdown' : 'shutdown timeout passed';
    for (const instance of live) killInstance(out, instance, reason);
    return;
  }
  out.wakeAtLatest(deadline);
  const liveProcesses = new Set(live.map((i) => i.process));
  for (const instance of live) {
    const waitingFor = dependentsOf(desired, instance.process).filter((d) => liveProcesses.has(d));
    if (waitingFor.length > 0) {
      out.block({
        id: instance.id,
        process: instance.process,
        reason: `shutdown: waiting for dependents to stop: ${waitingFor.join(', ')}`,
      });
      continue;
    }
    stopInstance(
      out,
      instance,
      desired.processes[instance.process],
      stopReason(instance, shutdown.cause),
      deadline,
    );
  }
}

function stopReason(instance: InstanceState, cause: string): string {
  return instance.phase === 'stopping' && instance.stopReason
    ? instance.stopReason
    : `shutdown (${cause})`;
}
