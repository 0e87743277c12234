import type { DesiredState } from '../desired/types.ts';
import type { ObservedState } from '../observed/types.ts';
import { exitCodeOf, exitOutcome } from './outcome.ts';
import type { PlanBuilder } from './plan-builder.ts';

/**
 * A critical process that has failed for good (its restarts used up, or `restart: never` after
 * a failure) takes the manager down with its exit code, so the orchestrator restarts the
 * container. Scheduled processes are never critical: their next run is another chance.
 */
export function planCritical(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
): void {
  for (const instance of Object.values(observed.instances)) {
    const spec = desired.processes[instance.process];
    const exit = instance.lastExit;
    if (!spec?.critical || !spec.enabled || spec.schedule !== undefined) continue;
    if (
      instance.phase !== 'exited' ||
      exit === undefined ||
      exit.requested ||
      instance.specHash !== spec.specHash
    )
      continue;
    const outcome = exitOutcome(instance, exit, spec);
    if (outcome.kind !== 'failed') continue;
    out.act({
      kind: 'shutdown',
      process: spec.name,
      code: exitCodeOf(exit),
      reason: `critical process ${instance.id} failed: ${outcome.why}`,
    });
    return;
  }
}
