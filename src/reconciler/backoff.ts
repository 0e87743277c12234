import type { Backoff } from '../desired/types.ts';

/** Share of the delay added at most as jitter, so that crashed replicas do not restart in step. */
const JITTER_SHARE = 0.1;

/**
 * Delay before restarting after `failures` consecutive failures (1 = the first): exponential
 * from `initialMs`, capped at `maxMs`, stretched by up to 10% with `jitter` in [0, 1).
 */
export function backoffDelay(backoff: Backoff, failures: number, jitter: number): number {
  if (failures <= 0 || backoff.initialMs <= 0) return 0;
  const exponential = backoff.initialMs * 2 ** Math.min(failures - 1, 52);
  const capped = Math.min(backoff.maxMs, exponential);
  return Math.min(backoff.maxMs, Math.round(capped * (1 + JITTER_SHARE * jitter)));
}
