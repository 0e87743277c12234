/**
 * Everything the observed state learns, it learns from one of these. Executors and the loop
 * emit them; only reduce.ts interprets them. Settings the reducer needs (thresholds, history
 * limits) travel in the event, filled in by the loop from the desired state.
 */
import type { ProbeKind } from '../desired/types.ts';
import type { StopCause } from './types.ts';

export type ObservedEvent =
  | {
      readonly type: 'spawn-issued';
      readonly id: string;
      readonly process: string;
      readonly index: number;
      readonly specHash: string;
      readonly at: number;
      readonly scheduledFor?: number;
    }
  | { readonly type: 'spawned'; readonly id: string; readonly pid: number; readonly at: number }
  | {
      readonly type: 'spawn-failed';
      readonly id: string;
      readonly error: string;
      readonly at: number;
      readonly jitter: number;
      readonly historyLimit?: number;
    }
  | {
      readonly type: 'stop-issued';
      readonly id: string;
      readonly reason: string;
      readonly cause: StopCause;
      readonly killAt: number;
      readonly at: number;
    }
  | {
      readonly type: 'kill-issued';
      readonly id: string;
      readonly reason: string;
      readonly at: number;
    }
  | {
      readonly type: 'exited';
      readonly id: string;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: string | null;
      readonly at: number;
      /** Drawn by the loop so that backoff stays a pure function of observed state. */
      readonly jitter: number;
      /** The process's reset_after, so the reducer can tell a stable run from a crash loop. */
      readonly resetAfterMs: number;
      /** For scheduled processes: how many finished runs to keep. */
      readonly historyLimit?: number;
    }
  | {
      readonly type: 'probe-result';
      readonly id: string;
      readonly pid: number;
      readonly probe: ProbeKind;
      readonly ok: boolean;
      readonly message: string;
      readonly durationMs: number;
      readonly at: number;
      readonly successThreshold: number;
      readonly failureThreshold: number;
    }
  | {
      /** A scheduled fire that was not run (a run was still going with concurrency: forbid). */
      readonly type: 'run-skipped';
      readonly process: string;
      readonly scheduledFor: number;
      readonly reason: string;
      readonly at: number;
      readonly historyLimit: number;
    }
  | {
      /** The instance leaves its slot for a surge replacement (see InstanceState.retiredFrom). */
      readonly type: 'retired';
      readonly id: string;
      readonly at: number;
    }
  | { readonly type: 'forgotten'; readonly id: string };

/** One probe attempt as an event; probe runners report it without the `type`. */
export type ProbeResultEvent = Extract<ObservedEvent, { type: 'probe-result' }>;
