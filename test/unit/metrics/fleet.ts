/**
 * A manager with 500 instances and every metric family fed, for the promtool check
 * (test/integration/metrics-promtool.test.ts) and the render benchmark (bench/metrics.ts).
 */
import type { ProbeKind, ProbeSpec } from '../../../src/desired/types.ts';
import { createMetrics, type Metrics } from '../../../src/metrics/metrics.ts';
import type { ObservedEvent } from '../../../src/observed/events.ts';
import type { InstanceState, ProbeStatus } from '../../../src/observed/types.ts';
import type { Action } from '../../../src/reconciler/actions.ts';
import { desiredOf, observedOf, proc, running } from '../../helpers/states.ts';

const probe: ProbeSpec = {
  target: {
    type: 'http',
    url: 'http://127.0.0.1/',
    method: 'GET',
    headers: {},
    expectedStatus: [],
  },
  initialDelayMs: 0,
  periodMs: 1000,
  timeoutMs: 1000,
  successThreshold: 1,
  failureThreshold: 3,
};

function probeStatus(state: ProbeStatus['state']): ProbeStatus {
  return { state, successes: 0, failures: 0, lastMessage: '', lastAt: 0, lastDurationMs: 1 };
}

/** web: 200 replicas with 3 probes; worker: 250; queue: 49 with liveness; backup: scheduled. */
export function fleetStates() {
  const desired = desiredOf([
    proc('web', { replicas: 200, probes: { startup: probe, readiness: probe, liveness: probe } }),
    proc('worker', { replicas: 250 }),
    proc('queue', { replicas: 49, probes: { liveness: probe } }),
    proc('backup', {
      type: 'oneshot',
      restart: 'on-failure',
      schedule: { cron: '0 3 * * *', concurrency: 'forbid', historyLimit: 5 },
    }),
    proc('legacy', { enabled: false }),
  ]);
  const instances: InstanceState[] = [];
  const started = 1_700_000_000_000;
  for (let i = 0; i < 200; i++) {
    const readiness = i % 10 === 0 ? 'failure' : 'success';
    instances.push(
      running('web', i, {
        startedAt: started + i,
        restarts: i % 7,
        probes: {
          startup: probeStatus('success'),
          readiness: probeStatus(readiness),
          liveness: probeStatus(i % 3 === 0 ? 'unknown' : 'success'),
        },
      }),
    );
  }
  for (let i = 0; i < 250; i++) {
    const crashed = i % 25 === 0;
    instances.push(
      running('worker', i, {
        startedAt: started + i,
        restarts: crashed ? 3 : 0,
        ...(crashed
          ? {
              phase: 'exited',
              pid: undefined,
              lastExit: { code: 1, signal: null, at: started + 5000, requested: false },
            }
          : {}),
      }),
    );
  }
  for (let i = 0; i < 49; i++) {
    instances.push(running('queue', i, { startedAt: started, probes: {} }));
  }
  instances.push(running('backup', 0, { startedAt: started, scheduledFor: started }));
  return { desired, observed: observedOf(instances) };
}

const PROBES: [string, ProbeKind][] = [
  ['web', 'startup'],
  ['web', 'readiness'],
  ['web', 'liveness'],
  ['queue', 'liveness'],
];

/**
 * Metrics over the fleet, with every counter and histogram fed a little. `touch()` makes the
 * next scrape see a new observed snapshot with the same content, as after any event.
 */
export function fleetMetrics(options: { processMetrics?: boolean } = {}): {
  metrics: Metrics;
  touch(): void;
} {
  const { desired, observed } = fleetStates();
  let current = observed;
  const metrics = createMetrics({
    control: { desired: () => desired, observed: () => current },
    processMetrics: options.processMetrics ?? true,
  });
  const actions: Action[] = [
    { kind: 'spawn', id: 'web-0', process: 'web', index: 0, specHash: 'h', reason: 'start' },
    { kind: 'forget', id: 'web-9', process: 'web', reason: 'no longer desired' },
    { kind: 'exit', code: 0, reason: 'something new' },
  ];
  for (const action of actions) metrics.onAction(action);
  const worker = observed.instances['worker-0']!;
  metrics.onEvent(
    { type: 'spawn-issued', id: 'worker-0', process: 'worker', index: 0, specHash: 'h', at: 0 },
    worker,
    { ...worker, restarts: worker.restarts + 1 },
  );
  for (const [process, kind] of PROBES) {
    const instance = observed.instances[`${process}-1`];
    for (let n = 0; n < 20; n++) {
      const event: ObservedEvent = {
        type: 'probe-result',
        id: `${process}-1`,
        pid: 1001,
        probe: kind,
        ok: n % 5 !== 0,
        message: '',
        durationMs: n * 3,
        at: n,
        successThreshold: 1,
        failureThreshold: 3,
      };
      metrics.onEvent(event, instance, instance);
    }
  }
  metrics.onEvent(
    {
      type: 'run-skipped',
      process: 'backup',
      scheduledFor: 0,
      reason: 'still running',
      at: 0,
      historyLimit: 5,
    },
    undefined,
    undefined,
  );
  metrics.onReload('applied');
  for (let n = 1; n <= 10; n++) metrics.observeReconcile(n / 10_000);
  return {
    metrics,
    touch() {
      current = { ...current };
    },
  };
}
