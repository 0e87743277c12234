/**
 * CPU and memory of a manager's own processes taken together: one process for phpeek-pm,
 * supervisord and PM2's runtime, s6-svscan plus every s6-supervise for s6. All from /proc.
 */
import { readCpuNs, readMemory, readStat } from './proc.ts';

export interface GroupMemory {
  readonly processes: number;
  /** Sum of Pss: shared pages divided among every process on the machine that maps them. */
  readonly pssKiB: number;
  /** Sum of Rss: pages shared between the group's processes count once per process. */
  readonly rssKiB: number;
  /**
   * Pss with the shared pages of each executable's mappings counted once in full (the largest
   * such set in the group) instead of the group's share of them, and their private pages (data
   * written, relocations) once per process: the figure for a container where no other process
   * runs the same interpreter. Other Node processes here (this benchmark, PM2 next to
   * phpeek-pm) share the ~40 MB of the `node` binary and would otherwise shrink the Pss of
   * whichever Node-based manager is measured.
   */
  readonly alonePssKiB: number;
  /** Sum of RssAnon: memory that only swap could reclaim (no file behind it). */
  readonly anonKiB: number;
}

export function readGroupMemory(pids: readonly number[]): GroupMemory | undefined {
  let pss = 0;
  let rss = 0;
  let anon = 0;
  let alone = 0;
  let processes = 0;
  const exeShared = new Map<string, number>();
  for (const pid of pids) {
    const memory = readMemory(pid);
    if (!memory) continue;
    processes++;
    pss += memory.pssKiB;
    rss += memory.rssKiB;
    anon += memory.anonKiB;
    alone += memory.pssKiB - memory.exePssKiB + memory.exePrivateKiB;
    const shared = memory.exeRssKiB - memory.exePrivateKiB;
    exeShared.set(memory.exe, Math.max(exeShared.get(memory.exe) ?? 0, shared));
  }
  if (processes === 0) return undefined;
  for (const kib of exeShared.values()) alone += kib;
  return { processes, pssKiB: pss, rssKiB: rss, alonePssKiB: alone, anonKiB: anon };
}

/** CPU counters of each process, to subtract from a later reading. */
export interface CpuReading {
  readonly at: number;
  readonly byPid: Map<number, { starttime: number; ticks: number; ns: number }>;
}

export function readGroupCpu(pids: readonly number[]): CpuReading {
  const byPid: CpuReading['byPid'] = new Map();
  for (const pid of pids) {
    const stat = readStat(pid);
    const ns = readCpuNs(pid);
    if (!stat || ns === undefined) continue;
    byPid.set(pid, { starttime: stat.starttime, ticks: stat.utime + stat.stime, ns });
  }
  return { at: performance.now(), byPid };
}

/**
 * CPU used between two readings by the processes present in both (same pid and starttime):
 * utime+stime in clock ticks, and the finer per-thread schedstat run time in nanoseconds.
 */
export function cpuBetween(
  before: CpuReading,
  after: CpuReading,
): { ticks: number; ns: number; ms: number; processes: number } {
  let ticks = 0;
  let ns = 0;
  let processes = 0;
  for (const [pid, a] of before.byPid) {
    const b = after.byPid.get(pid);
    if (!b || b.starttime !== a.starttime) continue;
    ticks += b.ticks - a.ticks;
    ns += Math.max(0, b.ns - a.ns);
    processes++;
  }
  return { ticks, ns, ms: after.at - before.at, processes };
}
