import type { ProbeStatus } from './types.ts';

export const unknownProbe: ProbeStatus = {
  state: 'unknown',
  successes: 0,
  failures: 0,
  lastMessage: '',
  lastAt: 0,
  lastDurationMs: 0,
};

/**
 * A probe's status after one more attempt. As the kubelet's prober: the state flips only when
 * `successThreshold` successes or `failureThreshold` failures come in a row, so one slow answer
 * does not make an instance unready or get it restarted.
 */
export function nextProbeStatus(
  status: ProbeStatus,
  attempt: { ok: boolean; message: string; at: number; durationMs: number },
  thresholds: { successThreshold: number; failureThreshold: number },
): ProbeStatus {
  const successes = attempt.ok ? status.successes + 1 : 0;
  const failures = attempt.ok ? 0 : status.failures + 1;
  let state = status.state;
  if (successes >= thresholds.successThreshold) state = 'success';
  else if (failures >= thresholds.failureThreshold) state = 'failure';
  return {
    state,
    successes,
    failures,
    lastMessage: attempt.message,
    lastAt: attempt.at,
    lastDurationMs: attempt.durationMs,
  };
}
