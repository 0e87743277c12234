import type { DependencyCondition, DesiredState, ProcessSpec } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import { desiredReplicas, instanceId } from './instance-ids.ts';
import { describeExit, exitOutcome, isReady, succeeded } from './outcome.ts';

/** Why a dependency holds the dependent back; `never` when it can no longer be met. */
export interface UnmetDependency {
  readonly reason: string;
  readonly never: boolean;
}

/**
 * Why the process may not start yet, or undefined when every dependency condition holds.
 * Conditions are checked before an instance's first start under its spec only: losing a
 * dependency later does not stop or hold back dependents (as Kubernetes).
 *
 * - `process_started`: every desired replica has started at least once under its spec;
 * - `process_healthy`: every desired replica is ready (startup and readiness probes passed);
 * - `process_completed_successfully`: every desired replica has exited 0.
 */
export function unmetDependency(
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
): UnmetDependency | undefined {
  for (const [name, { condition }] of Object.entries(spec.dependsOn)) {
    const dependency = desired.processes[name];
    if (dependency === undefined)
      return { reason: `waiting for ${name}: it is not declared`, never: false };
    const wanted = desiredReplicas(dependency);
    let met = 0;
    let failure: string | undefined;
    let trouble: string | undefined;
    for (let i = 0; i < wanted; i++) {
      const instance = observed.instances[instanceId(name, i)];
      if (conditionMet(condition, instance, dependency)) {
        met++;
        continue;
      }
      failure ??= failedForGood(instance, dependency);
      trouble ??= lastTrouble(instance);
    }
    if (met === wanted) continue;
    if (failure !== undefined) {
      return {
        reason: `blocked: ${name} will not become ${verb(condition)}: ${failure}`,
        never: true,
      };
    }
    const detail = trouble === undefined ? '' : `; ${trouble}`;
    return {
      reason: `waiting for ${name}: ${condition} (${met}/${wanted} ${verb(condition)}${detail})`,
      never: false,
    };
  }
  return undefined;
}

function conditionMet(
  condition: DependencyCondition,
  instance: InstanceState | undefined,
  spec: ProcessSpec,
): boolean {
  if (instance === undefined || instance.specHash !== spec.specHash) return false;
  switch (condition) {
    case 'process_started':
      return instance.startedAt !== undefined;
    case 'process_healthy':
      return isReady(instance, spec);
    case 'process_completed_successfully':
      return (
        instance.phase === 'exited' &&
        instance.lastExit !== undefined &&
        succeeded(instance.lastExit)
      );
  }
}

/** Why an instance will never meet any condition again, if so. */
function failedForGood(instance: InstanceState | undefined, spec: ProcessSpec): string | undefined {
  const exit = instance?.lastExit;
  if (instance === undefined || exit === undefined || instance.phase !== 'exited' || exit.requested)
    return undefined;
  if (instance.specHash !== spec.specHash) return undefined;
  const outcome = exitOutcome(instance, exit, spec);
  if (outcome.kind === 'failed') return `${instance.id} ${outcome.why}`;
  if (outcome.kind === 'completed' && spec.type === 'longrun')
    return `${instance.id} ${describeExit(exit)} and is not restarted`;
  return undefined;
}

/** The latest trouble of a dependency's instance, worth naming in the dependent's reason. */
function lastTrouble(instance: InstanceState | undefined): string | undefined {
  const exit = instance?.lastExit;
  if (instance?.phase !== 'exited' || exit === undefined || exit.requested) return undefined;
  return `${instance.id} ${describeExit(exit)}`;
}

function verb(condition: DependencyCondition): string {
  switch (condition) {
    case 'process_started':
      return 'started';
    case 'process_healthy':
      return 'ready';
    case 'process_completed_successfully':
      return 'completed';
  }
}

/** Processes that declare a dependency on `name`. */
export function dependentsOf(desired: DesiredState, name: string): string[] {
  return Object.values(desired.processes)
    .filter((spec) => Object.hasOwn(spec.dependsOn, name))
    .map((spec) => spec.name);
}
