/**
 * What is true now, built only from events (see events.ts) by the pure reducer in reduce.ts.
 * Instances are keyed by their deterministic id `name-<index>`.
 */

export type InstancePhase =
  /** A spawn was issued; no pid yet. Never spawn again while in this phase. */
  | 'starting'
  /** The process runs (has a pid). */
  | 'running'
  /** A stop signal was sent; waiting for the exit. */
  | 'stopping'
  /** Not running: exited, killed, or failed to spawn. */
  | 'exited';

export interface ExitRecord {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
  /** The spawn itself failed (ENOENT, EACCES, ...): the command never ran. */
  readonly spawnError?: string;
  /** We asked it to stop (scale down, replace, shutdown): not a failure. */
  readonly requested: boolean;
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
  readonly lastExit?: ExitRecord;
  /** Restarts of this instance since the manager started (not counting the first start). */
  readonly restarts: number;
  /** Failures in a row without a run of at least `reset_after`; drives the backoff. */
  readonly consecutiveFailures: number;
  /** Jitter sample in [0, 1) drawn when it last exited; keeps the planner pure. */
  readonly jitter: number;
}

export interface ObservedState {
  readonly instances: Readonly<Record<string, InstanceState>>;
}

export const emptyObserved: ObservedState = { instances: {} };
