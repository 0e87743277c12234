import { readFileSync } from 'node:fs';

/** A user or group given by name or number, resolved to numeric ids for spawn(). */
export interface Credentials {
  readonly uid?: number;
  readonly gid?: number;
}

interface Entry {
  readonly name: string;
  readonly id: number;
  readonly gid: number;
}

/** Parses passwd/group style files: `name:x:id:gid:...`. */
function readEntries(file: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , id, gid] = line.split(':');
    if (name === undefined || id === undefined) continue;
    entries.push({ name, id: Number(id), gid: Number(gid ?? id) });
  }
  return entries;
}

/**
 * Resolves `user` and `group` (names or numeric ids) against /etc/passwd and /etc/group. A user
 * without a group runs with the user's primary group. Throws with a clear message on an
 * unknown name. The files are read on every call: spawning with a user is rare, and a
 * container may add users at run time.
 */
export function resolveCredentials(
  user: string | undefined,
  group: string | undefined,
  etc = '/etc',
): Credentials {
  if (user === undefined && group === undefined) return {};
  let uid: number | undefined;
  let gid: number | undefined;
  if (user !== undefined) {
    const numeric = /^\d+$/.test(user) ? Number(user) : undefined;
    const entry = readEntries(`${etc}/passwd`).find((e) =>
      numeric === undefined ? e.name === user : e.id === numeric,
    );
    if (entry === undefined && numeric === undefined)
      throw new Error(`unknown user ${JSON.stringify(user)} (not in ${etc}/passwd)`);
    uid = entry?.id ?? numeric;
    gid = entry?.gid;
  }
  if (group !== undefined) {
    const numeric = /^\d+$/.test(group) ? Number(group) : undefined;
    const entry =
      numeric === undefined ? readEntries(`${etc}/group`).find((e) => e.name === group) : undefined;
    if (entry === undefined && numeric === undefined)
      throw new Error(`unknown group ${JSON.stringify(group)} (not in ${etc}/group)`);
    gid = entry?.id ?? numeric;
  }
  return { ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) };
}
