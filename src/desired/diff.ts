import type { ProcessSpec } from './types.ts';

export interface ProcessChange {
  readonly name: string;
  readonly change: 'added' | 'removed' | 'replaced' | 'scaled' | 'enabled' | 'disabled' | 'updated';
  readonly detail?: string;
}

/**
 * What a new set of process specs changes compared with the current one, for the log line of a
 * reload and for a dry run. `updated` covers settings that take effect without touching
 * running instances (restart policy, backoff, stop timeout, dependencies).
 */
export function diffProcesses(
  before: Readonly<Record<string, ProcessSpec>>,
  after: Readonly<Record<string, ProcessSpec>>,
): ProcessChange[] {
  const changes: ProcessChange[] = [];
  for (const [name, next] of Object.entries(after)) {
    const prev = before[name];
    if (prev === undefined) {
      changes.push({ name, change: 'added' });
      continue;
    }
    if (prev.enabled !== next.enabled)
      changes.push({ name, change: next.enabled ? 'enabled' : 'disabled' });
    if (prev.specHash !== next.specHash) changes.push({ name, change: 'replaced' });
    if (prev.replicas !== next.replicas) {
      changes.push({ name, change: 'scaled', detail: `${prev.replicas} -> ${next.replicas}` });
    }
    if (changes.at(-1)?.name !== name && JSON.stringify(prev) !== JSON.stringify(next)) {
      changes.push({ name, change: 'updated' });
    }
  }
  for (const name of Object.keys(before)) {
    if (!(name in after)) changes.push({ name, change: 'removed' });
  }
  return changes;
}

export function describeChanges(changes: readonly ProcessChange[]): string {
  if (changes.length === 0) return 'no process changed';
  return changes.map((c) => `${c.name} ${c.change}${c.detail ? ` ${c.detail}` : ''}`).join(', ');
}
