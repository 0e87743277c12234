/**
 * Time and randomness, injected. The planner and reducers never read the clock; the loop and
 * executors get one of these, and tests pass a fake.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export type Random = () => number;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};
