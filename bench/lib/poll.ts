/**
 * Waiting without the event loop: `sleepSync` parks the thread (Atomics.wait) for sub-millisecond
 * steps without burning a CPU that the manager under test needs (the machines have 2 cores).
 */

const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class TimeoutError extends Error {}

/**
 * Calls `done` every `intervalMs` until it returns true; returns the milliseconds from `since`
 * (a `performance.now()` value) to the first poll that saw it true. Throws TimeoutError after
 * `timeoutMs` with `what` in the message.
 */
export function pollUntil(
  what: string,
  since: number,
  done: () => boolean,
  { intervalMs, timeoutMs }: { intervalMs: number; timeoutMs: number },
): number {
  for (;;) {
    if (done()) return performance.now() - since;
    if (performance.now() - since > timeoutMs) {
      throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    sleepSync(intervalMs);
  }
}
