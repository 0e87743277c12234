import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState, ProbeSpec } from '../../../src/desired/types.ts';
import { createMetrics, type Metrics } from '../../../src/metrics/metrics.ts';
import type { ObservedEvent } from '../../../src/observed/events.ts';
import { reduceObserved } from '../../../src/observed/reduce.ts';
import { emptyObserved, type ObservedState } from '../../../src/observed/types.ts';
import { desiredOf, observedOf, proc, running } from '../../helpers/states.ts';
import { linesWith, series } from './exposition.ts';

const probe: ProbeSpec = {
  target: { type: 'tcp', host: '127.0.0.1', port: '80' },
  initialDelayMs: 0,
  periodMs: 1000,
  timeoutMs: 1000,
  successThreshold: 1,
  failureThreshold: 1,
};
const status = (state: 'success' | 'failure') => ({
  state,
  successes: state === 'success' ? 1 : 0,
  failures: state === 'failure' ? 1 : 0,
  lastMessage: '',
  lastAt: 0,
  lastDurationMs: 1,
});
const schedule = { cron: '0 * * * *', concurrency: 'forbid' as const, historyLimit: 10 };

/** A control plane over fixed snapshots that a test may replace. */
function fakeControl(desired: DesiredState, observed: ObservedState) {
  const control = { desired: () => desired, observed: () => observed };
  return {
    control,
    set(next: { desired?: DesiredState; observed?: ObservedState }) {
      desired = next.desired ?? desired;
      observed = next.observed ?? observed;
    },
  };
}

function metricsOver(desired: DesiredState, observed: ObservedState = emptyObserved) {
  const fake = fakeControl(desired, observed);
  return { ...fake, metrics: createMetrics({ control: fake.control, processMetrics: false }) };
}

/** Applies events as the reconcile loop does, telling the metrics about each applied one. */
function feeder(metrics: Metrics, start: ObservedState = emptyObserved) {
  let state = start;
  return {
    apply(...events: ObservedEvent[]): ObservedState {
      for (const event of events) {
        const next = reduceObserved(state, event);
        if (next === state) continue;
        const id = 'id' in event ? event.id : undefined;
        metrics.onEvent(
          event,
          id === undefined ? undefined : state.instances[id],
          id === undefined ? undefined : next.instances[id],
        );
        state = next;
      }
      return state;
    },
  };
}

const P = 'phpeek_pm_';

