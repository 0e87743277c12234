import type { ProcessSpec } from '../desired/types.ts';

/** What an executor reports back about one spawned instance. */
export interface InstanceCallbacks {
  spawned(pid: number): void;
  spawnFailed(error: string): void;
  exited(pid: number, code: number | null, signal: string | null): void;
}

export interface SpawnRequest {
  readonly id: string;
  readonly index: number;
  readonly spec: ProcessSpec;
}

export interface StopRequest {
  readonly id: string;
  readonly process: string;
  readonly pid: number;
  readonly signal: NodeJS.Signals;
  readonly timeoutMs: number;
  /** The process's current spec (its `pre_stop` hooks), if it is still declared. */
  readonly spec: ProcessSpec | undefined;
}

/** The side effects the reconcile loop needs. Implementations decide nothing. */
export interface Executor {
  spawnInstance(request: SpawnRequest, callbacks: InstanceCallbacks): void;
  /**
   * Stops an instance: runs its `pre_stop` hooks (bounded by `timeoutMs`), then sends `signal`
   * to its process group. The SIGKILL after the timeout is the planner's to decide.
   */
  stopInstance(request: StopRequest): void;
  /** Sends `signal` to the process group led by `pid`. */
  signalGroup(pid: number, signal: NodeJS.Signals): void;
}
