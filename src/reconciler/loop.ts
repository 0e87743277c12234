import type { Clock, Random } from '../clock.ts';
import type { DesiredState } from '../desired/types.ts';
import type { Executor } from '../executors/types.ts';
import type { ObservedEvent } from '../observed/events.ts';
import { reduceObserved, reduceObservedAll } from '../observed/reduce.ts';
import { emptyObserved, type InstanceState, type ObservedState } from '../observed/types.ts';
import { type Action, assertNever, type Blocked, type Plan } from './actions.ts';
import { plan } from './plan.ts';

export interface LoopLog {
  action(action: Action): void;
  /** An instance became blocked, or blocked for another kind of reason. */
  blocked(entry: Blocked): void;
  /** `instance` is the instance's state after the event, if it still exists. */
  event(event: ObservedEvent, instance: InstanceState | undefined): void;
}

export interface LoopOptions {
  readonly desired: () => DesiredState;
  readonly executor: Executor;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: LoopLog;
  /** Called once, when the plan says everything has stopped after a shutdown request. */
  readonly onExit: (code: number) => void;
}

/**
 * Drives reconciliation: any trigger (an observed event, a desired change, a timer) schedules
 * one reconcile on the next turn of the event loop; triggers that arrive meanwhile coalesce
 * into it. One reconcile runs at a time; the next wake-up comes from the plan, never a sleep.
 */
export class ReconcileLoop {
  private observed: ObservedState = emptyObserved;
  private scheduled = false;
  private timer: { cancel(): void } | undefined;
  private exited = false;
  private lastPlan: Plan = { actions: [], blocked: [] };
  private reconciles = 0;
  /** Events raised while a reconcile executes its actions, folded in one update at its end. */
  private batch: ObservedEvent[] | undefined;

  constructor(private readonly options: LoopOptions) {}

  observedState(): ObservedState {
    return this.observed;
  }

  /** The plan of the latest reconcile: what was done and what is blocked, with reasons. */
  latestPlan(): Plan {
    return this.lastPlan;
  }

  reconcileCount(): number {
    return this.reconciles;
  }

  trigger(): void {
    if (this.scheduled || this.exited) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  dispatch(event: ObservedEvent): void {
    if (this.batch) {
      this.batch.push(event);
      return;
    }
    const next = reduceObserved(this.observed, event);
    if (next === this.observed) return;
    this.observed = next;
    this.options.log.event(event, next.instances[event.id]);
    this.trigger();
  }

  private flushBatch(): void {
    const events = this.batch ?? [];
    this.batch = undefined;
    const next = reduceObservedAll(this.observed, events);
    if (next === this.observed) return;
    this.observed = next;
    for (const event of events) this.options.log.event(event, next.instances[event.id]);
    this.trigger();
  }

  /** Runs one reconcile now. Exposed for tests; production code calls trigger(). */
  reconcile(): void {
    if (this.exited) return;
    this.reconciles++;
    this.timer?.cancel();
    this.timer = undefined;
    const now = this.options.clock.now();
    const result = plan(this.options.desired(), this.observed, now);
    const previous = this.lastPlan;
    this.lastPlan = result;
    this.batch = [];
    try {
      for (const action of result.actions) this.execute(action, now);
    } finally {
      this.flushBatch();
    }
    this.reportNewlyBlocked(previous, result);
    if (result.requeueAfterMs !== undefined && !this.exited) {
      this.timer = this.options.clock.setTimeout(() => this.trigger(), result.requeueAfterMs);
    }
  }

  /**
   * Blocked entries are re-derived on every reconcile; say so only when an instance becomes
   * blocked or its kind of reason changes (`backoff`, `waiting for db`), not at each countdown.
   */
  private reportNewlyBlocked(previous: Plan, next: Plan): void {
    const kindOf = (reason: string) => reason.split(':')[0];
    const before = new Map(previous.blocked.map((b) => [b.id, kindOf(b.reason)]));
    for (const entry of next.blocked) {
      if (before.get(entry.id) !== kindOf(entry.reason)) this.options.log.blocked(entry);
    }
  }

  private execute(action: Action, now: number): void {
    const { executor, log } = this.options;
    log.action(action);
    switch (action.kind) {
      case 'spawn': {
        const spec = this.options.desired().processes[action.process];
        if (spec === undefined) return;
        const { id } = action;
        this.dispatch({
          type: 'spawn-issued',
          id,
          process: action.process,
          index: action.index,
          specHash: action.specHash,
          at: now,
        });
        executor.spawnInstance(
          { id, index: action.index, spec },
          {
            spawned: (pid) =>
              this.dispatch({ type: 'spawned', id, pid, at: this.options.clock.now() }),
            spawnFailed: (error) =>
              this.dispatch({
                type: 'spawn-failed',
                id,
                error,
                at: this.options.clock.now(),
                jitter: this.options.random(),
              }),
            exited: (pid, code, signal) => this.dispatchExit(id, action.process, pid, code, signal),
          },
        );
        return;
      }
      case 'stop':
        this.dispatch({
          type: 'stop-issued',
          id: action.id,
          reason: action.reason,
          killAt: now + action.timeoutMs,
          at: now,
        });
        executor.signalGroup(action.pid, action.signal);
        return;
      case 'kill':
        this.dispatch({ type: 'kill-issued', id: action.id, reason: action.reason, at: now });
        executor.signalGroup(action.pid, 'SIGKILL');
        return;
      case 'forget':
        this.dispatch({ type: 'forgotten', id: action.id });
        return;
      case 'exit':
        this.exited = true;
        this.options.onExit(action.code);
        return;
      default:
        assertNever(action);
    }
  }

  private dispatchExit(
    id: string,
    process: string,
    pid: number,
    code: number | null,
    signal: string | null,
  ): void {
    const spec = this.options.desired().processes[process];
    this.dispatch({
      type: 'exited',
      id,
      pid,
      code,
      signal,
      at: this.options.clock.now(),
      jitter: this.options.random(),
      resetAfterMs: spec?.backoff.resetAfterMs ?? Number.POSITIVE_INFINITY,
    });
  }
}
