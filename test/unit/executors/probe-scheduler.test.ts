import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { ProbeSpec } from '../../../src/desired/types.ts';
import {
  type ProbeResult,
  ProbeScheduler,
  type ProbeSubject,
} from '../../../src/executors/probes/probe-scheduler.ts';
import type { ProbeOutcome, ProbeRunner } from '../../../src/executors/probes/run-probe.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

interface Call {
  readonly at: number;
  readonly port: string;
  readonly signal: AbortSignal | undefined;
  resolve(outcome: Partial<ProbeOutcome>): void;
}

/** A `run` whose attempts stay in flight until the test settles them (or `auto` does). */
class FakeRunner {
  readonly calls: Call[] = [];
  /** When set, every attempt settles with this on the next microtask. */
  auto: Partial<ProbeOutcome> | undefined = { ok: true };

  constructor(private readonly clock: FakeClock) {}

  readonly run: ProbeRunner = (target, _timeoutMs, signal) =>
    new Promise((resolve) => {
      const call: Call = {
        at: this.clock.now(),
        port: target.type === 'tcp' ? target.port : target.type,
        signal,
        resolve: (o) => resolve({ ok: true, message: 'fake', durationMs: 1, ...o }),
      };
      this.calls.push(call);
      if (this.auto !== undefined) call.resolve(this.auto);
    });

  /** Times (clock ms) at which attempts against `port` began. */
  startsFor(port: string): number[] {
    return this.calls.filter((c) => c.port === port).map((c) => c.at);
  }
}

function spec(port: string, overrides: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    target: { type: 'tcp', host: '127.0.0.1', port },
    initialDelayMs: 0,
    periodMs: 1000,
    timeoutMs: 500,
    successThreshold: 1,
    failureThreshold: 3,
    ...overrides,
  };
}

function subject(overrides: Partial<ProbeSubject> = {}): ProbeSubject {
  return {
    id: 'web-0',
    pid: 100,
    startedAt: 0,
    probes: { readiness: spec('ready') },
    startupSucceeded: false,
    ...overrides,
  };
}

function setup() {
  const clock = new FakeClock();
  const runner = new FakeRunner(clock);
  const results: ProbeResult[] = [];
  const scheduler = new ProbeScheduler({
    clock,
    run: runner.run,
    report: (r) => results.push(r),
  });
  /**
   * Fires what is due now, then moves time in 1 ms steps, letting attempts that settle on a
   * microtask report and schedule their successor at the time they settled.
   */
  const advance = async (ms: number) => {
    clock.advance(0);
    await tick();
    for (let i = 0; i < ms; i++) {
      clock.advance(1);
      await tick();
    }
  };
  return { clock, runner, results, scheduler, advance };
}

