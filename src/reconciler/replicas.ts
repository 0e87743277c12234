import type { DesiredState, ProcessSpec } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import { unmetDependency } from './dependencies.ts';
import { desiredReplicas, instanceId } from './instance-ids.ts';
import { describeExit, exitOutcome, isReady, startupDone } from './outcome.ts';
import type { PlanBuilder } from './plan-builder.ts';
import { restartWhenDue } from './restart.ts';
import { stopInstance } from './stop.ts';

/**
 * Keeps replicas 0..n-1 of a long-running process or oneshot as its spec says: first starts
 * behind dependency conditions, restarts after backoff, probe failures turned into restarts,
 * and rolling replacement of instances started under an older spec.
 */
export function planReplicas(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
): void {
  const wanted = desiredReplicas(spec);
  const slots = Array.from(
    { length: wanted },
    (_, i) => observed.instances[instanceId(spec.name, i)],
  );
  // Retired instances beyond the desired count are stopped as scaled down (plan.ts).
  const retired = Object.values(observed.instances).filter(
    (i) => i.process === spec.name && i.retiredFrom !== undefined && i.index < wanted,
  );
  const rollout = new RolloutBudget(spec, slots, retired);
  for (const instance of retired) planRetired(out, observed, spec, instance);
  for (let index = 0; index < wanted; index++) {
    const instance = slots[index];
    if (
      instance === undefined ||
      (instance.specHash !== spec.specHash && instance.phase === 'exited')
    ) {
      planFirstStart(out, desired, observed, spec, index, instance);
    } else if (instance.specHash !== spec.specHash) {
      planReplacement(out, spec, instance, rollout);
    } else {
      planCurrent(out, spec, instance);
    }
  }
}

/** No instance under the current spec: start one once the dependency conditions hold. */
function planFirstStart(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
  index: number,
  previous: InstanceState | undefined,
): void {
  const id = instanceId(spec.name, index);
  const waiting = unmetDependency(desired, observed, spec);
  if (waiting !== undefined) {
    out.block({ id, process: spec.name, reason: waiting.reason });
    return;
  }
  const siblings = Object.values(observed.instances).some((i) => i.process === spec.name);
  const replacing =
    previous !== undefined || Object.values(observed.instances).some((i) => i.retiredFrom === id);
  const reason = replacing
    ? 'spec changed: replaced'
    : siblings
      ? `scaled up to ${spec.replicas} replicas`
      : 'start';
  out.act({ kind: 'spawn', id, process: spec.name, index, specHash: spec.specHash, reason });
}

/**
 * The budget of a rolling replacement. `max_surge` instances may run beside the desired ones:
 * an old instance is retired from its slot and keeps serving until its replacement is ready.
 * Beyond the surge, old instances are replaced in place while fewer than `max_unavailable` of
 * the desired count are unavailable.
 */
class RolloutBudget {
  private unavailable: number;
  private surge: number;
  private readonly limit: number;
  private readonly total: number;
  private readonly maxSurge: number;

  constructor(
    spec: ProcessSpec,
    slots: readonly (InstanceState | undefined)[],
    retired: readonly InstanceState[],
  ) {
    this.total = slots.length;
    this.limit = spec.rollout.maxUnavailable;
    const available = [...slots, ...retired].filter((i) => isAvailable(i, spec)).length;
    this.unavailable = Math.max(0, this.total - available);
    this.surge = spec.rollout.maxSurge - retired.filter((i) => i.phase !== 'exited').length;
    this.maxSurge = spec.rollout.maxSurge;
  }

  /** How to make room for the replacement of `instance`, if the budget allows now. */
  take(instance: InstanceState, spec: ProcessSpec): 'retire' | 'stop' | undefined {
    if (this.surge > 0 && isAvailable(instance, spec)) {
      this.surge--;
      return 'retire';
    }
    if (!isAvailable(instance, spec)) return 'stop';
    if (this.unavailable + 1 > this.limit) return undefined;
    this.unavailable++;
    return 'stop';
  }

  describe(): string {
    const surge = this.maxSurge > 0 ? `, max_surge ${this.maxSurge} in use` : '';
    return `${this.unavailable}/${this.total} unavailable, max_unavailable ${this.limit}${surge}`;
  }
}

