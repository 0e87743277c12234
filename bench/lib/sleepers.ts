/**
 * Finding a manager's workloads in /proc: `sleep 1000` processes among its children (depth 1:
 * phpeek-pm, supervisord, PM2, the baselines) or its grandchildren (depth 2: s6-svscan →
 * s6-supervise → sleep). A process counts once it has exec'd `sleep` (a fork that has not
 * exec'd yet, a shell running `./run`, or a zombie, whose cmdline is empty, does not).
 */
import { trackChild } from './manager.ts';
import { readChildren, readCmdline, readStat } from './proc.ts';

export const SLEEP_SECONDS = '1000';

/** `sleep 1000` under any path: PM2 resolves the command to /usr/bin/sleep, the others do not. */
export function isSleeper(cmdline: string | undefined): boolean {
  if (!cmdline) return false;
  const argv = cmdline.split('\0');
  return (
    argv.length === 3 &&
    argv[1] === SLEEP_SECONDS &&
    argv[2] === '' &&
    (argv[0] === 'sleep' || argv[0]!.endsWith('/sleep'))
  );
}

/**
 * Polls the sleepers under `root`. With `cache`, a pid once seen running is not read again
 * (a poll of 500 running children reads one file, not 501): for windows in which no sleeper
 * is expected to die. `pin` excludes pids from the cache, for sleepers that may die meanwhile
 * (supervisord replaces its old children when it scales).
 */
export class SleeperWatch {
  private readonly cached = new Set<number>();
  /** Depth 2: parent → its sleeper, for parents whose sleeper is cached. */
  private readonly settledParents = new Map<number, number>();
  private readonly pinned = new Set<number>();

  constructor(
    readonly root: number,
    readonly depth: 1 | 2,
    readonly cache: boolean,
  ) {}

  /** Sleepers seen from now on are cached; those running now are read on every poll. */
  pin(): void {
    for (const pid of this.poll()) this.pinned.add(pid);
    this.cached.clear();
    this.settledParents.clear();
  }

  poll(): number[] {
    const running: number[] = [];
    const children = readChildren(this.root) ?? [];
    if (this.depth === 1) {
      for (const pid of children) if (this.check(pid)) running.push(pid);
      return running;
    }
    for (const parent of children) {
      const settled = this.settledParents.get(parent);
      if (settled !== undefined) {
        running.push(settled);
        continue;
      }
      for (const pid of readChildren(parent) ?? []) {
        if (!this.check(pid)) continue;
        running.push(pid);
        if (this.cache && !this.pinned.has(pid)) this.settledParents.set(parent, pid);
      }
    }
    return running;
  }

  private check(pid: number): boolean {
    if (this.cached.has(pid)) return true;
    if (!isSleeper(readCmdline(pid))) return false;
    if (this.cache && !this.pinned.has(pid)) this.cached.add(pid);
    trackChild(pid);
    return true;
  }
}

/**
 * Pids that must all exit, checked cheaply: the first one still alive ends a poll, and a pid
 * once gone (or reused: another starttime) is dropped for good.
 */
export class ExitWatch {
  private readonly pending: { pid: number; starttime: number }[] = [];

  constructor(pids: Iterable<number>) {
    for (const pid of pids) {
      const stat = readStat(pid);
      if (stat && stat.state !== 'Z') this.pending.push({ pid, starttime: stat.starttime });
    }
  }

  allExited(): boolean {
    while (this.pending.length > 0) {
      const { pid, starttime } = this.pending[this.pending.length - 1]!;
      const stat = readStat(pid);
      const alive =
        stat && stat.starttime === starttime && stat.state !== 'Z' && stat.state !== 'X';
      if (alive) return false;
      this.pending.pop();
    }
    return true;
  }

  get remaining(): number {
    return this.pending.length;
  }
}
