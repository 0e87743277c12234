/**
 * Per-instance values in probe targets. A file may probe each replica on its own port
 * (`port: "90${PHPEEK_PM_REPLICA}"`); such expressions are left as written when the file is
 * read (see source.ts) and filled in here for one instance, by whoever runs its probes.
 */
import type { DocPath } from './diagnostics.ts';
import type { ProbeTarget } from './types.ts';

/** The variables a probe target may hold, as the executor also sets them in each process. */
export const PER_INSTANCE_VARIABLES: ReadonlySet<string> = new Set([
  'PHPEEK_PM_REPLICA',
  'PHPEEK_PM_INSTANCE_ID',
  'PHPEEK_PM_PROCESS_NAME',
]);

/** True for paths inside a probe's target: `processes.web.probes.readiness.http.url`. */
export function isInProbeTarget(path: DocPath): boolean {
  return (
    path.length > 5 &&
    path[0] === 'processes' &&
    path[2] === 'probes' &&
    (path[4] === 'exec' || path[4] === 'http' || path[4] === 'tcp')
  );
}

export interface ProbeInstance {
  /** Process name. */
  readonly process: string;
  /** Replica index, from 0. */
  readonly index: number;
  /** Instance id, `name-<index>`. */
  readonly id: string;
}

const EXPRESSION = /\$\{(PHPEEK_PM_REPLICA|PHPEEK_PM_INSTANCE_ID|PHPEEK_PM_PROCESS_NAME)\}/g;

/** `text` with every per-instance `${...}` replaced by the instance's value. */
export function fillInstanceVariables(text: string, instance: ProbeInstance): string {
  return text.replace(EXPRESSION, (_, name: string) => {
    switch (name) {
      case 'PHPEEK_PM_REPLICA':
        return String(instance.index);
      case 'PHPEEK_PM_INSTANCE_ID':
        return instance.id;
      default:
        return instance.process;
    }
  });
}

/** The target as one instance's probe must check it. Pure; the input is not changed. */
export function instanceProbeTarget(target: ProbeTarget, instance: ProbeInstance): ProbeTarget {
  const fill = (text: string) => fillInstanceVariables(text, instance);
  switch (target.type) {
    case 'exec':
      return { ...target, command: target.command.map(fill) };
    case 'http':
      return {
        ...target,
        url: fill(target.url),
        headers: Object.fromEntries(
          Object.entries(target.headers).map(([name, value]) => [name, fill(value)]),
        ),
      };
    case 'tcp':
      return { ...target, host: fill(target.host), port: fill(target.port) };
    default: {
      const unknown: never = target;
      throw new Error(`instanceProbeTarget: unknown target ${JSON.stringify(unknown)}`);
    }
  }
}
