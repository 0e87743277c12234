/**
 * The identity of what runs: two instances with the same hash are interchangeable; a changed
 * hash means running instances must be replaced.
 *
 * Hashed: command, env, working_dir, user, group, which are fixed when the process starts.
 * Not hashed: replicas, enabled, restart, restart_backoff, depends_on (they decide how many
 * run and when, not what runs), and stop.signal and stop.timeout, which only matter when the
 * instance is stopped and are read from the desired state at that moment. Changing how an
 * instance is to be stopped must not stop it.
 */
import { createHash } from 'node:crypto';
import type { ProcessSpec } from './types.ts';

export type HashedSpec = Pick<ProcessSpec, 'command' | 'env' | 'workingDir' | 'user' | 'group'>;

/** Bumped if what is hashed changes, so old and new hashes never compare equal by accident. */
const HASH_VERSION = 1;

/** 12 hex digits of sha256 over canonical JSON: stable across runs, key order and platforms. */
export function specHash(spec: HashedSpec): string {
  const identity = {
    v: HASH_VERSION,
    command: spec.command,
    env: spec.env,
    workingDir: spec.workingDir,
    user: spec.user,
    group: spec.group,
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 12);
}

/** JSON with object keys sorted at every level and undefined properties left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
