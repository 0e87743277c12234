import type { ProcessSpec } from '../desired/types.ts';
import type { InstanceState } from '../observed/types.ts';
import type { PlanBuilder } from './plan-builder.ts';

/**
 * Starts an exited instance again once its backoff ends at `at`; until then it is blocked
 * with the time left. `why` says how its last run ended. A scheduled run's restart is a retry
 * of the same fire (it keeps `scheduledFor`), and says so.
 */
export function restartWhenDue(
  out: PlanBuilder,
  spec: ProcessSpec,
  instance: InstanceState,
  at: number,
  why: string,
): void {
  const retry = instance.scheduledFor !== undefined;
  if (out.now < at) {
    out.block({
      id: instance.id,
      process: spec.name,
      reason: `backoff: ${why}; ${retry ? 'retrying' : 'restarting'} in ${at - out.now} ms`,
      until: at,
    });
    return;
  }
  out.act({
    kind: 'spawn',
    id: instance.id,
    process: spec.name,
    index: instance.index,
    specHash: spec.specHash,
    ...(retry ? { scheduledFor: instance.scheduledFor } : {}),
    reason: `${retry ? 'retry of the scheduled run' : 'restart'}: ${why} (restart ${instance.restarts + 1})`,
  });
}
