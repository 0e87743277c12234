import type { StopCause } from '../observed/types.ts';

/**
 * What the planner asks the executors to do. Actions are data: they can be printed, diffed,
 * served by the API as a dry run and asserted in tests. Every one carries a human reason.
 */

export type Action =
  | {
      readonly kind: 'spawn';
      readonly id: string;
      readonly process: string;
      readonly index: number;
      readonly specHash: string;
      /** For a scheduled run: the fire time it belongs to. */
      readonly scheduledFor?: number;
      readonly reason: string;
    }
  | {
      /** Send the process's stop signal to the instance's process group. */
      readonly kind: 'stop';
      readonly id: string;
      readonly process: string;
      readonly pid: number;
      readonly signal: NodeJS.Signals;
      readonly timeoutMs: number;
      /** Whether this stop counts as a failure of the instance (probe, timeout). */
      readonly cause: StopCause;
      readonly reason: string;
    }
  | {
      /** SIGKILL the instance's process group. */
      readonly kind: 'kill';
      readonly id: string;
      readonly process: string;
      readonly pid: number;
      readonly reason: string;
    }
  | {
      /**
       * Move a running instance out of its slot so that a replacement can start beside it
       * (rolling replacement with `max_surge`); it is stopped once the replacement is ready.
       */
      readonly kind: 'retire';
      readonly id: string;
      readonly process: string;
      readonly reason: string;
    }
  | {
      /** Drop the record of an exited instance that is no longer desired. */
      readonly kind: 'forget';
      readonly id: string;
      readonly process: string;
      readonly reason: string;
    }
  | {
      /** A scheduled fire is not run (a run is still going and concurrency is forbid). */
      readonly kind: 'skip-run';
      readonly process: string;
      readonly scheduledFor: number;
      readonly reason: string;
    }
  | {
      /** A critical process failed for good: shut the manager down with this exit code. */
      readonly kind: 'shutdown';
      readonly process: string;
      readonly code: number;
      readonly reason: string;
    }
  | {
      /** Everything has stopped after a shutdown request: the manager may exit. */
      readonly kind: 'exit';
      readonly code: number;
      readonly reason: string;
    };

export type ActionKind = Action['kind'];

/** Something the planner would do but may not yet, and why. */
export interface Blocked {
  readonly id: string;
  readonly process: string;
  readonly reason: string;
  /** When waiting on time (backoff), the moment it ends. */
  readonly until?: number;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly blocked: readonly Blocked[];
  /** Look again after this many ms even if nothing happens; undefined: only on events. */
  readonly requeueAfterMs?: number;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
