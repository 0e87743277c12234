import type { Clock } from '../../src/clock.ts';

/** A clock that moves only when the test says so. */
export class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number) {
    const timer = { at: this.current + ms, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.current = due.at;
      due.fn();
    }
    this.current = until;
  }
}
