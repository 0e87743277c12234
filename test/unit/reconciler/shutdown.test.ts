import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShutdownRequest } from '../../../src/desired/types.ts';
import { plan } from '../../../src/reconciler/plan.ts';
import { desiredOf, observedOf, proc, running } from '../../helpers/states.ts';

const term: ShutdownRequest = { requestedAt: 0, cause: 'SIGTERM', force: false, exitCode: 0 };
const dependsOn = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [n, { condition: 'process_started' as const }]));

// nginx -> app -> db ; cron is independent
const stack = [
  proc('db'),
  proc('app', { dependsOn: dependsOn('db') }),
  proc('nginx', { dependsOn: dependsOn('app') }),
  proc('cron'),
];

function actions(
  desired = desiredOf(stack, { shutdown: term }),
  instances = [running('db', 0), running('app', 0), running('nginx', 0), running('cron', 0)],
  now = 0,
) {
  return plan(desired, observedOf(instances), now);
}

describe('plan during shutdown', () => {
  it('stops dependents first and independent processes in parallel', () => {
    const p = actions();
    assert.deepEqual(p.actions.map((a) => `${a.kind} ${'id' in a ? a.id : ''}`).sort(), [
      'stop cron-0',
      'stop nginx-0',
    ]);
    assert.deepEqual(p.blocked.map((b) => b.id).sort(), ['app-0', 'db-0']);
    assert.match(
      p.blocked.find((b) => b.id === 'app-0')!.reason,
      /waiting for dependents to stop: nginx/,
    );
  });

  it('stops a process once its dependents have exited', () => {
    const p = actions(undefined, [
      running('db', 0),
      running('app', 0),
      running('nginx', 0, { phase: 'exited', pid: undefined }),
    ]);
    assert.deepEqual(
      p.actions.map((a) => ('id' in a ? a.id : a.kind)),
      ['app-0'],
    );
    assert.match(p.actions[0]!.reason, /shutdown \(SIGTERM\)/);
  });

  it('does not restart a process that exited during shutdown', () => {
    const crashed = running('cron', 0, {
      phase: 'exited',
      pid: undefined,
      lastExit: { code: 1, signal: null, at: 0, requested: false },
    });
    const p = actions(desiredOf([proc('cron')], { shutdown: term }), [crashed], 10_000);
    assert.deepEqual(
      p.actions.map((a) => a.kind),
      ['exit'],
    );
  });

  it('bounds each stop timeout by the shutdown deadline', () => {
    const desired = desiredOf([proc('cron', { stop: { signal: 'SIGQUIT', timeoutMs: 60_000 } })], {
      shutdown: term,
    });
    const p = actions(desired, [running('cron', 0)], 25_000);
    const stop = p.actions[0];
    assert.equal(stop?.kind, 'stop');
    assert.equal(stop.kind === 'stop' && stop.timeoutMs, 5_000);
    assert.equal(stop.kind === 'stop' && stop.signal, 'SIGQUIT');
  });

  it('kills everything left at the shutdown deadline', () => {
    const p = actions(undefined, undefined, 30_000);
    assert.deepEqual(
      p.actions.map((a) => a.kind),
      ['kill', 'kill', 'kill', 'kill'],
    );
    assert.match(p.actions[0]!.reason, /shutdown timeout/);
  });

  it('kills everything at once when forced by a second signal', () => {
    const p = actions(desiredOf(stack, { shutdown: { ...term, force: true } }));
    assert.equal(p.actions.length, 4);
    assert.ok(p.actions.every((a) => a.kind === 'kill'));
  });

  it('exits with the requested code once nothing lives', () => {
    const p = actions(desiredOf(stack, { shutdown: { ...term, exitCode: 130 } }), []);
    assert.deepEqual(p.actions, [
      { kind: 'exit', code: 130, reason: 'shutdown complete (SIGTERM)' },
    ]);
  });

  it('asks to be woken at the shutdown deadline', () => {
    assert.equal(actions(undefined, undefined, 1_000).requeueAfterMs, 29_000);
  });
});
