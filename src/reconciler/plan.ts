import type { DesiredState, ProcessSpec } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import type { Plan } from './actions.ts';
import { backoffDelay } from './backoff.ts';
import { unmetDependency } from './dependencies.ts';
import { desiredReplicas, instanceId } from './instance-ids.ts';
import { PlanBuilder } from './plan-builder.ts';
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
    const wanted = spec === undefined ? 0 : desiredReplicas(spec);
    if (instance.index < wanted) continue;
    planUnwanted(out, instance, spec, wanted);
  }
  for (const spec of Object.values(desired.processes)) {
    const wanted = desiredReplicas(spec);
    for (let index = 0; index < wanted; index++) {
      planWanted(out, desired, observed, spec, index);
    }
  }
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

/** Replica `index` of `spec` should run under the current spec. */
function planWanted(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
  index: number,
): void {
  const id = instanceId(spec.name, index);
  const instance = observed.instances[id];
  if (instance === undefined || instance.specHash !== spec.specHash) {
    planFirstStart(out, desired, observed, spec, index, instance);
    return;
  }
  switch (instance.phase) {
    case 'starting':
    case 'running':
      return;
    case 'stopping':
      stopInstance(out, instance, spec, instance.stopReason ?? 'stop');
      return;
    case 'exited':
      planRestart(out, spec, instance);
      return;
  }
}

/** No instance under the current spec yet: start it once dependencies allow. */
function planFirstStart(
  out: PlanBuilder,
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
  index: number,
  previous: InstanceState | undefined,
): void {
  const id = instanceId(spec.name, index);
  if (previous !== undefined && previous.phase !== 'exited') {
    // An instance under an older spec still lives: replace it, start once it is gone.
    stopInstance(
      out,
      previous,
      spec,
      previous.phase === 'stopping'
        ? (previous.stopReason ?? 'replace')
        : 'spec changed: replacing',
    );
    return;
  }
  const waiting = unmetDependency(desired, observed, spec);
  if (waiting !== undefined) {
    out.block({ id, process: spec.name, reason: waiting });
    return;
  }
  out.act({
    kind: 'spawn',
    id,
    process: spec.name,
    index,
    specHash: spec.specHash,
    reason: startReason(observed, spec, previous),
  });
}

function startReason(
  observed: ObservedState,
  spec: ProcessSpec,
  previous: InstanceState | undefined,
): string {
  if (previous !== undefined) return 'spec changed: replaced';
  const siblings = Object.values(observed.instances).some((i) => i.process === spec.name);
  return siblings ? `scaled up to ${spec.replicas} replicas` : 'start';
}

/** The instance exited under the current spec: restart it per policy, after its backoff. */
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
  const how = describeExit(exit);
  const succeeded = exit.code === 0 && exit.spawnError === undefined;
  if (spec.restart === 'never' || (spec.restart === 'on-failure' && succeeded)) return;
  const readyAt =
    exit.at + backoffDelay(spec.backoff, instance.consecutiveFailures, instance.jitter);
  if (out.now >= readyAt) {
    spawn(`restart: ${how} (restart ${instance.restarts + 1})`);
    return;
  }
  out.block({
    id: instance.id,
    process: spec.name,
    reason: `backoff: ${how}; restarting in ${readyAt - out.now} ms`,
    until: readyAt,
  });
}

function describeExit(exit: NonNullable<InstanceState['lastExit']>): string {
  if (exit.spawnError !== undefined) return `failed to start: ${exit.spawnError}`;
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
