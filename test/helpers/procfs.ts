import { readdirSync, readFileSync } from 'node:fs';
import { type ProcStat, readProcStat } from '../../src/executors/proc-stat.ts';

export type ProcInfo = ProcStat;
export const readProc = readProcStat;

export function allProcs(): ProcInfo[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readProc(Number(n)))
    .filter((p): p is ProcInfo => p !== undefined);
}

/** Every process below `root` (not including it). */
export function descendants(root: number, procs = allProcs()): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of procs) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** The value of an environment variable of a process, as root can read it. */
export function envOf(pid: number, name: string): string | undefined {
  try {
    const entries = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    const hit = entries.find((e) => e.startsWith(`${name}=`));
    return hit?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

/** The command name of a process (`/proc/<pid>/comm`), or undefined once it is gone. */
export function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
