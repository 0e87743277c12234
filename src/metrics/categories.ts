/**
 * Label values of the event-fed counters. Every label here takes one of a small, fixed set of
 * values: a reason text holds ids, pids, times and exit codes, and a label value that varies
 * like that makes a new time series each time (unbounded cardinality in Prometheus).
 * docs/metrics.md lists the same tables; test/unit/metrics keeps them in step with the planner.
 */
import type { ExitRecord, InstanceState } from '../observed/types.ts';
import type { Action } from '../reconciler/actions.ts';
import { exitCodeOf } from '../reconciler/outcome.ts';

/** `reason` of `actions_total`: why the planner asked for the action, as a category. */
export const ACTION_REASONS = [
  'start',
  'scale_up',
  'scale_down',
  'spec_change',
  'restart',
  'scheduled',
  'retry',
  'disabled',
  'removed',
  'startup_probe',
  'liveness_probe',
  'timeout',
  'concurrency',
  'stop_timeout',
  'shutdown',
  'shutdown_timeout',
  'shutdown_forced',
  'not_desired',
  'finished',
  'critical',
  'other',
] as const;
export type ActionReason = (typeof ACTION_REASONS)[number];

/** `reason` of `restarts_total`: how the run before the restart ended. */
export const RESTART_REASONS = [
  'crash',
  'signal',
  'exit_zero',
  'spawn_error',
  'liveness_probe',
  'startup_probe',
  'timeout',
] as const;
export type RestartReason = (typeof RESTART_REASONS)[number];

/** `outcome` of `scheduled_runs_total`: RunRecord outcomes, spaces made underscores. */
export const RUN_OUTCOMES = ['succeeded', 'failed', 'timed_out', 'stopped', 'skipped'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

type Rule = readonly [prefix: string, reason: ActionReason];

/**
 * Reason texts by action kind, matched by prefix, first match wins. The planner writes these
 * texts (src/reconciler); a text not listed here counts as `other`.
 */
const RULES: { readonly [K in Action['kind']]: readonly Rule[] } = {
  spawn: [
    ['start', 'start'],
    ['scaled up', 'scale_up'],
    ['spec changed', 'spec_change'],
    ['restart:', 'restart'],
    ['scheduled run', 'scheduled'],
    ['retry of the scheduled run', 'retry'],
  ],
  stop: [
    ['scaled down', 'scale_down'],
    ['disabled', 'disabled'],
    ['removed from the configuration', 'removed'],
    ['spec changed', 'spec_change'],
    ['replaced by the new', 'spec_change'],
    ['replaced by the run', 'concurrency'],
    ['startup probe failed', 'startup_probe'],
    ['liveness probe failed', 'liveness_probe'],
    ['timeout:', 'timeout'],
    ['shutdown', 'shutdown'],
  ],
  kill: [
    ['stop timeout passed', 'stop_timeout'],
    ['shutdown timeout passed', 'shutdown_timeout'],
    ['forced shutdown', 'shutdown_forced'],
  ],
  retire: [['spec changed', 'spec_change']],
  forget: [
    ['no longer desired', 'not_desired'],
    ['replaced', 'spec_change'],
    ['scheduled run finished', 'finished'],
  ],
  'skip-run': [['run due at', 'concurrency']],
  shutdown: [['critical process', 'critical']],
  exit: [['shutdown complete', 'shutdown']],
};

/** The `reason` label of `actions_total` for an action. */
export function actionReason(action: Action): ActionReason {
  for (const [prefix, reason] of RULES[action.kind]) {
    if (action.reason.startsWith(prefix)) return reason;
  }
  return 'other';
}

/**
 * Why an instance was restarted, from how its previous run ended. `instance` is the instance
 * as it was before the restart's spawn (its probes are still those of the run that ended).
 */
export function restartReason(instance: InstanceState, exit: ExitRecord): RestartReason {
  if (exit.spawnError !== undefined) return 'spawn_error';
  if (exit.stopCause === 'timeout') return 'timeout';
  if (exit.stopCause === 'failure') {
    // The planner stops for a startup failure first, for a liveness failure otherwise.
    return instance.probes.startup?.state === 'failure' ? 'startup_probe' : 'liveness_probe';
  }
  if (exit.signal !== null) return 'signal';
  return exit.code === 0 ? 'exit_zero' : 'crash';
}

/**
 * The outcome the reducer records for a finished run (src/observed/reduce.ts), from the exit
 * record it wrote.
 */
export function runOutcome(exit: ExitRecord): RunOutcome {
  if (exit.spawnError !== undefined) return 'failed';
  if (exit.stopCause === 'timeout') return 'timed_out';
  if (exit.requested) return 'stopped';
  return exit.code === 0 ? 'succeeded' : 'failed';
}

/**
 * An exit as one number: the exit code; for a signal death 128 + the signal's number, and 127
 * (126: not permitted) for a command that never ran, as the manager's own exit code does.
 */
export function exitCodeValue(exit: ExitRecord): number {
  return exit.spawnError === undefined && exit.code !== null ? exit.code : exitCodeOf(exit);
}
