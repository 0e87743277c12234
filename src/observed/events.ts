/**
 * Everything the observed state learns, it learns from one of these. Executors and the loop
 * emit them; only reduce.ts interprets them.
 */

export type ObservedEvent =
  | {
      readonly type: 'spawn-issued';
      readonly id: string;
      readonly process: string;
      readonly index: number;
      readonly specHash: string;
      readonly at: number;
    }
  | { readonly type: 'spawned'; readonly id: string; readonly pid: number; readonly at: number }
  | {
      readonly type: 'spawn-failed';
      readonly id: string;
      readonly error: string;
      readonly at: number;
      readonly jitter: number;
    }
  | {
      readonly type: 'stop-issued';
      readonly id: string;
      readonly reason: string;
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
    }
  | { readonly type: 'forgotten'; readonly id: string };
