/**
 * When a scheduled process fires: pure time arithmetic over croner. Every instant is epoch
 * milliseconds passed in by the caller; nothing here reads the clock or starts a timer.
 */

import { Cron } from 'croner';
import { CRON_OPTIONS } from '../desired/cron.ts';
import type { ScheduleSpec } from '../desired/types.ts';

export type ScheduleTimes = Pick<ScheduleSpec, 'cron' | 'timezone'>;

/**
 * Whether a schedule should fire now:
 * - `dueAt`: a fire time that has come (the latest one if several were missed);
 * - `nextAt`: nothing is due; the next fire is then;
 * - `never`: the expression has no fire time left (it names a date that does not exist, such
 *   as 30 February; validation rejects those, so this is only for totality).
 */
export type DueRun =
  | { readonly dueAt: number }
  | { readonly nextAt: number }
  | { readonly never: true };

/**
 * The first fire time strictly after `afterMs`, or undefined when there is none.
 * Fire times fall on whole seconds. A `timezone` of undefined means the manager's local time
 * zone (the TZ of the process).
 *
 * The schedule must have passed validation: an invalid expression or time zone throws.
 */
export function nextRunAt(schedule: ScheduleTimes, afterMs: number): number | undefined {
  return cronFor(schedule).nextRun(new Date(afterMs))?.getTime();
}

/**
 * Whether a fire is due at `nowMs`. The reference point is the last fire (`lastFireMs`) or,
 * before the first one, `sinceMs` (when the schedule began to count, e.g. when the process was
 * added). If the first fire after it is at or before `nowMs`, a run is due; when several fire
 * times were missed (the manager was down, a run took longer than the period) only the latest
 * one at or before `nowMs` is returned, so that missed fires never cause a burst of runs.
 *
 * The caller records the returned `dueAt` as the new `lastFireMs`, after which the same call
 * answers with the next fire time. If the clock went back behind `lastFireMs`, nothing is due
 * until the schedule's next fire after `lastFireMs`.
 */
export function dueRun(
  schedule: ScheduleTimes,
  lastFireMs: number | undefined,
  sinceMs: number,
  nowMs: number,
): DueRun {
  const cron = cronFor(schedule);
  const first = cron.nextRun(new Date(lastFireMs ?? sinceMs))?.getTime();
  if (first === undefined) return { never: true };
  if (first > nowMs) return { nextAt: first };
  // previousRuns() looks strictly before its reference; +1 ms makes a fire at `nowMs` count.
  const latest = cron.previousRuns(1, new Date(nowMs + 1))[0]?.getTime();
  return { dueAt: latest === undefined ? first : Math.max(first, latest) };
}

/** Parsed expressions, most recently used last; the planner asks on every reconcile. */
const cache = new Map<string, Cron>();
const CACHE_LIMIT = 256;

function cronFor(schedule: ScheduleTimes): Cron {
  const key = `${schedule.timezone ?? ''}\u0000${schedule.cron}`;
  let cron = cache.get(key);
  if (cron !== undefined) {
    cache.delete(key);
  } else {
    // Read as validation read it (CRON_OPTIONS). Without a callback croner only evaluates the
    // pattern: no timer is created.
    cron = new Cron(schedule.cron.trim(), { ...CRON_OPTIONS, timezone: schedule.timezone });
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, cron);
  return cron;
}
