/**
 * Readers of /proc, synchronous on purpose: a poll loop that blocks the event loop measures the
 * manager, not our own timers. Every reader returns `undefined` for a process that is gone.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

import { readProcStat as readStat } from '../../src/executors/proc-stat.ts';

export type { ProcStat } from '../../src/executors/proc-stat.ts';
export { readStat };

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** True when the process no longer runs: gone, or a zombie waiting for its parent. */
export function hasExited(pid: number): boolean {
  const stat = readStat(pid);
  return stat === undefined || stat.state === 'Z' || stat.state === 'X';
}

/** The argv of a process, NUL-separated as the kernel keeps it ('' for a zombie). */
export function readCmdline(pid: number): string | undefined {
  return readText(`/proc/${pid}/cmdline`);
}

let childrenFileWorks: boolean | undefined;

/**
 * Direct children of `pid`. Uses /proc/<pid>/task/<pid>/children (CONFIG_PROC_CHILDREN), which
 * lists what the main thread forked: Node spawns from its main thread. Without that file, falls
 * back to a scan of every /proc/<n>/stat for the ppid (slower, ~2 ms).
 */
export function readChildren(pid: number): number[] | undefined {
  if (childrenFileWorks !== false) {
    const text = readText(`/proc/${pid}/task/${pid}/children`);
    if (text !== undefined) {
      childrenFileWorks = true;
      return text.length === 0 ? [] : text.trim().split(' ').map(Number);
    }
    if (childrenFileWorks === undefined && readText(`/proc/${pid}/stat`) !== undefined) {
      childrenFileWorks = false;
    } else {
      return undefined;
    }
  }
  if (readText(`/proc/${pid}/stat`) === undefined) return undefined;
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    const child = Number(name);
    if (Number.isInteger(child) && readStat(child)?.ppid === pid) children.push(child);
  }
  return children;
}

export interface Memory {
  readonly pssKiB: number;
  readonly rssKiB: number;
  /** Peak RSS (VmHWM). */
  readonly peakRssKiB: number;
  /**
   * PSS with the process's own executable counted in full, i.e. as if no other process mapped
   * the same binary. Other Node processes on the machine (the benchmark itself, too) share the
   * ~40 MB `node` image and shrink the plain PSS; in a container the manager is usually the
   * only Node process.
   */
  readonly alonePssKiB: number;
  /** The executable (/proc/<pid>/exe) and how much of its mappings is resident / our share. */
  readonly exe: string;
  readonly exeRssKiB: number;
  readonly exePssKiB: number;
  /** Of exeRssKiB: pages mapped by this process only (its written data, relocations). */
  readonly exePrivateKiB: number;
  /** RssAnon from /proc/<pid>/status: anonymous memory, which only swap could reclaim. */
  readonly anonKiB: number;
}

/** PSS and RSS from /proc/<pid>/smaps_rollup (kernel >= 4.14) and /proc/<pid>/smaps. */
export function readMemory(pid: number): Memory | undefined {
  const rollup = readText(`/proc/${pid}/smaps_rollup`);
  const smaps = readText(`/proc/${pid}/smaps`);
  const status = readText(`/proc/${pid}/status`);
  let exe: string;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
  if (rollup === undefined || smaps === undefined || status === undefined) return undefined;
  const field = (text: string, name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  // The executable's mappings: how much of them is resident, and our proportional share.
  let exeRss = 0;
  let exePss = 0;
  let exePrivate = 0;
  let inExe = false;
  for (const line of smaps.split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inExe = line.endsWith(` ${exe}`);
    else if (inExe && line.startsWith('Rss:')) exeRss += field(line, 'Rss');
    else if (inExe && line.startsWith('Pss:')) exePss += field(line, 'Pss');
    else if (inExe && line.startsWith('Private_')) {
      exePrivate += Number(/(\d+) kB/.exec(line)?.[1] ?? 0);
    }
  }
  const pssKiB = field(rollup, 'Pss');
  return {
    pssKiB,
    rssKiB: field(rollup, 'Rss'),
    peakRssKiB: field(status, 'VmHWM'),
    alonePssKiB: pssKiB + exeRss - exePss,
    exe,
    exeRssKiB: exeRss,
    exePssKiB: exePss,
    exePrivateKiB: exePrivate,
    anonKiB: field(status, 'RssAnon'),
  };
}

/**
 * Nanoseconds on a CPU, summed over the threads alive now (/proc/<pid>/task/<tid>/schedstat).
 * Finer than utime+stime, which the kernel reports in clock ticks (10 ms at USER_HZ=100);
 * threads that already exited are not counted.
 */
export function readCpuNs(pid: number): number | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let total = 0;
  for (const tid of tids) {
    const text = readText(`/proc/${pid}/task/${tid}/schedstat`);
    if (text !== undefined) total += Number(text.split(' ')[0]);
  }
  return total;
}

/** USER_HZ: the unit of utime and stime. */
export function clockTicksPerSecond(): number {
  try {
    const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return hz > 0 ? hz : 100;
  } catch {
    return 100;
  }
}

/** Every pid whose argv is exactly `argv` (a sweep for leftovers). */
export function findByCmdline(argv: readonly string[]): number[] {
  const wanted = argv.join('\0') + '\0';
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && readCmdline(pid) === wanted) found.push(pid);
  }
  return found;
}