describe('state gauges (computed at scrape time)', () => {
  const desired = desiredOf([
    proc('web', { replicas: 3, probes: { readiness: probe, liveness: probe } }),
    proc('worker', { replicas: 2, enabled: false }),
    proc('job', { type: 'oneshot', restart: 'on-failure', schedule }),
  ]);
  const observed = observedOf([
    running('web', 0, {
      startedAt: 1_700_000_000_000,
      probes: { readiness: status('success'), liveness: status('success') },
    }),
    running('web', 1, { startedAt: 1_700_000_000_500, probes: { readiness: status('failure') } }),
    running('web', 2, {
      phase: 'exited',
      pid: undefined,
      startedAt: 1_700_000_100_000,
      restarts: 2,
      lastExit: { code: null, signal: 'SIGKILL', at: 1_700_000_200_000, requested: false },
    }),
    running('web', 0, {
      id: 'web-0@web-v0',
      specHash: 'web-v0',
      retiredFrom: 'web-0',
      pid: 900,
      startedAt: 1_600_000_000_000,
    }),
    running('worker', 0, { phase: 'stopping', startedAt: 1_700_000_000_000 }),
    running('job', 0, {
      phase: 'exited',
      pid: undefined,
      startedAt: 1_700_000_000_000,
      lastExit: {
        code: null,
        signal: null,
        at: 1_700_000_000_000,
        requested: false,
        spawnError: 'command not found: backup',
      },
    }),
  ]);

  it('per process: info, enabled, desired (not for scheduled), running and ready replicas', async () => {
    const text = await metricsOver(desired, observed).metrics.render();
    assert.deepEqual(series(text, `${P}process_info`), {
      'process="web",type="longrun"': 1,
      'process="worker",type="longrun"': 1,
      'process="job",type="scheduled"': 1,
    });
    assert.deepEqual(series(text, `${P}process_enabled`), {
      'process="web"': 1,
      'process="worker"': 0,
      'process="job"': 1,
    });
    assert.deepEqual(series(text, `${P}process_desired_replicas`), {
      'process="web"': 3,
      'process="worker"': 0,
    });
    // The retired web-0@web-v0 still runs; it is not ready (started under an older spec).
    assert.deepEqual(series(text, `${P}process_running_replicas`), {
      'process="web"': 3,
      'process="worker"': 0,
      'process="job"': 0,
    });
    assert.deepEqual(series(text, `${P}process_ready_replicas`), {
      'process="web"': 1,
      'process="worker"': 0,
      'process="job"': 0,
    });
  });

  it('per instance: up, start time, restarts, last exit code', async () => {
    const text = await metricsOver(desired, observed).metrics.render();
    const l = (process: string, id: string) => `process="${process}",instance_id="${id}"`;
    assert.deepEqual(series(text, `${P}instance_up`), {
      [l('web', 'web-0')]: 1,
      [l('web', 'web-1')]: 1,
      [l('web', 'web-2')]: 0,
      [l('web', 'web-0@web-v0')]: 1,
      [l('worker', 'worker-0')]: 0,
      [l('job', 'job-0')]: 0,
    });
    assert.deepEqual(series(text, `${P}instance_start_time_seconds`), {
      [l('web', 'web-0')]: 1_700_000_000,
      [l('web', 'web-1')]: 1_700_000_000.5,
      [l('web', 'web-2')]: 1_700_000_100,
      [l('web', 'web-0@web-v0')]: 1_600_000_000,
      [l('worker', 'worker-0')]: 1_700_000_000,
      [l('job', 'job-0')]: 1_700_000_000,
    });
    assert.equal(series(text, `${P}instance_restarts`)[l('web', 'web-2')], 2);
    assert.equal(series(text, `${P}instance_restarts`)[l('web', 'web-0')], 0);
    // SIGKILL is 9: 128 + 9; a command that was not found: 127. No exit yet: no series.
    assert.deepEqual(series(text, `${P}instance_last_exit_code`), {
      [l('web', 'web-2')]: 137,
      [l('job', 'job-0')]: 127,
    });
  });

  it('probe_status: for each configured probe of a running instance, 1 for its state, 0 for the others', async () => {
    const text = await metricsOver(desired, observed).metrics.render();
    const all = series(text, `${P}probe_status`);
    const l = (id: string, probe: string, state: string) =>
      `process="web",instance_id="${id}",probe="${probe}",state="${state}"`;
    assert.deepEqual(all, {
      [l('web-0', 'readiness', 'unknown')]: 0,
      [l('web-0', 'readiness', 'success')]: 1,
      [l('web-0', 'readiness', 'failure')]: 0,
      [l('web-0', 'liveness', 'unknown')]: 0,
      [l('web-0', 'liveness', 'success')]: 1,
      [l('web-0', 'liveness', 'failure')]: 0,
      [l('web-1', 'readiness', 'unknown')]: 0,
      [l('web-1', 'readiness', 'success')]: 0,
      [l('web-1', 'readiness', 'failure')]: 1,
      [l('web-1', 'liveness', 'unknown')]: 1,
      [l('web-1', 'liveness', 'success')]: 0,
      [l('web-1', 'liveness', 'failure')]: 0,
      [l('web-0@web-v0', 'readiness', 'unknown')]: 1,
      [l('web-0@web-v0', 'readiness', 'success')]: 0,
      [l('web-0@web-v0', 'readiness', 'failure')]: 0,
      [l('web-0@web-v0', 'liveness', 'unknown')]: 1,
      [l('web-0@web-v0', 'liveness', 'success')]: 0,
      [l('web-0@web-v0', 'liveness', 'failure')]: 0,
    });
  });

  it('a forgotten instance has no series at the next scrape; a new one appears', async () => {
    const { metrics, set } = metricsOver(desired, observed);
    const before = await metrics.render();
    assert.equal(linesWith(before, 'instance_id="web-2"').length, 4);
    assert.equal(linesWith(before, 'instance_id="web-0@web-v0"').length, 9);
    const { 'web-2': _forgotten, 'web-0@web-v0': _retired, ...rest } = observed.instances;
    set({ observed: { ...observed, instances: { ...rest, 'web-3': running('web', 3) } } });
    const after = await metrics.render();
    assert.deepEqual(linesWith(after, 'instance_id="web-2"'), []);
    assert.deepEqual(linesWith(after, 'instance_id="web-0@web-v0"'), []);
    assert.equal(series(after, `${P}instance_up`)['process="web",instance_id="web-3"'], 1);
  });

  it('a removed process has no series at the next scrape', async () => {
    const { metrics, set } = metricsOver(desired, observed);
    assert.ok(linesWith(await metrics.render(), 'process="worker"').length > 0);
    set({ desired: desiredOf([proc('web', { replicas: 3 })]), observed: observedOf([]) });
    const after = await metrics.render();
    assert.deepEqual(linesWith(after, 'process="worker"'), []);
    assert.deepEqual(linesWith(after, 'process="job"'), []);
  });

  it('while shutting down, no replica is desired', async () => {
    const shuttingDown = desiredOf([proc('web', { replicas: 3 })], {
      shutdown: { requestedAt: 0, cause: 'SIGTERM', force: false, exitCode: 0 },
    });
    const text = await metricsOver(shuttingDown).metrics.render();
    assert.deepEqual(series(text, `${P}process_desired_replicas`), { 'process="web"': 0 });
  });
});

