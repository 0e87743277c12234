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

/** The side effects the reconcile loop needs. Implementations decide nothing. */
export interface Executor {
  spawnInstance(request: SpawnRequest, callbacks: InstanceCallbacks): void;
  /** Sends `signal` to the process group led by `pid`. */
  signalGroup(pid: number, signal: NodeJS.Signals): void;
}
