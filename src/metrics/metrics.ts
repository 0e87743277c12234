import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ControlPlane } from '../api/control-plane.ts';
import type { ObservedEvent } from '../observed/events.ts';
import type { InstanceState } from '../observed/types.ts';
import type { Action } from '../reconciler/actions.ts';
import { actionReason, restartReason, runOutcome } from './categories.ts';
import { registerStateGauges } from './state-gauges.ts';

export {
  type MetricsListener,
  type MetricsListenerOptions,
  startMetricsListener,
} from './listener.ts';

export const DEFAULT_PREFIX = 'phpeek_pm_';

export type ReloadOutcome = 'applied' | 'rejected' | 'unchanged';

/**
 * The manager's Prometheus metrics. Gauges about processes and instances are computed from the
 * control plane's snapshots at scrape time; counters and histograms are fed by the reconcile
 * loop's log callbacks. Names, labels and label values are listed in docs/metrics.md.
 */
export interface Metrics {
  readonly registry: Registry;
  /** Every action the loop executes (LoopLog.action). */
  onAction(action: Action): void;
  /** Every observed event the loop applies, with the instance around it (LoopLog.event). */
  onEvent(
    event: ObservedEvent,
    before: InstanceState | undefined,
    after: InstanceState | undefined,
  ): void;
  /** Duration of one reconcile, in seconds. */
  observeReconcile(seconds: number): void;
  /** The result of one configuration reload (file change, SIGHUP or API). */
  onReload(result: ReloadOutcome): void;
  /** Prometheus text exposition format 0.0.4. */
  render(): Promise<string>;
  /** The Content-Type of `render()`'s text. */
  readonly contentType: string;
}

export interface MetricsOptions {
  readonly control: Pick<ControlPlane, 'desired' | 'observed'>;
  /** Prepended to every name, the Node.js process metrics included. */
  readonly prefix?: string;
  /** prom-client's metrics of the manager's own process (CPU, memory, event loop, GC). Default true. */
  readonly processMetrics?: boolean;
}

/** Probe attempts: from a local TCP connect (sub-millisecond) to a slow HTTP check. */
const PROBE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A reconcile plans and issues actions without waiting for any: microseconds to milliseconds. */
const RECONCILE_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];
const UNCONVENTIONAL_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
const RELOAD_OUTCOMES: readonly ReloadOutcome[] = ['applied', 'rejected', 'unchanged'];

export function createMetrics(options: MetricsOptions): Metrics {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) {
    // The event loop delay histogram samples on a timer that wakes the loop; at prom-client's
    // 10 ms that alone costs PID 1 ~250 ms of CPU per idle 30 s, at 1 s ~3 ms.
    // The manager's own metrics keep their standard names (process_cpu_seconds_total, nodejs_*),
    // which dashboards expect; only our own metrics carry the prefix.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });
    // Gauges named like counters (prom-client issue #283; `promtool check metrics` rejects
    // them); the same numbers are the sum of the per-type gauges without `_total`.
    for (const name of UNCONVENTIONAL_DEFAULTS) registry.removeSingleMetric(name);
  }
  registerStateGauges(registry, prefix, options.control);

  const restarts = new Counter({
    name: `${prefix}restarts_total`,
    help: 'Restarts of instances of the process, by how the previous run ended.',
    labelNames: ['process', 'reason'] as const,
    registers,
  });
  const actions = new Counter({
    name: `${prefix}actions_total`,
    help: 'Actions the reconcile loop executed, by kind and reason category.',
    labelNames: ['kind', 'reason'] as const,
    registers,
  });
  const probeResults = new Counter({
    name: `${prefix}probe_results_total`,
    help: 'Probe attempts, by result (success or failure), before thresholds.',
    labelNames: ['process', 'probe', 'result'] as const,
    registers,
  });
  const probeDuration = new Histogram({
    name: `${prefix}probe_duration_seconds`,
    help: 'Duration of probe attempts.',
    labelNames: ['process', 'probe'] as const,
    buckets: PROBE_BUCKETS,
    registers,
  });
  const reloads = new Counter({
    name: `${prefix}config_reloads_total`,
    help: 'Configuration reloads, by result: applied, rejected (invalid) or unchanged.',
    labelNames: ['result'] as const,
    registers,
  });
  const reconcileDuration = new Histogram({
    name: `${prefix}reconcile_duration_seconds`,
    help: 'Duration of one reconcile: plan and issue the actions.',
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const scheduledRuns = new Counter({
    name: `${prefix}scheduled_runs_total`,
    help: 'Finished or skipped runs of scheduled processes, by outcome.',
    labelNames: ['process', 'outcome'] as const,
    registers,
  });
  // Known in advance: present from the first scrape, so that increase() sees the first reload.
  for (const result of RELOAD_OUTCOMES) reloads.inc({ result }, 0);

  return {
    registry,
    contentType: registry.contentType,
    onAction(action) {
      actions.inc({ kind: action.kind, reason: actionReason(action) });
    },
    onEvent(event, before, after) {
      switch (event.type) {
        case 'spawn-issued':
          // The reducer counts a restart when it re-issues the spawn of an instance that ended
          // on its own under the same spec; counting the same change keeps both in step.
          if (
            before?.lastExit !== undefined &&
            after !== undefined &&
            after.restarts === before.restarts + 1
          ) {
            restarts.inc({
              process: after.process,
              reason: restartReason(before, before.lastExit),
            });
          }
          return;
        case 'probe-result': {
          const process = after?.process ?? before?.process;
          if (process === undefined) return;
          probeResults.inc({
            process,
            probe: event.probe,
            result: event.ok ? 'success' : 'failure',
          });
          probeDuration.observe({ process, probe: event.probe }, event.durationMs / 1000);
          return;
        }
        case 'exited':
        case 'spawn-failed':
          // As the reducer: a run of a scheduled process is recorded when its run ends.
          if (
            event.historyLimit !== undefined &&
            before?.scheduledFor !== undefined &&
            before.phase !== 'exited' &&
            after?.phase === 'exited' &&
            after.lastExit !== undefined
          ) {
            scheduledRuns.inc({ process: after.process, outcome: runOutcome(after.lastExit) });
          }
          return;
        case 'run-skipped':
          scheduledRuns.inc({ process: event.process, outcome: 'skipped' });
          return;
        default:
          return;
      }
    },
    observeReconcile(seconds) {
      reconcileDuration.observe(seconds);
    },
    onReload(result) {
      reloads.inc({ result });
    },
    render() {
      return registry.metrics();
    },
  };
}
