import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../../clock.ts';
import type { ProbeKind, ProbeSpec } from '../../desired/types.ts';
import type { ProbeResultEvent } from '../../observed/events.ts';
import { type ProbeRunner, runProbe } from './run-probe.ts';

/** A running instance as the scheduler needs it. */
export interface ProbeSubject {
  readonly id: string;
  readonly pid: number;
  /** When the instance was spawned (clock ms); initial delays count from here. */
  readonly startedAt: number;
  /** Targets already filled in for this instance. */
  readonly probes: Readonly<Partial<Record<ProbeKind, ProbeSpec>>>;
  /**
   * The startup probe's thresholded state is 'success'. Only looked at when a startup probe is
   * configured: without one, readiness and liveness run from the start.
   */
  readonly startupSucceeded: boolean;
}

/**
 * The raw outcome of one attempt, for one pid (`at`: when it ended, clock ms). Thresholds come
 * from the spec the attempt ran with, so the result becomes a `probe-result` event as it is.
 */
export type ProbeResult = Omit<ProbeResultEvent, 'type'>;

export interface ProbeSchedulerOptions {
  readonly clock: Clock;
  /** Gets every result of a current worker; never results for a pid that has been replaced. */
  readonly report: (result: ProbeResult) => void;
  /** Runs one attempt; must settle within about the timeout it is given. */
  readonly run?: ProbeRunner;
}

const KINDS: readonly ProbeKind[] = ['startup', 'readiness', 'liveness'];

interface Entry {
  readonly pid: number;
  /** The `sync` call that last listed this instance; older entries are swept. */
  seen: number;
  readonly workers: Partial<Record<ProbeKind, ProbeWorker>>;
}

/**
 * Keeps one worker per (instance, probe kind) and drives its attempts with timers. It observes
 * and reports; what a failure means (unready, restart) is decided by the reducer and planner.
 * Level-triggered like the rest of the manager: `sync` gets the whole set of running instances
 * and makes the workers match it.
 */
export class ProbeScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly run: ProbeRunner;
  private generation = 0;
  private stopped = false;

  constructor(private readonly opts: ProbeSchedulerOptions) {
    this.run = opts.run ?? runProbe;
  }

  /**
   * Makes the workers match `instances`: fresh workers for a new (id, pid); none for instances
   * not listed; only the startup worker while a configured startup probe has not succeeded,
   * then readiness and liveness; a worker whose spec changed (by value) starts over.
   */
  sync(instances: readonly ProbeSubject[]): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    for (const subject of instances) {
      let entry = this.entries.get(subject.id);
      if (entry !== undefined && entry.pid !== subject.pid) {
        stopAll(entry);
        entry = undefined;
      }
      if (entry === undefined) {
        entry = { pid: subject.pid, seen: generation, workers: {} };
        this.entries.set(subject.id, entry);
      }
      entry.seen = generation;
      this.syncWorkers(subject, entry);
    }
    for (const [id, entry] of this.entries) {
      if (entry.seen === generation) continue;
      stopAll(entry);
      this.entries.delete(id);
    }
  }

  /** Cancels every timer and aborts attempts in flight; their results are dropped. Final. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) stopAll(entry);
    this.entries.clear();
  }

  /** Workers running now, as `id/kind`, for tests and diagnostics. */
  activeWorkers(): string[] {
    const out: string[] = [];
    for (const [id, entry] of this.entries) {
      for (const kind of KINDS) if (entry.workers[kind] !== undefined) out.push(`${id}/${kind}`);
    }
    return out;
  }

  private syncWorkers(subject: ProbeSubject, entry: Entry): void {
    const starting = subject.probes.startup !== undefined && !subject.startupSucceeded;
    for (const kind of KINDS) {
      const wanted = kind === 'startup' ? starting : !starting;
      const spec = wanted ? subject.probes[kind] : undefined;
      const worker = entry.workers[kind];
      if (worker !== undefined) {
        if (spec !== undefined && sameSpec(worker.spec, spec)) continue;
        worker.stop();
        entry.workers[kind] = undefined;
      }
      if (spec === undefined) continue;
      const fresh = new ProbeWorker(subject.id, subject.pid, kind, spec, this.run, this.opts);
      entry.workers[kind] = fresh;
      // The initial delay counts from the instance's start; a worker that starts later (after
      // the startup probe, after a reload) whose delay has passed probes at once.
      fresh.start(Math.max(0, subject.startedAt + spec.initialDelayMs - this.opts.clock.now()));
    }
  }
}

function stopAll(entry: Entry): void {
  for (const kind of KINDS) entry.workers[kind]?.stop();
}

function sameSpec(a: ProbeSpec, b: ProbeSpec): boolean {
  // Unchanged desired state hands over the same objects; a reload may build equal new ones.
  return a === b || isDeepStrictEqual(a, b);
}

/**
 * Probes one (pid, kind): an attempt, then the next one a period after that attempt began, or
 * as soon as it ended if it took longer. Never two attempts at once.
 */
class ProbeWorker {
  private timer: { cancel(): void } | undefined;
  /** One controller for the worker's life: aborting it ends the attempt in flight, if any. */
  private readonly abort = new AbortController();
  private stopped = false;
  private attemptStartedAt = 0;
  private readonly fire = () => this.attempt();
  private readonly settle = (outcome: { ok: boolean; message: string; durationMs: number }) =>
    this.finished(outcome);

  constructor(
    private readonly id: string,
    private readonly pid: number,
    private readonly kind: ProbeKind,
    readonly spec: ProbeSpec,
    private readonly run: ProbeRunner,
    private readonly opts: ProbeSchedulerOptions,
  ) {}

  start(delayMs: number): void {
    this.timer = this.opts.clock.setTimeout(this.fire, delayMs);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.abort.abort();
  }

  private attempt(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.attemptStartedAt = this.opts.clock.now();
    let pending: Promise<{ ok: boolean; message: string; durationMs: number }>;
    try {
      pending = this.run(this.spec.target, this.spec.timeoutMs, this.abort.signal);
    } catch (error) {
      pending = Promise.resolve({ ok: false, message: String(error), durationMs: 0 });
    }
    pending.then(this.settle, (error: unknown) =>
      this.settle({
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        durationMs: this.opts.clock.now() - this.attemptStartedAt,
      }),
    );
  }

  private finished(outcome: { ok: boolean; message: string; durationMs: number }): void {
    // A stopped worker belongs to a pid that is gone, a changed spec or a stopped scheduler.
    if (this.stopped) return;
    const now = this.opts.clock.now();
    const next = this.attemptStartedAt + this.spec.periodMs;
    this.timer = this.opts.clock.setTimeout(this.fire, Math.max(0, next - now));
    this.opts.report({
      id: this.id,
      pid: this.pid,
      probe: this.kind,
      ok: outcome.ok,
      message: outcome.message,
      durationMs: outcome.durationMs,
      at: now,
      successThreshold: this.spec.successThreshold,
      failureThreshold: this.spec.failureThreshold,
    });
  }
}
