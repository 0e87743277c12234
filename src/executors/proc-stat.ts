import { readFileSync } from 'node:fs';

export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
  /** Clock ticks in user and kernel mode, summed over all threads of the process. */
  readonly utime: number;
  readonly stime: number;
  /** Clock ticks after boot: with the pid, it identifies a process (pids get reused). */
  readonly starttime: number;
}

/**
 * /proc/<pid>/stat, read after the command name, which may itself hold spaces and ')'.
 * Undefined for a process that is gone.
 */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // Fields from 3 (state) on; proc(5) numbers them from 1.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: f[0] ?? '',
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    starttime: Number(f[19]),
  };
}
