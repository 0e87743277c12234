import { constants } from 'node:os';
import type { ProcessSpec } from '../desired/types.ts';
import type { ExitRecord, InstanceState } from '../observed/types.ts';
import { backoffDelay } from './backoff.ts';

/** Startup has succeeded: there is no startup probe, or it has passed. */
export function startupDone(instance: InstanceState, spec: ProcessSpec): boolean {
  return spec.probes.startup === undefined || instance.probes.startup?.state === 'success';
}

/**
 * Ready to serve (Kubernetes' Ready): running, started, and its readiness probe has passed.
 * Without a readiness probe a running, started instance is ready.
 */
export function isReady(instance: InstanceState | undefined, spec: ProcessSpec): boolean {
  if (instance === undefined || instance.phase !== 'running' || instance.specHash !== spec.specHash)
    return false;
  if (!startupDone(instance, spec)) return false;
  return spec.probes.readiness === undefined || instance.probes.readiness?.state === 'success';
}

/** What becomes of an exited instance under its current spec. */
export type ExitOutcome =
  /** It ended as it should (a oneshot or `restart: never|on-failure` process that exited 0). */
  | { readonly kind: 'completed' }
  /** It will be started again at `at`. */
  | { readonly kind: 'restart'; readonly at: number }
  /** It will not be started again: the policy says so, or its restarts are used up. */
  | { readonly kind: 'failed'; readonly why: string };

export function describeExit(exit: ExitRecord): string {
  if (exit.spawnError !== undefined) return `failed to start: ${exit.spawnError}`;
  if (exit.stopCause === 'timeout') return 'stopped after its timeout';
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

export function succeeded(exit: ExitRecord): boolean {
  return exit.code === 0 && exit.spawnError === undefined && exit.stopCause === undefined;
}

/** The exit outcome of an instance that exited on its own (not stopped by request). */
export function exitOutcome(
  instance: InstanceState,
  exit: ExitRecord,
  spec: ProcessSpec,
): ExitOutcome {
  const ok = succeeded(exit);
  if (ok && (spec.type === 'oneshot' || spec.restart !== 'always')) return { kind: 'completed' };
  if (spec.restart === 'never')
    return { kind: 'failed', why: `${describeExit(exit)}; restart: never` };
  if (spec.maxRestarts !== undefined) {
    const since =
      spec.restartWindowMs === undefined
        ? Number.NEGATIVE_INFINITY
        : exit.at - spec.restartWindowMs;
    const recent = instance.failureTimes.filter((t) => t > since && t <= exit.at).length;
    if (recent > spec.maxRestarts) {
      const window = spec.restartWindowMs === undefined ? '' : ` within ${spec.restartWindowMs} ms`;
      return {
        kind: 'failed',
        why: `${describeExit(exit)}; restarted ${spec.maxRestarts} times${window} (max_restarts), giving up`,
      };
    }
  }
  return {
    kind: 'restart',
    at: exit.at + backoffDelay(spec.backoff, instance.consecutiveFailures, instance.jitter),
  };
}

/** The exit code the manager takes on when a critical process fails (tini's conventions). */
export function exitCodeOf(exit: ExitRecord): number {
  if (exit.spawnError !== undefined)
    return exit.spawnError.startsWith('permission denied') ? 126 : 127;
  if (exit.signal !== null) return 128 + (constants.signals[exit.signal as NodeJS.Signals] ?? 0);
  return exit.code === 0 || exit.code === null ? 1 : exit.code;
}
