/**
 * What is true now, built only from events (see events.ts) by the pure reducer in reduce.ts.
 * Instances are keyed by their deterministic id `name-<index>`.
 */
import type { ProbeKind } from '../desired/types.ts';

export type InstancePhase =
  /** A spawn was issued; no pid yet. Never spawn again while in this phase. */
  | 'starting'
  /** The process runs (has a pid). */
  | 'running'
  /** A stop signal was sent; waiting for the exit. */
  | 'stopping'
  /** Not running: exited, killed, or failed to spawn. */
  | 'exited';

/**
 * Why a stop was issued: `requested` (scale down, replace, shutdown) is not a failure;
 * `failure` (a liveness or startup probe gave up) and `timeout` (a scheduled run overran) are.
 */
export type StopCause = 'requested' | 'failure' | 'timeout';

export interface ExitRecord {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
  /** The spawn itself failed (ENOENT, EACCES, ...): the command never ran. */
  readonly spawnError?: string;
  /** We asked it to stop (scale down, replace, shutdown): not a failure. */
  readonly requested: boolean;
  /** Set when we stopped it for a failure or a timeout. */
  readonly stopCause?: StopCause;
}

/** A probe's thresholded view: `unknown` until a threshold is crossed either way. */
export interface ProbeStatus {
  readonly state: 'unknown' | 'success' | 'failure';
  /** Consecutive successes / failures of the latest attempts. */
  readonly successes: number;
  readonly failures: number;
  readonly lastMessage: string;
  readonly lastAt: number;
  readonly lastDurationMs: number;
}

export interface InstanceState {
  readonly id: string;
  readonly process: string;
  readonly index: number;
  /** specHash of the spec it was started with. */
  readonly specHash: string;
  readonly phase: InstancePhase;
  readonly pid?: number;
  /** When the current or last run started. */
  readonly startedAt?: number;
  /** When the current phase began: spawn issued, stop signal sent, exit. */
  readonly since: number;
  /** Set while stopping: when SIGKILL is due. */
  readonly killAt?: number;
  readonly killSent?: boolean;
  /** Why it is being stopped, for the next start's reason and for users. */
  readonly stopReason?: string;
  readonly stopCause?: StopCause;
  readonly lastExit?: ExitRecord;
  /** Restarts of this instance since the manager started (not counting the first start). */
  readonly restarts: number;
  /** Failures in a row without a run of at least `reset_after`; drives the backoff. */
  readonly consecutiveFailures: number;
  /** When recent failures happened (bounded), for `max_restarts` within a window. */
  readonly failureTimes: readonly number[];
  /** Jitter sample in [0, 1) drawn when it last exited; keeps the planner pure. */
  readonly jitter: number;
  /** Probe results of the current run; reset at every spawn. */
  readonly probes: Readonly<Partial<Record<ProbeKind, ProbeStatus>>>;
  /** For a scheduled run: the fire time it belongs to. */
  readonly scheduledFor?: number;
  /**
   * Set on an instance moved out of its slot during a rolling replacement with surge: it keeps
   * running (keyed `<slot>@<specHash>`) while a new instance takes the slot, until that one
   * is ready. The value is the slot's id.
   */
  readonly retiredFrom?: string;
}

/** One finished (or skipped) run of a scheduled process. */
export interface RunRecord {
  readonly instance: string;
  readonly scheduledFor: number;
  readonly startedAt?: number;
  readonly finishedAt: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly outcome: 'succeeded' | 'failed' | 'timed out' | 'stopped' | 'skipped';
  readonly detail?: string;
}

/** What is known per process rather than per instance (scheduled runs). */
export interface ProcessObserved {
  /** The latest fire time that was acted on (run or skipped). */
  readonly lastFireAt?: number;
  /** Newest last, bounded by the schedule's history limit. */
  readonly history: readonly RunRecord[];
}

export interface ObservedState {
  /** When the manager started observing: schedules count their first fire from here. */
  readonly since: number;
  readonly instances: Readonly<Record<string, InstanceState>>;
  readonly processes: Readonly<Record<string, ProcessObserved>>;
}

export const emptyObserved: ObservedState = { since: 0, instances: {}, processes: {} };

/** The observed state of a manager that starts observing at `now`. */
export function initialObserved(now: number): ObservedState {
  return { since: now, instances: {}, processes: {} };
}
