/**
 * Waiting for a quiet machine before a measurement: the machines are shared, and a test suite
 * running next to the benchmark slows every tool, not all equally. Busy time comes from
 * /proc/stat (all CPUs, everything on the machine); the benchmark itself is idle while it waits.
 */
import { readFileSync } from 'node:fs';
import { sleep } from './poll.ts';

/** Jiffies of all CPUs since boot: busy and total. */
export function jiffies(): { busy: number; total: number } {
  const values = readFileSync('/proc/stat', 'latin1')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  // Fields 4 and 5 are idle and iowait.
  return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
}

export interface QuietGate {
  /** Waits until the CPUs are less than `maxBusy` busy over 200 ms, or gives up; true if quiet. */
  wait(maxWaitMs: number): Promise<boolean>;
  /** Measurements that started on a busy machine, and how long was spent waiting. */
  readonly stats: { measurements: number; busy: number; waitedMs: number };
}

/** `budgetMs` caps the waiting over the whole run, so that a busy machine cannot stall it. */
export function quietGate(maxBusy: number, budgetMs: number): QuietGate {
  const stats = { measurements: 0, busy: 0, waitedMs: 0 };
  return {
    stats,
    async wait(maxWaitMs: number): Promise<boolean> {
      stats.measurements++;
      const t0 = performance.now();
      for (;;) {
        const a = jiffies();
        await sleep(200);
        const b = jiffies();
        const busy = (b.busy - a.busy) / Math.max(1, b.total - a.total);
        const waited = performance.now() - t0;
        if (busy < maxBusy) {
          stats.waitedMs += waited;
          return true;
        }
        if (waited >= maxWaitMs || stats.waitedMs + waited >= budgetMs) {
          stats.waitedMs += waited;
          stats.busy++;
          return false;
        }
      }
    },
  };
}
