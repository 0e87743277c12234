import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { DesiredStore } from '../../../src/desired/store.ts';
import type { Executor, InstanceCallbacks } from '../../../src/executors/types.ts';
import { createMetrics } from '../../../src/metrics/metrics.ts';
import { ReconcileLoop } from '../../../src/reconciler/loop.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { baseGlobal, proc } from '../../helpers/states.ts';
import { series } from './exposition.ts';

/** Spawns succeed at once with increasing pids; a test ends them with `exit`. */
class MemoryExecutor implements Executor {
  private nextPid = 100;
  readonly live = new Map<number, InstanceCallbacks>();

  spawnInstance(_request: unknown, callbacks: InstanceCallbacks): void {
    const pid = this.nextPid++;
    this.live.set(pid, callbacks);
    callbacks.spawned(pid);
  }

  stopInstance(request: { pid: number; signal: NodeJS.Signals }): void {
    this.exit(request.pid, null, request.signal);
  }

  signalGroup(pid: number, signal: NodeJS.Signals): void {
    this.exit(pid, null, signal);
  }

  exit(pid: number, code: number | null, signal: string | null = null): void {
    const callbacks = this.live.get(pid);
    this.live.delete(pid);
    if (callbacks) queueMicrotask(() => callbacks.exited(pid, code, signal));
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await tick();
}

describe('metrics fed by the real reconcile loop', () => {
  it('a crash and its restart after backoff show in counters and gauges', async () => {
    const clock = new FakeClock(1_000);
    const executor = new MemoryExecutor();
    const store = new DesiredStore({ global: baseGlobal, processes: { web: proc('web') } });
    const metrics = createMetrics({
      control: { desired: () => store.get(), observed: () => loop.observedState() },
      processMetrics: false,
    });
    const loop: ReconcileLoop = new ReconcileLoop({
      desired: () => store.get(),
      executor,
      clock,
      random: () => 0,
      log: {
        action: (action) => metrics.onAction(action),
        event: (event, before, after) => metrics.onEvent(event, before, after),
        blocked: () => {},
      },
      onCriticalFailure: () => {},
      onExit: () => {},
    });
    loop.reconcile();
    await settle();
    const [firstPid] = executor.live.keys();
    executor.exit(firstPid!, 3);
    await settle();
    clock.advance(baseGlobal.restartBackoff.initialMs);
    await settle();
    const text = await metrics.render();
    assert.deepEqual(series(text, 'phpeek_pm_restarts_total'), {
      'process="web",reason="crash"': 1,
    });
    assert.deepEqual(series(text, 'phpeek_pm_actions_total'), {
      'kind="spawn",reason="start"': 1,
      'kind="spawn",reason="restart"': 1,
    });
    assert.deepEqual(series(text, 'phpeek_pm_instance_restarts'), {
      'process="web",instance_id="web-0"': 1,
    });
    assert.deepEqual(series(text, 'phpeek_pm_instance_last_exit_code'), {
      'process="web",instance_id="web-0"': 3,
    });
    assert.deepEqual(series(text, 'phpeek_pm_process_ready_replicas'), { 'process="web"': 1 });
  });
});
