import type { Action, Blocked, Plan } from './actions.ts';

/** Collects actions, blocked entries and the earliest moment worth waking up for. */
export class PlanBuilder {
  readonly actions: Action[] = [];
  readonly blocked: Blocked[] = [];
  private wakeAt: number | undefined;

  constructor(readonly now: number) {}

  act(action: Action): void {
    this.actions.push(action);
  }

  block(entry: Blocked): void {
    this.blocked.push(entry);
    if (entry.until !== undefined) this.wakeAtLatest(entry.until);
  }

  /** Ask to be planned again no later than `at`. */
  wakeAtLatest(at: number): void {
    if (this.wakeAt === undefined || at < this.wakeAt) this.wakeAt = at;
  }

  build(): Plan {
    const plan: Plan = { actions: this.actions, blocked: this.blocked };
    if (this.wakeAt === undefined) return plan;
    return { ...plan, requeueAfterMs: Math.max(0, this.wakeAt - this.now) };
  }
}
