import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState } from '../../../src/desired/types.ts';
import type { ObservedState } from '../../../src/observed/types.ts';
import type { Action } from '../../../src/reconciler/actions.ts';
import { plan } from '../../../src/reconciler/plan.ts';
import { desiredOf, observedOf, proc, running } from '../../helpers/states.ts';

/** `kind id` of every action, sorted: what the plan does, without the reasons. */
function summary(actions: readonly Action[]): string[] {
  return actions.map((a) => ('id' in a ? `${a.kind} ${a.id}` : a.kind)).sort();
}

interface Case {
  name: string;
  desired: DesiredState;
  observed: ObservedState;
  now?: number;
  actions: string[];
  blocked?: string[];
  reason?: RegExp;
  requeueAfterMs?: number;
}

const web = proc('web');
const worker3 = proc('worker', { replicas: 3 });
const exitedAt = (code: number | null, at: number, extra = {}) => ({
  phase: 'exited' as const,
  pid: undefined,
  lastExit: { code, signal: code === null ? 'SIGKILL' : null, at, requested: false },
  since: at,
  consecutiveFailures: 1,
  ...extra,
});

const cases: Case[] = [
  {
    name: 'everything converged: nothing to do',
    desired: desiredOf([web, worker3]),
    observed: observedOf([
      running('web', 0),
      running('worker', 0),
      running('worker', 1),
      running('worker', 2),
    ]),
    actions: [],
  },
  {
    name: 'nothing runs yet: start every replica',
    desired: desiredOf([web, worker3]),
    observed: observedOf([]),
    actions: ['spawn web-0', 'spawn worker-0', 'spawn worker-1', 'spawn worker-2'],
    reason: /^start$/,
  },
  {
    name: 'scale up 2 -> 5 starts indices 2, 3 and 4',
    desired: desiredOf([proc('worker', { replicas: 5 })]),
    observed: observedOf([running('worker', 0), running('worker', 1)]),
    actions: ['spawn worker-2', 'spawn worker-3', 'spawn worker-4'],
    reason: /scaled up to 5 replicas/,
  },
  {
    name: 'scale down 5 -> 1 stops the four highest indices',
    desired: desiredOf([proc('worker', { replicas: 1 })]),
    observed: observedOf([0, 1, 2, 3, 4].map((i) => running('worker', i))),
    actions: ['stop worker-1', 'stop worker-2', 'stop worker-3', 'stop worker-4'],
    reason: /scaled down to 1 replica$/,
  },
  {
    name: 'replicas 0 with nothing running: nothing to do',
    desired: desiredOf([proc('worker', { replicas: 0 })]),
    observed: observedOf([]),
    actions: [],
  },
  {
    name: 'a disabled process is stopped',
    desired: desiredOf([proc('web', { enabled: false })]),
    observed: observedOf([running('web', 0)]),
    actions: ['stop web-0'],
    reason: /disabled/,
  },
  {
    name: 'a process removed from the file is stopped',
    desired: desiredOf([]),
    observed: observedOf([running('web', 0)]),
    actions: ['stop web-0'],
    reason: /removed/,
  },
  {
    name: 'an exited instance that is no longer desired is forgotten',
    desired: desiredOf([proc('worker', { replicas: 1 })]),
    observed: observedOf([
      running('worker', 0),
      running('worker', 1, { phase: 'exited', pid: undefined }),
    ]),
    actions: ['forget worker-1'],
  },
  {
    name: 'a spec change replaces only that process',
    desired: desiredOf([proc('web', { specHash: 'web-v2' }), worker3]),
    observed: observedOf([
      running('web', 0),
      running('worker', 0),
      running('worker', 1),
      running('worker', 2),
    ]),
    actions: ['stop web-0'],
    reason: /spec changed/,
  },
  {
    name: 'a replaced instance that has exited is started under the new spec at once',
    desired: desiredOf([proc('web', { specHash: 'web-v2' })]),
    observed: observedOf([
      running('web', 0, {
        phase: 'exited',
        pid: undefined,
        lastExit: { code: 0, signal: null, at: 5, requested: true },
      }),
    ]),
    now: 5,
    actions: ['spawn web-0'],
    reason: /spec changed/,
  },
  {
    name: 'a dependency not started yet blocks its dependent, with the reason',
    desired: desiredOf([
      proc('db'),
      proc('app', { dependsOn: { db: { condition: 'process_started' } } }),
    ]),
    observed: observedOf([]),
    actions: ['spawn db-0'],
    blocked: ['app-0: waiting for db: process_started (0/1 started)'],
  },
  {
    name: 'a dependency whose every replica has started lets the dependent start',
    desired: desiredOf([
      proc('db', { replicas: 2 }),
      proc('app', { dependsOn: { db: { condition: 'process_started' } } }),
    ]),
    observed: observedOf([running('db', 0), running('db', 1)]),
    actions: ['spawn app-0'],
  },
  {
    name: 'a dependency with one of two replicas started still blocks',
    desired: desiredOf([
      proc('db', { replicas: 2 }),
      proc('app', { dependsOn: { db: { condition: 'process_started' } } }),
    ]),
    observed: observedOf([
      running('db', 0),
      running('db', 1, { phase: 'starting', pid: undefined, startedAt: undefined }),
    ]),
    actions: [],
    blocked: ['app-0: waiting for db: process_started (1/2 started)'],
  },
  {
    name: 'a dependency that failed to spawn is named in the dependent’s reason',
    desired: desiredOf([
      proc('db'),
      proc('app', { dependsOn: { db: { condition: 'process_started' } } }),
    ]),
    observed: observedOf([
      running('db', 0, {
        phase: 'exited',
        pid: undefined,
        startedAt: undefined,
        lastExit: { code: null, signal: null, at: 0, requested: false, spawnError: 'ENOENT' },
        consecutiveFailures: 1,
      }),
    ]),
    now: 10,
    actions: [],
    blocked: [
      'app-0: waiting for db: process_started (0/1 started; db-0 failed to start: ENOENT)',
      'db-0: backoff: failed to start: ENOENT; restarting in 990 ms',
    ],
    requeueAfterMs: 990,
  },
  {
    name: 'a dependency that crashed later does not stop a running dependent',
    desired: desiredOf([
      proc('db'),
      proc('app', { dependsOn: { db: { condition: 'process_started' } } }),
    ]),
    observed: observedOf([running('db', 0, exitedAt(1, 100)), running('app', 0)]),
    now: 100,
    actions: [],
    blocked: ['db-0: backoff: exited with code 1; restarting in 1000 ms'],
  },
  {
    name: 'a crash within backoff waits, and says until when',
    desired: desiredOf([web]),
    observed: observedOf([running('web', 0, exitedAt(1, 1000))]),
    now: 1500,
    actions: [],
    blocked: ['web-0: backoff: exited with code 1; restarting in 500 ms'],
    requeueAfterMs: 500,
  },
  {
    name: 'a crash whose backoff has passed is restarted',
    desired: desiredOf([web]),
    observed: observedOf([running('web', 0, exitedAt(1, 1000))]),
    now: 2000,
    actions: ['spawn web-0'],
    reason: /restart: exited with code 1 \(restart 1\)/,
  },
  {
    name: 'backoff doubles with each consecutive failure',
    desired: desiredOf([web]),
    observed: observedOf([running('web', 0, exitedAt(1, 1000, { consecutiveFailures: 4 }))]),
    now: 1000,
    actions: [],
    blocked: ['web-0: backoff: exited with code 1; restarting in 8000 ms'],
    requeueAfterMs: 8000,
  },
  {
    name: 'backoff initial 0 restarts at once',
    desired: desiredOf([
      proc('web', { backoff: { initialMs: 0, maxMs: 60_000, resetAfterMs: 60_000 } }),
    ]),
    observed: observedOf([running('web', 0, exitedAt(null, 1000, { consecutiveFailures: 9 }))]),
    now: 1000,
    actions: ['spawn web-0'],
    reason: /killed by SIGKILL/,
  },
  {
    name: 'restart never leaves an exited instance alone',
    desired: desiredOf([proc('web', { restart: 'never' })]),
    observed: observedOf([running('web', 0, exitedAt(1, 0))]),
    now: 100_000,
    actions: [],
  },
  {
    name: 'restart on-failure leaves a clean exit alone',
    desired: desiredOf([proc('web', { restart: 'on-failure' })]),
    observed: observedOf([running('web', 0, exitedAt(0, 0))]),
    now: 100_000,
    actions: [],
  },
  {
    name: 'restart on-failure restarts a failed exit',
    desired: desiredOf([proc('web', { restart: 'on-failure' })]),
    observed: observedOf([running('web', 0, exitedAt(3, 0))]),
    now: 100_000,
    actions: ['spawn web-0'],
  },
  {
    name: 'an in-flight spawn is never doubled',
    desired: desiredOf([web]),
    observed: observedOf([
      running('web', 0, { phase: 'starting', pid: undefined, startedAt: undefined }),
    ]),
    actions: [],
  },
  {
    name: 'a stopping instance past its kill deadline is killed',
    desired: desiredOf([proc('worker', { replicas: 0 })]),
    observed: observedOf([
      running('worker', 0, {
        phase: 'stopping',
        killAt: 500,
        killSent: false,
        stopReason: 'scaled down',
      }),
    ]),
    now: 500,
    actions: ['kill worker-0'],
  },
  {
    name: 'a stopping instance before its kill deadline waits until it',
    desired: desiredOf([proc('worker', { replicas: 0 })]),
    observed: observedOf([
      running('worker', 0, { phase: 'stopping', killAt: 500, killSent: false }),
    ]),
    now: 200,
    actions: [],
    requeueAfterMs: 300,
  },
  {
    name: 'a killed instance is not killed twice',
    desired: desiredOf([proc('worker', { replicas: 0 })]),
    observed: observedOf([
      running('worker', 0, { phase: 'stopping', killAt: 500, killSent: true }),
    ]),
    now: 900,
    actions: [],
  },
];

describe('plan', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = plan(c.desired, c.observed, c.now ?? 0);
      assert.deepEqual(summary(result.actions), c.actions);
      if (c.blocked) {
        assert.deepEqual(
          result.blocked.map((b) => `${b.id}: ${b.reason}`).sort(),
          [...c.blocked].sort(),
        );
      }
      if (c.reason) {
        for (const action of result.actions) assert.match(action.reason, c.reason);
      }
      if (c.requeueAfterMs !== undefined) assert.equal(result.requeueAfterMs, c.requeueAfterMs);
    });
  }

  it('gives the same plan for the same input', () => {
    for (const c of cases) {
      assert.deepEqual(
        plan(c.desired, c.observed, c.now ?? 0),
        plan(c.desired, c.observed, c.now ?? 0),
      );
    }
  });

  it('gives every action a non-empty reason', () => {
    for (const c of cases) {
      for (const action of plan(c.desired, c.observed, c.now ?? 0).actions)
        assert.ok(action.reason.length > 0);
    }
  });
});
