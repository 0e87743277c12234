import type { DesiredState, ProcessSpec } from '../desired/types.ts';
import type { InstanceState, ObservedState } from '../observed/types.ts';
import { desiredReplicas, instanceId } from './instance-ids.ts';

/**
 * Why the process may not start yet, or undefined when every dependency condition holds.
 * `process_started` holds once every desired replica of the dependency has started at least
 * once under its current spec; losing it later does not stop dependents (as Kubernetes).
 */
export function unmetDependency(
  desired: DesiredState,
  observed: ObservedState,
  spec: ProcessSpec,
): string | undefined {
  for (const [name, { condition }] of Object.entries(spec.dependsOn)) {
    const dependency = desired.processes[name];
    if (dependency === undefined) return `waiting for ${name}: it is not declared`;
    const wanted = desiredReplicas(dependency);
    let started = 0;
    let problem: string | undefined;
    for (let i = 0; i < wanted; i++) {
      const instance = observed.instances[instanceId(name, i)];
      if (hasStarted(instance, dependency.specHash)) started++;
      else problem ??= describeNotStarted(instance);
    }
    if (started < wanted) {
      const detail = problem ? `; ${problem}` : '';
      return `waiting for ${name}: ${condition} (${started}/${wanted} started${detail})`;
    }
  }
  return undefined;
}

function hasStarted(instance: InstanceState | undefined, specHash: string): boolean {
  return (
    instance !== undefined && instance.specHash === specHash && instance.startedAt !== undefined
  );
}

function describeNotStarted(instance: InstanceState | undefined): string | undefined {
  const spawnError = instance?.lastExit?.spawnError;
  return spawnError ? `${instance.id} failed to start: ${spawnError}` : undefined;
}

/** Processes that declare a dependency on `name`. */
export function dependentsOf(desired: DesiredState, name: string): string[] {
  return Object.values(desired.processes)
    .filter((spec) => Object.hasOwn(spec.dependsOn, name))
    .map((spec) => spec.name);
}
