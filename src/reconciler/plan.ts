import type { DesiredState, ProcessSpec } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import type { Plan } from './actions.ts';
import { planCritical } from './critical.ts';
import { desiredReplicas } from './instance-ids.ts';
import { PlanBuilder } from './plan-builder.ts';
import { planReplicas } from './replicas.ts';
import { planScheduled } from './scheduled.ts';
import { planShutdown } from './shutdown.ts';
import { stopInstance } from './stop.ts';

/**
 * What to do now to move the observed state towards the desired one. Pure and total: no I/O,
 * no clock (`now` is given), no randomness (jitter was recorded with each exit), and an answer
 * for every input. Used by the loop, and as a dry run by the API and the CLI.
 */
export function plan(desired: DesiredState, observed: ObservedState, now: number): Plan {
  const out = new PlanBuilder(now);
  if (desired.shutdown) {
    planShutdown(out, desired, observed);
    return out.build();
  }
  for (const instance of Object.values(observed.instances)) {
    const spec = desired.processes[instance.process];
    if (spec?.enabled && spec.schedule !== undefined) continue;
    const wanted = spec === undefined ? 0 : desiredReplicas(spec);
    // Retired instances of a running rollout are planned with their process (replicas.ts).
    if (instance.index < wanted) continue;
    planUnwanted(out, instance, spec, wanted);
  }
  for (const spec of Object.values(desired.processes)) {
    if (!spec.enabled) continue;
    if (spec.schedule !== undefined) planScheduled(out, desired, observed, spec);
    else planReplicas(out, desired, observed, spec);
  }
  planCritical(out, desired, observed);
  return out.build();
}

/** An instance that exists but is not desired: stop it, then forget it. */
function planUnwanted(
  out: PlanBuilder,
  instance: InstanceState,
  spec: ProcessSpec | undefined,
  wanted: number,
): void {
  if (instance.phase === 'exited') {
    out.act({
      kind: 'forget',
      id: instance.id,
      process: instance.process,
      reason: 'no longer desired',
    });
    return;
  }
  const reason =
    spec === undefined
      ? 'removed from the configuration'
      : !spec.enabled
        ? 'disabled'
        : `scaled down to ${wanted} replica${wanted === 1 ? '' : 's'}`;
  stopInstance(
    out,
    instance,
    spec,
    instance.phase === 'stopping' ? (instance.stopReason ?? reason) : reason,
  );
}
