import type { ProcessSpec } from '../desired/types.ts';

/** The deterministic id of replica `index` of a process. */
export function instanceId(process: string, index: number): string {
  return `${process}-${index}`;
}

/** How many instances of the process should run: 0 when disabled. */
export function desiredReplicas(spec: ProcessSpec): number {
  return spec.enabled ? spec.replicas : 0;
}