describe('ProbeScheduler', () => {
  it('waits the initial delay, counted from the instance start', async () => {
    const { runner, scheduler, advance } = setup();
    await advance(200);
    scheduler.sync([
      subject({ startedAt: 0, probes: { readiness: spec('r', { initialDelayMs: 500 }) } }),
    ]);
    await advance(299);
    assert.deepEqual(runner.startsFor('r'), []);
    await advance(1);
    assert.deepEqual(runner.startsFor('r'), [500]);
  });

  it('probes at once when the initial delay has already passed', async () => {
    const { runner, scheduler, advance } = setup();
    await advance(3000);
    scheduler.sync([
      subject({ startedAt: 0, probes: { readiness: spec('r', { initialDelayMs: 500 }) } }),
    ]);
    assert.deepEqual(runner.startsFor('r'), []);
    await advance(0);
    assert.deepEqual(runner.startsFor('r'), [3000]);
  });

  it('repeats every period and reports each attempt with the pid and thresholds', async () => {
    const { runner, results, scheduler, advance } = setup();
    scheduler.sync([subject({ probes: { liveness: spec('l', { periodMs: 250 }) } })]);
    await advance(1000);
    assert.deepEqual(runner.startsFor('l'), [0, 250, 500, 750, 1000]);
    assert.equal(results.length, 5);
    assert.deepEqual(results[0], {
      id: 'web-0',
      pid: 100,
      probe: 'liveness',
      ok: true,
      message: 'fake',
      durationMs: 1,
      at: 0,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it('repeated syncs with the same instances change nothing', async () => {
    const { runner, scheduler, advance } = setup();
    const s = subject();
    scheduler.sync([s]);
    for (let i = 0; i < 10; i++) {
      await advance(100);
      // A new but equal spec object, as a reload that changed something else would give.
      scheduler.sync([{ ...s, probes: { readiness: spec('ready') } }]);
    }
    assert.deepEqual(runner.startsFor('ready'), [0, 1000]);
  });

  it('runs only the startup probe until it has succeeded, then readiness and liveness', async () => {
    const { runner, scheduler, advance } = setup();
    const probes = { startup: spec('s'), readiness: spec('r'), liveness: spec('l') };
    scheduler.sync([subject({ probes, startupSucceeded: false })]);
    await advance(2500);
    assert.deepEqual(runner.startsFor('s'), [0, 1000, 2000]);
    assert.deepEqual(runner.startsFor('r'), []);
    assert.deepEqual(runner.startsFor('l'), []);
    assert.deepEqual(scheduler.activeWorkers(), ['web-0/startup']);

    scheduler.sync([subject({ probes, startupSucceeded: true })]);
    assert.deepEqual(scheduler.activeWorkers(), ['web-0/readiness', 'web-0/liveness']);
    await advance(1500);
    assert.deepEqual(runner.startsFor('s'), [0, 1000, 2000]);
    assert.deepEqual(runner.startsFor('r'), [2500, 3500]);
    assert.deepEqual(runner.startsFor('l'), [2500, 3500]);
  });

  it('without a startup probe, readiness and liveness run whatever startupSucceeded says', async () => {
    const { runner, scheduler, advance } = setup();
    scheduler.sync([subject({ probes: { readiness: spec('r') }, startupSucceeded: false })]);
    await advance(1);
    assert.deepEqual(runner.startsFor('r'), [0]);
  });

  it('gives a restarted instance (new pid) fresh workers with a fresh initial delay', async () => {
    const { runner, results, scheduler, advance } = setup();
    const probes = { readiness: spec('r', { initialDelayMs: 300 }) };
    scheduler.sync([subject({ pid: 100, startedAt: 0, probes })]);
    await advance(1400);
    assert.deepEqual(runner.startsFor('r'), [300, 1300]);
    scheduler.sync([subject({ pid: 200, startedAt: 1400, probes })]);
    await advance(1400);
    assert.deepEqual(runner.startsFor('r'), [300, 1300, 1700, 2700]);
    assert.deepEqual(
      results.map((r) => r.pid),
      [100, 100, 200, 200],
    );
  });

  it('restarts a worker whose spec changed, with the new spec', async () => {
    const { runner, results, scheduler, advance } = setup();
    scheduler.sync([subject({ probes: { readiness: spec('old') } })]);
    await advance(1500);
    scheduler.sync([
      subject({ probes: { readiness: spec('new', { periodMs: 200, failureThreshold: 7 }) } }),
    ]);
    await advance(500);
    assert.deepEqual(runner.startsFor('old'), [0, 1000]);
    assert.deepEqual(runner.startsFor('new'), [1500, 1700, 1900]);
    assert.equal(results.at(-1)?.failureThreshold, 7);
  });

  it('a period change alone restarts the worker', async () => {
    const { runner, scheduler, advance } = setup();
    scheduler.sync([subject({ probes: { readiness: spec('r', { periodMs: 1000 }) } })]);
    await advance(1200);
    scheduler.sync([subject({ probes: { readiness: spec('r', { periodMs: 300 }) } })]);
    await advance(700);
    assert.deepEqual(runner.startsFor('r'), [0, 1000, 1200, 1500, 1800]);
  });

  it('stops probing instances that are no longer listed, and only those', async () => {
    const { runner, scheduler, advance } = setup();
    const a = subject({ id: 'a-0', pid: 1, probes: { liveness: spec('a') } });
    const b = subject({ id: 'b-0', pid: 2, probes: { liveness: spec('b') } });
    scheduler.sync([a, b]);
    await advance(1500);
    scheduler.sync([b]);
    await advance(2000);
    assert.deepEqual(runner.startsFor('a'), [0, 1000]);
    assert.deepEqual(runner.startsFor('b'), [0, 1000, 2000, 3000]);
    assert.deepEqual(scheduler.activeWorkers(), ['b-0/liveness']);
  });

  it('stops a worker whose probe was removed from the spec', async () => {
    const { runner, scheduler, advance } = setup();
    scheduler.sync([subject({ probes: { readiness: spec('r'), liveness: spec('l') } })]);
    await advance(500);
    scheduler.sync([subject({ probes: { readiness: spec('r') } })]);
    await advance(2000);
    assert.deepEqual(runner.startsFor('l'), [0]);
    assert.deepEqual(runner.startsFor('r'), [0, 1000, 2000]);
  });

  it('never overlaps attempts: a slow attempt delays the next until it ends', async () => {
    const { runner, results, scheduler, advance } = setup();
    runner.auto = undefined;
    scheduler.sync([subject({ probes: { liveness: spec('l', { periodMs: 100 }) } })]);
    await advance(1);
    assert.equal(runner.calls.length, 1);
    await advance(349);
    assert.equal(runner.calls.length, 1, 'a second attempt started while the first was running');
    runner.auto = { ok: true };
    runner.calls[0]!.resolve({ ok: false });
    // It ended at 350, past its period: the next begins at once, then the period applies.
    await advance(200);
    assert.deepEqual(runner.startsFor('l'), [0, 350, 450, 550]);
    assert.deepEqual(
      results.map((r) => r.ok),
      [false, true, true, true],
    );
  });

  it('drops the result of an attempt whose pid has been replaced meanwhile', async () => {
    const { runner, results, scheduler, advance } = setup();
    runner.auto = undefined;
    const probes = { readiness: spec('r') };
    scheduler.sync([subject({ pid: 100, probes })]);
    await advance(1);
    const stale = runner.calls[0]!;
    scheduler.sync([subject({ pid: 200, startedAt: 1, probes })]);
    assert.equal(stale.signal?.aborted, true, 'the attempt of the old pid was not aborted');
    stale.resolve({ ok: false, message: 'late' });
    await advance(1);
    runner.calls[1]!.resolve({ ok: true });
    await advance(1);
    assert.deepEqual(
      results.map((r) => `${r.pid} ${r.ok}`),
      ['200 true'],
    );
  });

  it('stop() aborts attempts in flight, drops their results and ends all timers', async () => {
    const { clock, runner, results, scheduler, advance } = setup();
    runner.auto = undefined;
    scheduler.sync([
      subject({ probes: { readiness: spec('r') } }),
      subject({ id: 'web-1', pid: 101, probes: { liveness: spec('l', { initialDelayMs: 5000 }) } }),
    ]);
    await advance(1);
    scheduler.stop();
    assert.equal(runner.calls[0]!.signal?.aborted, true);
    runner.calls[0]!.resolve({ ok: true });
    runner.auto = { ok: true };
    await advance(10_000);
    scheduler.sync([subject({ probes: { readiness: spec('r') } })]);
    clock.advance(10_000);
    await tick();
    assert.equal(runner.calls.length, 1);
    assert.deepEqual(results, []);
    assert.deepEqual(scheduler.activeWorkers(), []);
  });

  it('a runner that throws or rejects counts as a failed attempt and probing goes on', async () => {
    const clock = new FakeClock();
    const results: ProbeResult[] = [];
    let n = 0;
    const scheduler = new ProbeScheduler({
      clock,
      report: (r) => results.push(r),
      run: () => {
        n++;
        if (n === 1) throw new Error('boom');
        return Promise.reject(new Error('nope'));
      },
    });
    scheduler.sync([subject()]);
    for (let i = 0; i < 1001; i++) {
      clock.advance(1);
      await tick();
    }
    assert.deepEqual(
      results.map((r) => `${r.ok} ${r.message}`),
      ['false Error: boom', 'false nope'],
    );
    scheduler.stop();
  });
});