describe('counters fed by events', () => {
  it('restarts_total counts what the reducer counts, by how the previous run ended', async () => {
    const spec = desiredOf([proc('w', { probes: { liveness: probe, startup: probe } })]);
    const { metrics } = metricsOver(spec);
    const feed = feeder(metrics);
    let pid = 100;
    let t = 0;
    const later = () => {
      t += 10;
      return t;
    };
    const issue = (specHash = 'w-v1'): ObservedEvent => ({
      type: 'spawn-issued',
      id: 'w-0',
      process: 'w',
      index: 0,
      specHash,
      at: later(),
    });
    const spawned = (): ObservedEvent => ({ type: 'spawned', id: 'w-0', pid: ++pid, at: t });
    const exited = (code: number | null, signal: string | null = null): ObservedEvent => ({
      type: 'exited',
      id: 'w-0',
      pid,
      code,
      signal,
      at: later(),
      jitter: 0,
      resetAfterMs: 60_000,
    });
    const stop = (cause: 'requested' | 'failure' | 'timeout'): ObservedEvent => ({
      type: 'stop-issued',
      id: 'w-0',
      reason: 'test',
      cause,
      killAt: t + 1000,
      at: t,
    });
    const failProbe = (kind: 'liveness' | 'startup'): ObservedEvent => ({
      type: 'probe-result',
      id: 'w-0',
      pid,
      probe: kind,
      ok: false,
      message: 'connection refused',
      durationMs: 2,
      at: t,
      successThreshold: 1,
      failureThreshold: 1,
    });
    // One run a line, with how it ends: the spawn of the next run is the restart that counts it.
    const spawnFailed: ObservedEvent = {
      type: 'spawn-failed',
      id: 'w-0',
      error: 'x',
      at: t,
      jitter: 0,
    };
    feed.apply(issue(), spawned(), exited(1)); // crash
    feed.apply(issue(), spawned(), exited(null, 'SIGKILL')); // signal
    feed.apply(issue(), spawned(), exited(0)); // exit_zero
    feed.apply(issue(), spawnFailed); // spawn_error
    feed.apply(issue(), spawned(), failProbe('liveness'), stop('failure'), exited(143)); // liveness_probe
    feed.apply(issue(), spawned(), failProbe('startup'), stop('failure'), exited(143)); // startup_probe
    feed.apply(issue(), spawned(), stop('timeout'), exited(143)); // timeout
    feed.apply(issue(), spawned(), stop('requested'), exited(0)); // asked to stop: not a restart
    feed.apply(issue(), spawned(), exited(1)); // next started under a new spec: not a restart
    const state = feed.apply(issue('w-v2'));
    const text = await metrics.render();
    assert.deepEqual(series(text, `${P}restarts_total`), {
      'process="w",reason="crash"': 1,
      'process="w",reason="signal"': 1,
      'process="w",reason="exit_zero"': 1,
      'process="w",reason="spawn_error"': 1,
      'process="w",reason="liveness_probe"': 1,
      'process="w",reason="startup_probe"': 1,
      'process="w",reason="timeout"': 1,
    });
    assert.equal(state.instances['w-0']?.restarts, 0);
  });

  it('restarts_total agrees with the sum of instance_restarts over a crash loop', async () => {
    const { metrics, set } = metricsOver(desiredOf([proc('w')]));
    const feed = feeder(metrics);
    let state = emptyObserved;
    for (let i = 0; i < 5; i++) {
      state = feed.apply(
        { type: 'spawn-issued', id: 'w-0', process: 'w', index: 0, specHash: 'w-v1', at: i },
        { type: 'spawned', id: 'w-0', pid: 10 + i, at: i },
        {
          type: 'exited',
          id: 'w-0',
          pid: 10 + i,
          code: 2,
          signal: null,
          at: i,
          jitter: 0,
          resetAfterMs: 1,
        },
      );
    }
    set({ observed: state });
    const text = await metrics.render();
    assert.deepEqual(series(text, `${P}restarts_total`), { 'process="w",reason="crash"': 4 });
    assert.deepEqual(series(text, `${P}instance_restarts`), {
      'process="w",instance_id="w-0"': 4,
    });
  });

  it('probe attempts: results by outcome and a duration histogram', async () => {
    const { metrics } = metricsOver(desiredOf([proc('web', { probes: { readiness: probe } })]));
    const feed = feeder(metrics);
    feed.apply(
      { type: 'spawn-issued', id: 'web-0', process: 'web', index: 0, specHash: 'web-v1', at: 0 },
      { type: 'spawned', id: 'web-0', pid: 7, at: 0 },
    );
    const attempt = (ok: boolean, durationMs: number, pid = 7): ObservedEvent => ({
      type: 'probe-result',
      id: 'web-0',
      pid,
      probe: 'readiness',
      ok,
      message: ok ? 'ok' : 'refused',
      durationMs,
      at: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    feed.apply(attempt(true, 0.4), attempt(true, 30), attempt(false, 2000));
    feed.apply(attempt(true, 1, 99)); // a late result for an older pid: ignored
    const text = await metrics.render();
    assert.deepEqual(series(text, `${P}probe_results_total`), {
      'process="web",probe="readiness",result="success"': 2,
      'process="web",probe="readiness",result="failure"': 1,
    });
    const buckets = series(text, `${P}probe_duration_seconds_bucket`);
    const bucket = (le: string) => buckets[`le="${le}",process="web",probe="readiness"`];
    assert.equal(bucket('0.001'), 1);
    assert.equal(bucket('0.025'), 1);
    assert.equal(bucket('0.05'), 2);
    assert.equal(bucket('2.5'), 3);
    assert.equal(bucket('+Inf'), 3);
    assert.deepEqual(series(text, `${P}probe_duration_seconds_count`), {
      'process="web",probe="readiness"': 3,
    });
    const [sum] = Object.values(series(text, `${P}probe_duration_seconds_sum`));
    assert.ok(Math.abs(sum! - 2.0304) < 1e-9, `sum ${sum}`);
  });

  it('scheduled_runs_total counts each run once, with the outcome the reducer records', async () => {
    const spec = proc('job', { type: 'oneshot', restart: 'never', schedule });
    const { metrics } = metricsOver(desiredOf([spec]));
    const feed = feeder(metrics);
    let t = 0;
    let pid = 0;
    /** One run of job-0, then the planner's forget, as after every finished run. */
    const run = (...end: ((pid: number, at: number) => ObservedEvent)[]): ObservedState => {
      t += 1000;
      pid++;
      feed.apply({
        type: 'spawn-issued',
        id: 'job-0',
        process: 'job',
        index: 0,
        specHash: 'job-v1',
        at: t,
        scheduledFor: t,
      });
      const state = feed.apply(...end.map((make) => make(pid, t + 10)));
      feed.apply({ type: 'forgotten', id: 'job-0' });
      return state;
    };
    const spawned = (p: number, at: number): ObservedEvent => ({
      type: 'spawned',
      id: 'job-0',
      pid: p,
      at,
    });
    const exit =
      (code: number | null, signal: string | null = null) =>
      (p: number, at: number): ObservedEvent => ({
        type: 'exited',
        id: 'job-0',
        pid: p,
        code,
        signal,
        at: at + 5,
        jitter: 0,
        resetAfterMs: 0,
        historyLimit: 10,
      });
    const stop =
      (cause: 'requested' | 'timeout') =>
      (_p: number, at: number): ObservedEvent => ({
        type: 'stop-issued',
        id: 'job-0',
        reason: 'test',
        cause,
        killAt: at + 100,
        at,
      });
    run(spawned, exit(0));
    run(spawned, exit(3));
    run(spawned, exit(0));
    run(spawned, stop('timeout'), exit(null, 'SIGTERM'));
    run(spawned, stop('requested'), exit(0));
    run((_p, at) => ({
      type: 'spawn-failed',
      id: 'job-0',
      error: 'command not found: backup',
      at,
      jitter: 0,
      historyLimit: 10,
    }));
    const state = feed.apply({
      type: 'run-skipped',
      process: 'job',
      scheduledFor: t + 60_000,
      reason: 'job-0 still running',
      at: t + 60_000,
      historyLimit: 10,
    });
    const text = await metrics.render();
    const counted = series(text, `${P}scheduled_runs_total`);
    assert.deepEqual(counted, {
      'process="job",outcome="succeeded"': 2,
      'process="job",outcome="failed"': 2,
      'process="job",outcome="timed_out"': 1,
      'process="job",outcome="stopped"': 1,
      'process="job",outcome="skipped"': 1,
    });
    // The same tally as the history the reducer keeps.
    const history: Record<string, number> = {};
    for (const record of state.processes['job']?.history ?? []) {
      const key = `process="job",outcome="${record.outcome.replace(' ', '_')}"`;
      history[key] = (history[key] ?? 0) + 1;
    }
    assert.deepEqual(counted, history);
  });

  it('config_reloads_total: every result present from the start', async () => {
    const { metrics } = metricsOver(desiredOf([]));
    assert.deepEqual(series(await metrics.render(), `${P}config_reloads_total`), {
      'result="applied"': 0,
      'result="rejected"': 0,
      'result="unchanged"': 0,
    });
    metrics.onReload('applied');
    metrics.onReload('rejected');
    metrics.onReload('applied');
    assert.deepEqual(series(await metrics.render(), `${P}config_reloads_total`), {
      'result="applied"': 2,
      'result="rejected"': 1,
      'result="unchanged"': 0,
    });
  });

  it('reconcile_duration_seconds: a histogram of what the loop reports', async () => {
    const { metrics } = metricsOver(desiredOf([]));
    metrics.observeReconcile(0.0002);
    metrics.observeReconcile(0.003);
    const text = await metrics.render();
    assert.equal(series(text, `${P}reconcile_duration_seconds_bucket`)['le="0.00025"'], 1);
    assert.equal(series(text, `${P}reconcile_duration_seconds_bucket`)['le="0.005"'], 2);
    assert.deepEqual(series(text, `${P}reconcile_duration_seconds_count`), { '': 2 });
  });

  it("the manager's own process metrics keep their standard names", async () => {
    const metrics = createMetrics({
      control: { desired: () => desiredOf([]), observed: () => emptyObserved },
    });
    const text = await metrics.render();
    assert.equal(Object.keys(series(text, 'process_cpu_seconds_total')).length, 1);
    assert.ok(Object.keys(series(text, 'nodejs_heap_size_total_bytes')).length === 1);
    assert.deepEqual(series(text, `${P}process_cpu_seconds_total`), {});
    assert.equal(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  });
});
