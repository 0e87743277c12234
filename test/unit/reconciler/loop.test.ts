import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { DesiredStore } from '../../../src/desired/store.ts';
import type { Executor, InstanceCallbacks } from '../../../src/executors/types.ts';
import { ReconcileLoop } from '../../../src/reconciler/loop.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { baseGlobal, proc } from '../../helpers/states.ts';

/** Runs "processes" in memory: each spawn gets a pid; tests make them exit. */
class FakeExecutor implements Executor {
  nextPid = 100;
  readonly live = new Map<number, { id: string; callbacks: InstanceCallbacks }>();
  spawns: string[] = [];
  signals: string[] = [];
  /** Processes that ignore the stop signal. */
  stubborn = new Set<string>();

  spawnInstance(request: { id: string }, callbacks: InstanceCallbacks): void {
    const pid = this.nextPid++;
    this.spawns.push(request.id);
    this.live.set(pid, { id: request.id, callbacks });
    callbacks.spawned(pid);
  }

  stopInstance(request: { pid: number; signal: NodeJS.Signals }): void {
    this.signalGroup(request.pid, request.signal);
  }

  signalGroup(pid: number, signal: NodeJS.Signals): void {
    const proc = this.live.get(pid);
    if (!proc) return;
    this.signals.push(`${signal} ${proc.id}`);
    if (signal === 'SIGKILL' || !this.stubborn.has(proc.id)) this.exit(pid, null, signal);
  }

  exit(pid: number, code: number | null, signal: string | null = null): void {
    const proc = this.live.get(pid);
    if (!proc) return;
    this.live.delete(pid);
    queueMicrotask(() => proc.callbacks.exited(pid, code, signal));
  }

  pidOf(id: string): number {
    for (const [pid, p] of this.live) if (p.id === id) return pid;
    throw new Error(`${id} not running`);
  }

  runningIds(): string[] {
    return [...this.live.values()].map((p) => p.id).sort();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await tick();
}

function setup(
  processes = [
    proc('db'),
    proc('web', { replicas: 2, dependsOn: { db: { condition: 'process_started' } } }),
  ],
) {
  const clock = new FakeClock(1_000);
  const executor = new FakeExecutor();
  const store = new DesiredStore({
    global: baseGlobal,
    processes: Object.fromEntries(processes.map((p) => [p.name, p])),
  });
  const exits: number[] = [];
  const criticals: number[] = [];
  const loop = new ReconcileLoop({
    desired: () => store.get(),
    executor,
    clock,
    random: () => 0,
    log: { action: () => {}, event: () => {}, blocked: () => {} },
    onCriticalFailure: (code: number) => criticals.push(code),
    onExit: (code) => exits.push(code),
  });
  store.subscribe(() => loop.trigger());
  return { clock, executor, store, loop, exits, criticals };
}

describe('reconcile loop', () => {
  it('converges to every desired instance running, dependencies first', async () => {
    const { executor, loop } = setup();
    loop.reconcile();
    await settle();
    assert.deepEqual(executor.runningIds(), ['db-0', 'web-0', 'web-1']);
    assert.equal(executor.spawns[0], 'db-0');
  });

  it('restarts a crashed instance after its backoff, driven by the clock', async () => {
    const { executor, loop, clock } = setup([proc('web')]);
    loop.reconcile();
    await settle();
    executor.exit(executor.pidOf('web-0'), 1);
    await settle();
    assert.deepEqual(executor.runningIds(), []);
    clock.advance(999);
    await settle();
    assert.deepEqual(executor.runningIds(), []);
    clock.advance(1);
    await settle();
    assert.deepEqual(executor.runningIds(), ['web-0']);
    assert.equal(loop.observedState().instances['web-0']?.restarts, 1);
  });

  it('coalesces a burst of exits into few reconciles', async () => {
    const { executor, loop, store } = setup([
      proc('w', { replicas: 50, backoff: { initialMs: 0, maxMs: 0, resetAfterMs: 1 } }),
    ]);
    loop.reconcile();
    await settle();
    const before = loop.reconcileCount();
    for (const pid of [...executor.live.keys()]) executor.exit(pid, 1);
    await settle();
    assert.equal(executor.runningIds().length, 50);
    assert.ok(
      loop.reconcileCount() - before <= 3,
      `took ${loop.reconcileCount() - before} reconciles`,
    );
    assert.equal(store.get().generation, 1);
  });

  it('applies a scale down from the store and forgets the stopped instances', async () => {
    const { executor, loop, store } = setup([proc('w', { replicas: 4 })]);
    loop.reconcile();
    await settle();
    store.applyFile({ global: baseGlobal, processes: { w: proc('w', { replicas: 1 }) } });
    await settle();
    assert.deepEqual(executor.runningIds(), ['w-0']);
    assert.deepEqual(Object.keys(loop.observedState().instances), ['w-0']);
  });

  it('shuts down in reverse dependency order, kills the stubborn after the timeout, then exits', async () => {
    const { executor, loop, store, clock, exits } = setup();
    executor.stubborn.add('db-0');
    loop.reconcile();
    await settle();
    store.requestShutdown({ cause: 'SIGTERM', exitCode: 0, forcedExitCode: 143, now: clock.now() });
    await settle();
    assert.deepEqual(executor.signals.slice(0, 3), [
      'SIGTERM web-0',
      'SIGTERM web-1',
      'SIGTERM db-0',
    ]);
    assert.deepEqual(executor.runningIds(), ['db-0']);
    assert.deepEqual(exits, []);
    clock.advance(10_000);
    await settle();
    assert.deepEqual(executor.signals.at(-1), 'SIGKILL db-0');
    assert.deepEqual(exits, [0]);
  });

  it('a second signal forces the shutdown with 128+n', async () => {
    const { executor, loop, store, clock, exits } = setup();
    for (const id of ['db-0', 'web-0', 'web-1']) executor.stubborn.add(id);
    loop.reconcile();
    await settle();
    store.requestShutdown({ cause: 'SIGTERM', exitCode: 0, forcedExitCode: 143, now: clock.now() });
    await settle();
    store.requestShutdown({ cause: 'SIGINT', exitCode: 0, forcedExitCode: 130, now: clock.now() });
    await settle();
    assert.deepEqual(executor.runningIds(), []);
    assert.deepEqual(exits, [130]);
  });
});