/** Serving now, whatever spec it was started with. */
function isAvailable(instance: InstanceState | undefined, spec: ProcessSpec): boolean {
  if (instance?.phase !== 'running' || !startupDone(instance, spec)) return false;
  return spec.probes.readiness === undefined || instance.probes.readiness?.state === 'success';
}

function planReplacement(
  out: PlanBuilder,
  spec: ProcessSpec,
  instance: InstanceState,
  rollout: RolloutBudget,
): void {
  if (instance.phase === 'stopping') {
    stopInstance(out, instance, spec, instance.stopReason ?? 'spec changed: replacing');
    return;
  }
  if (instance.phase === 'starting') return;
  switch (rollout.take(instance, spec)) {
    case 'retire':
      out.act({
        kind: 'retire',
        id: instance.id,
        process: spec.name,
        reason: 'spec changed: rolling replacement, the new instance starts beside it (max_surge)',
      });
      return;
    case 'stop':
      stopInstance(out, instance, spec, 'spec changed: rolling replacement');
      return;
    case undefined:
      out.block({
        id: instance.id,
        process: spec.name,
        reason: `rolling replacement: waiting (${rollout.describe()})`,
      });
  }
}

/** An instance retired from its slot: stop it once its replacement is ready, forget it after. */
function planRetired(
  out: PlanBuilder,
  observed: ObservedState,
  spec: ProcessSpec,
  instance: InstanceState,
): void {
  const slot = instance.retiredFrom as string;
  switch (instance.phase) {
    case 'exited':
      out.act({ kind: 'forget', id: instance.id, process: spec.name, reason: 'replaced' });
      return;
    case 'stopping':
      stopInstance(out, instance, spec, instance.stopReason ?? 'replaced');
      return;
    default: {
      if (isReady(observed.instances[slot], spec)) {
        stopInstance(out, instance, spec, `replaced by the new ${slot} (rolling replacement)`);
        return;
      }
      out.block({
        id: instance.id,
        process: spec.name,
        reason: `rolling replacement: serving until the new ${slot} is ready`,
      });
    }
  }
}

/** The instance runs, or ran, under the current spec. */
function planCurrent(out: PlanBuilder, spec: ProcessSpec, instance: InstanceState): void {
  switch (instance.phase) {
    case 'starting':
      return;
    case 'running':
      planProbeFailures(out, spec, instance);
      return;
    case 'stopping':
      stopInstance(out, instance, spec, instance.stopReason ?? 'stop');
      return;
    case 'exited':
      planRestart(out, spec, instance);
      return;
  }
}

/** A startup or liveness probe that gave up gets the instance restarted (as the kubelet). */
function planProbeFailures(out: PlanBuilder, spec: ProcessSpec, instance: InstanceState): void {
  const startup = instance.probes.startup;
  if (spec.probes.startup !== undefined && startup?.state === 'failure') {
    stopInstance(
      out,
      instance,
      spec,
      `startup probe failed: ${startup.lastMessage}`,
      undefined,
      'failure',
    );
    return;
  }
  const liveness = instance.probes.liveness;
  if (
    spec.probes.liveness !== undefined &&
    liveness?.state === 'failure' &&
    startupDone(instance, spec)
  ) {
    stopInstance(
      out,
      instance,
      spec,
      `liveness probe failed: ${liveness.lastMessage}`,
      undefined,
      'failure',
    );
  }
}

/** The instance exited under the current spec: start it again per policy, after its backoff. */
function planRestart(out: PlanBuilder, spec: ProcessSpec, instance: InstanceState): void {
  const exit = instance.lastExit;
  const spawn = (reason: string) =>
    out.act({
      kind: 'spawn',
      id: instance.id,
      process: spec.name,
      index: instance.index,
      specHash: spec.specHash,
      reason,
    });
  if (exit === undefined || exit.requested) {
    spawn(`start again after stop (${instance.stopReason ?? 'stopped'})`);
    return;
  }
  const outcome = exitOutcome(instance, exit, spec);
  switch (outcome.kind) {
    case 'completed':
      return;
    case 'failed':
      out.block({ id: instance.id, process: spec.name, reason: `failed: ${outcome.why}` });
      return;
    case 'restart': {
      const why =
        instance.stopReason && exit.stopCause === 'failure'
          ? instance.stopReason
          : describeExit(exit);
      restartWhenDue(out, spec, instance, outcome.at, why);
    }
  }
}
