import type { Clock, Random } from '../clock.ts';
import type { DesiredState } from '../desired/types.ts';
import type { Executor } from '../executors/types.ts';
import type { ObservedEvent, ProbeResultEvent } from '../observed/events.ts';
import { reduceObserved, reduceObservedAll } from '../observed/reduce.ts';
import { type InstanceState, initialObserved, type ObservedState } from '../observed/types.ts';
import { type Action, assertNever, type Blocked, type Plan } from './actions.ts';
import { plan } from './plan.ts';

export interface LoopLog {
  action(action: Action): void;
  /** An instance became blocked, or blocked for another kind of reason. */
  blocked(entry: Blocked): void;
  /** `before`/`after`: the instance's state around the event (undefined when absent). */
  event(
    event: ObservedEvent,
    before: InstanceState | undefined,
    after: InstanceState | undefined,
  ): void;
}

export interface LoopOptions {
  readonly desired: () => DesiredState;
  readonly executor: Executor;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: LoopLog;
  /** A critical process failed for good: begin a shutdown that ends with `code`. */
  readonly onCriticalFailure: (code: number, reason: string) => void;
  /** Called once, when the plan says everything has stopped after a shutdown request. */
  readonly onExit: (code: number) => void;
  /**
   * Called after every reconcile with how long it took (seconds), e.g. to keep the probe
   * runners in step with the instances.
   */
  readonly onReconciled?: (desired: DesiredState, observed: ObservedState, seconds: number) => void;
}

/**
 * Whether an event can change the plan. Probe attempts arrive all the time; the planner only
 * looks at their thresholded state, so an attempt that leaves it as it was needs no reconcile.
 */
function changesPlan(event: ObservedEvent, previous: ObservedState, next: ObservedState): boolean {
  if (event.type !== 'probe-result') return true;
  const before = previous.instances[event.id]?.probes[event.probe]?.state;
  return before !== next.instances[event.id]?.probes[event.probe]?.state;
}

/** One probe attempt, as a probe runner reports it. */
export type ProbeAttempt = Omit<ProbeResultEvent, 'type'>;

/**
 * Drives reconciliation: any trigger (an observed event, a desired change, a timer) schedules
 * one reconcile on the next turn of the event loop; triggers that arrive meanwhile coalesce
 * into it. One reconcile runs at a time; the next wake-up comes from the plan, never a sleep.
 */
export class ReconcileLoop {
  private observed: ObservedState;
  private scheduled = false;
  private timer: { cancel(): void } | undefined;
  private exited = false;
  private lastPlan: Plan = { actions: [], blocked: [] };
  private reconciles = 0;
  /** Events raised while a reconcile executes its actions, folded in one update at its end. */
  private batch: ObservedEvent[] | undefined;

  constructor(private readonly options: LoopOptions) {
    this.observed = initialObserved(options.clock.now());
  }

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
    const previous = this.observed;
    const next = reduceObserved(previous, event);
    if (next === previous) return;
    this.observed = next;
    this.logEvent(event, previous, next);
    if (changesPlan(event, previous, next)) this.trigger();
  }

  /** Records a probe attempt of an instance we still know. */
  reportProbe(attempt: ProbeAttempt): void {
    if (this.observed.instances[attempt.id] === undefined) return;
    this.dispatch({ type: 'probe-result', ...attempt });
  }

  /** Runs one reconcile now. Exposed for tests; production code calls trigger(). */
  reconcile(): void {
    if (this.exited) return;
    this.reconciles++;
    const began = performance.now();
    this.timer?.cancel();
    this.timer = undefined;
    const now = this.options.clock.now();
    const desired = this.options.desired();
    const result = plan(desired, this.observed, now);
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
    this.options.onReconciled?.(desired, this.observed, (performance.now() - began) / 1000);
  }

  private flushBatch(): void {
    const events = this.batch ?? [];
    this.batch = undefined;
    const previous = this.observed;
    const next = reduceObservedAll(previous, events);
    if (next === previous) return;
    this.observed = next;
    for (const event of events) this.logEvent(event, previous, next);
    this.trigger();
  }

  private logEvent(event: ObservedEvent, previous: ObservedState, next: ObservedState): void {
    if (!('id' in event)) {
      this.options.log.event(event, undefined, undefined);
      return;
    }
    this.options.log.event(event, previous.instances[event.id], next.instances[event.id]);
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
          ...(action.scheduledFor === undefined ? {} : { scheduledFor: action.scheduledFor }),
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
                ...this.historyLimit(action.process),
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
          cause: action.cause,
          killAt: now + action.timeoutMs,
          at: now,
        });
        executor.stopInstance({
          id: action.id,
          process: action.process,
          pid: action.pid,
          signal: action.signal,
          timeoutMs: action.timeoutMs,
          spec: this.options.desired().processes[action.process],
        });
        return;
      case 'kill':
        this.dispatch({ type: 'kill-issued', id: action.id, reason: action.reason, at: now });
        executor.signalGroup(action.pid, 'SIGKILL');
        return;
      case 'forget':
        this.dispatch({ type: 'forgotten', id: action.id });
        return;
      case 'retire':
        this.dispatch({ type: 'retired', id: action.id, at: now });
        return;
      case 'skip-run':
        this.dispatch({
          type: 'run-skipped',
          process: action.process,
          scheduledFor: action.scheduledFor,
          reason: action.reason,
          at: now,
          historyLimit: this.historyLimit(action.process).historyLimit ?? 1,
        });
        return;
      case 'shutdown':
        this.options.onCriticalFailure(action.code, action.reason);
        return;
      case 'exit':
        this.exited = true;
        this.timer?.cancel();
        this.options.onExit(action.code);
        return;
      default:
        assertNever(action);
    }
  }

  private historyLimit(process: string): { historyLimit?: number } {
    const limit = this.options.desired().processes[process]?.schedule?.historyLimit;
    return limit === undefined ? {} : { historyLimit: limit };
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
      ...this.historyLimit(process),
    });
  }
}
