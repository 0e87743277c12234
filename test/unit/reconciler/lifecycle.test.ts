import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState, ProbeSpec, ScheduleSpec } from '../../../src/desired/types.ts';
import type { ObservedState, ProbeStatus } from '../../../src/observed/types.ts';
import type { Action } from '../../../src/reconciler/actions.ts';
import { plan } from '../../../src/reconciler/plan.ts';
import { desiredOf, observedOf, proc, running } from '../../helpers/states.ts';

const probe: ProbeSpec = {
  target: { type: 'tcp', host: '127.0.0.1', port: '9000' },
  initialDelayMs: 0,
  periodMs: 1000,
  timeoutMs: 1000,
  successThreshold: 1,
  failureThreshold: 3,
};
const status = (
  state: ProbeStatus['state'],
  lastMessage = 'connect ECONNREFUSED',
): ProbeStatus => ({
  state,
  successes: state === 'success' ? 1 : 0,
  failures: state === 'failure' ? 3 : 0,
  lastMessage,
  lastAt: 0,
  lastDurationMs: 1,
});
const exited = (code: number | null, at: number, extra = {}) => ({
  phase: 'exited' as const,
  pid: undefined,
  lastExit: { code, signal: code === null ? 'SIGSEGV' : null, at, requested: false },
  since: at,
  consecutiveFailures: 1,
  failureTimes: [at],
  ...extra,
});
const summary = (actions: readonly Action[]) =>
  actions.map((a) => `${a.kind} ${'id' in a ? a.id : 'process' in a ? a.process : ''}`).sort();

interface Case {
  name: string;
  desired: DesiredState;
  observed: ObservedState;
  now?: number;
  actions: string[];
  reason?: RegExp;
  blocked?: RegExp;
  check?: (actions: readonly Action[]) => void;
}

const healthy = { db: { condition: 'process_healthy' as const } };
const completed = { migrate: { condition: 'process_completed_successfully' as const } };
const migrate = proc('migrate', { type: 'oneshot', restart: 'never' });
const every5s: ScheduleSpec = { cron: '*/5 * * * * *', concurrency: 'forbid', historyLimit: 10 };
const cronjob = (over: Partial<ScheduleSpec> = {}) =>
  proc('cron', { type: 'oneshot', restart: 'never', schedule: { ...every5s, ...over } });
// 12:00:00 UTC on a day; the 5-second schedule fires at :00, :05, ...
const T = Date.UTC(2026, 10, 29, 12, 0, 0);

const cases: Case[] = [
  {
    name: 'a liveness probe past its failure threshold gets the instance restarted',
    desired: desiredOf([proc('web', { probes: { liveness: probe } })]),
    observed: observedOf([running('web', 0, { probes: { liveness: status('failure') } })]),
    actions: ['stop web-0'],
    reason: /liveness probe failed: connect ECONNREFUSED/,
    check: (a) => assert.equal(a[0]?.kind === 'stop' && a[0].cause, 'failure'),
  },
  {
    name: 'a liveness failure is ignored while the startup probe has not passed',
    desired: desiredOf([proc('web', { probes: { liveness: probe, startup: probe } })]),
    observed: observedOf([running('web', 0, { probes: { liveness: status('failure') } })]),
    actions: [],
  },
  {
    name: 'a startup probe that gives up gets the instance restarted',
    desired: desiredOf([proc('web', { probes: { startup: probe } })]),
    observed: observedOf([
      running('web', 0, { probes: { startup: status('failure', 'HTTP 503') } }),
    ]),
    actions: ['stop web-0'],
    reason: /startup probe failed: HTTP 503/,
  },
  {
    name: 'a readiness failure marks the instance unready but never restarts it',
    desired: desiredOf([proc('web', { probes: { readiness: probe } })]),
    observed: observedOf([running('web', 0, { probes: { readiness: status('failure') } })]),
    actions: [],
  },
  {
    name: 'process_healthy waits while the dependency is running but not ready',
    desired: desiredOf([
      proc('db', { probes: { readiness: probe } }),
      proc('app', { dependsOn: healthy }),
    ]),
    observed: observedOf([running('db', 0, { probes: { readiness: status('unknown') } })]),
    actions: [],
    blocked: /app-0: waiting for db: process_healthy \(0\/1 ready\)/,
  },
  {
    name: 'process_healthy is met once every replica of the dependency is ready',
    desired: desiredOf([
      proc('db', { replicas: 2, probes: { readiness: probe } }),
      proc('app', { dependsOn: healthy }),
    ]),
    observed: observedOf([
      running('db', 0, { probes: { readiness: status('success') } }),
      running('db', 1, { probes: { readiness: status('success') } }),
    ]),
    actions: ['spawn app-0'],
  },
  {
    name: 'process_healthy counts a running dependency without a readiness probe as ready',
    desired: desiredOf([proc('db'), proc('app', { dependsOn: healthy })]),
    observed: observedOf([running('db', 0)]),
    actions: ['spawn app-0'],
  },
  {
    name: 'process_healthy needs the startup probe to have passed too',
    desired: desiredOf([
      proc('db', { probes: { startup: probe } }),
      proc('app', { dependsOn: healthy }),
    ]),
    observed: observedOf([running('db', 0)]),
    actions: [],
    blocked: /app-0: waiting for db: process_healthy/,
  },
  {
    name: 'a oneshot still running holds back what waits for its completion',
    desired: desiredOf([migrate, proc('app', { dependsOn: completed })]),
    observed: observedOf([running('migrate', 0)]),
    actions: [],
    blocked: /app-0: waiting for migrate: process_completed_successfully \(0\/1 completed\)/,
  },
  {
    name: 'a oneshot that exited 0 is complete: it is not restarted and its dependents start',
    desired: desiredOf([migrate, proc('app', { dependsOn: completed })]),
    observed: observedOf([running('migrate', 0, exited(0, 10))]),
    now: 100_000,
    actions: ['spawn app-0'],
  },
  {
    name: 'a oneshot that failed for good blocks its dependents with the reason',
    desired: desiredOf([migrate, proc('app', { dependsOn: completed })]),
    observed: observedOf([running('migrate', 0, exited(3, 10))]),
    now: 100_000,
    actions: [],
    blocked:
      /app-0: blocked: migrate will not become completed: migrate-0 exited with code 3; restart: never/,
  },
  {
    name: 'a failing oneshot with restart on-failure is retried after its backoff',
    desired: desiredOf([proc('migrate', { type: 'oneshot', restart: 'on-failure' })]),
    observed: observedOf([running('migrate', 0, exited(1, 0))]),
    now: 1_000,
    actions: ['spawn migrate-0'],
    reason: /restart: exited with code 1/,
  },
  {
    name: 'past max_restarts an instance is failed and not restarted',
    desired: desiredOf([proc('web', { maxRestarts: 2 })]),
    observed: observedOf([
      running(
        'web',
        0,
        exited(1, 5_000, { failureTimes: [1_000, 3_000, 5_000], consecutiveFailures: 3 }),
      ),
    ]),
    now: 100_000,
    actions: [],
    blocked: /web-0: failed: exited with code 1; restarted 2 times \(max_restarts\), giving up/,
  },
  {
    name: 'failures outside restart_window do not count towards max_restarts',
    desired: desiredOf([proc('web', { maxRestarts: 2, restartWindowMs: 10_000 })]),
    observed: observedOf([
      running(
        'web',
        0,
        exited(1, 50_000, { failureTimes: [1_000, 3_000, 50_000], consecutiveFailures: 1 }),
      ),
    ]),
    now: 100_000,
    actions: ['spawn web-0'],
  },
  {
    name: 'a critical process that failed for good shuts the manager down with its code',
    desired: desiredOf([proc('web', { critical: true, maxRestarts: 0 })]),
    observed: observedOf([running('web', 0, exited(42, 10))]),
    actions: ['shutdown web'],
    check: (a) => {
      assert.equal(a[0]?.kind === 'shutdown' && a[0].code, 42);
      assert.match(a[0]!.reason, /critical process web-0 failed/);
    },
  },
  {
    name: 'a critical process killed by a signal gives 128+n',
    desired: desiredOf([proc('web', { critical: true, restart: 'never' })]),
    observed: observedOf([running('web', 0, exited(null, 10))]),
    actions: ['shutdown web'],
    check: (a) => assert.equal(a[0]?.kind === 'shutdown' && a[0].code, 139),
  },
  {
    name: 'a critical process that can still restart does not shut anything down',
    desired: desiredOf([proc('web', { critical: true })]),
    observed: observedOf([running('web', 0, exited(1, 10))]),
    now: 20,
    actions: [],
  },
  {
    name: 'a spec change of 4 ready replicas replaces one at a time',
    desired: desiredOf([proc('w', { replicas: 4, specHash: 'w-v2' })]),
    observed: observedOf([0, 1, 2, 3].map((i) => running('w', i))),
    actions: ['stop w-0'],
    reason: /rolling replacement/,
    blocked: /w-1: rolling replacement: waiting \(1\/4 unavailable, max_unavailable 1\)/,
  },
  {
    name: 'while a replaced instance is stopping, no other is stopped',
    desired: desiredOf([proc('w', { replicas: 4, specHash: 'w-v2' })]),
    observed: observedOf([
      running('w', 0, { phase: 'stopping', killAt: 10_000 }),
      ...[1, 2, 3].map((i) => running('w', i)),
    ]),
    actions: [],
  },
  {
    name: 'a new instance that is not ready yet holds the rollout',
    desired: desiredOf([
      proc('w', { replicas: 4, specHash: 'w-v2', probes: { readiness: probe } }),
    ]),
    observed: observedOf([
      running('w', 0, { specHash: 'w-v2', probes: { readiness: status('unknown') } }),
      ...[1, 2, 3].map((i) => running('w', i, { probes: { readiness: status('success') } })),
    ]),
    actions: [],
  },
  {
    name: 'once the new instance is ready the next old one is replaced',
    desired: desiredOf([
      proc('w', { replicas: 4, specHash: 'w-v2', probes: { readiness: probe } }),
    ]),
    observed: observedOf([
      running('w', 0, { specHash: 'w-v2', probes: { readiness: status('success') } }),
      ...[1, 2, 3].map((i) => running('w', i, { probes: { readiness: status('success') } })),
    ]),
    actions: ['stop w-1'],
  },
  {
    name: 'max_unavailable 2 replaces two at a time',
    desired: desiredOf([
      proc('w', { replicas: 4, specHash: 'w-v2', rollout: { maxUnavailable: 2, maxSurge: 0 } }),
    ]),
    observed: observedOf([0, 1, 2, 3].map((i) => running('w', i))),
    actions: ['stop w-0', 'stop w-1'],
  },
  {
    name: 'an old instance that is unavailable anyway is replaced without waiting',
    desired: desiredOf([
      proc('w', { replicas: 2, specHash: 'w-v2', probes: { readiness: probe } }),
    ]),
    observed: observedOf([
      running('w', 0, { probes: { readiness: status('failure') } }),
      running('w', 1, { probes: { readiness: status('failure') } }),
    ]),
    actions: ['stop w-0', 'stop w-1'],
  },
  {
    name: 'with max_surge 1 and max_unavailable 0 an old instance is retired, not stopped',
    desired: desiredOf([
      proc('w', { replicas: 2, specHash: 'w-v2', rollout: { maxUnavailable: 0, maxSurge: 1 } }),
    ]),
    observed: observedOf([running('w', 0), running('w', 1)]),
    actions: ['retire w-0'],
    blocked: /w-1: rolling replacement: waiting/,
  },
  {
    name: 'the slot of a retired instance gets its replacement while the old one keeps serving',
    desired: desiredOf([
      proc('w', { replicas: 2, specHash: 'w-v2', rollout: { maxUnavailable: 0, maxSurge: 1 } }),
    ]),
    observed: observedOf([
      running('w', 0, { id: 'w-0@w-v1', retiredFrom: 'w-0' }),
      running('w', 1),
    ]),
    actions: ['spawn w-0'],
    reason: /spec changed: replaced/,
    blocked: /w-0@w-v1: rolling replacement: serving until the new w-0 is ready/,
  },
  {
    name: 'a retired instance is stopped once its replacement is ready',
    desired: desiredOf([
      proc('w', { replicas: 2, specHash: 'w-v2', rollout: { maxUnavailable: 0, maxSurge: 1 } }),
    ]),
    observed: observedOf([
      running('w', 0, { id: 'w-0@w-v1', retiredFrom: 'w-0', pid: 500 }),
      running('w', 0, { specHash: 'w-v2' }),
      running('w', 1),
    ]),
    actions: ['stop w-0@w-v1'],
    reason: /replaced by the new w-0/,
    blocked: /w-1: rolling replacement: waiting/,
  },
  {
    name: 'a retired instance that has exited is forgotten and the next one can surge',
    desired: desiredOf([
      proc('w', { replicas: 2, specHash: 'w-v2', rollout: { maxUnavailable: 0, maxSurge: 1 } }),
    ]),
    observed: observedOf([
      running('w', 0, { id: 'w-0@w-v1', retiredFrom: 'w-0', phase: 'exited', pid: undefined }),
      running('w', 0, { specHash: 'w-v2' }),
      running('w', 1),
    ]),
    actions: ['forget w-0@w-v1', 'retire w-1'],
  },
  {
    name: 'a scheduled process that is not due asks to be woken at its next fire',
    desired: desiredOf([cronjob()]),
    observed: { since: T, instances: {}, processes: {} },
    now: T + 1_000,
    actions: [],
    check: () => {
      const p = plan(desiredOf([cronjob()]), { since: T, instances: {}, processes: {} }, T + 1_000);
      assert.equal(p.requeueAfterMs, 4_000);
    },
  },
  {
    name: 'a due scheduled run is started with the fire time it belongs to',
    desired: desiredOf([cronjob()]),
    observed: { since: T, instances: {}, processes: {} },
    now: T + 5_000,
    actions: ['spawn cron-0'],
    check: (a) => assert.equal(a[0]?.kind === 'spawn' && a[0].scheduledFor, T + 5_000),
  },
  {
    name: 'fires missed while busy collapse into one run',
    desired: desiredOf([cronjob()]),
    observed: { since: T, instances: {}, processes: {} },
    now: T + 61_000,
    actions: ['spawn cron-0'],
    check: (a) => assert.equal(a[0]?.kind === 'spawn' && a[0].scheduledFor, T + 60_000),
  },
  {
    name: 'a fire while the previous run still goes is skipped (concurrency forbid)',
    desired: desiredOf([cronjob()]),
    observed: {
      since: T,
      instances: observedOf([running('cron', 0, { startedAt: T + 5_000 })]).instances,
      processes: { cron: { lastFireAt: T + 5_000, history: [] } },
    },
    now: T + 10_000,
    actions: ['skip-run cron'],
    reason: /skipped: cron-0 still running \(concurrency: forbid\)/,
  },
  {
    name: 'a fire while the previous run still goes starts another (concurrency allow)',
    desired: desiredOf([cronjob({ concurrency: 'allow' })]),
    observed: {
      since: T,
      instances: observedOf([running('cron', 0, { startedAt: T + 5_000 })]).instances,
      processes: { cron: { lastFireAt: T + 5_000, history: [] } },
    },
    now: T + 10_000,
    actions: ['spawn cron-1'],
  },
  {
    name: 'a fire while the previous run still goes replaces it (concurrency replace)',
    desired: desiredOf([cronjob({ concurrency: 'replace' })]),
    observed: {
      since: T,
      instances: observedOf([running('cron', 0, { startedAt: T + 5_000 })]).instances,
      processes: { cron: { lastFireAt: T + 5_000, history: [] } },
    },
    now: T + 10_000,
    actions: ['spawn cron-1', 'stop cron-0'],
  },
  {
    name: 'a run past its timeout is stopped as a timeout',
    desired: desiredOf([cronjob({ timeoutMs: 2_000 })]),
    observed: {
      since: T,
      instances: observedOf([running('cron', 0, { startedAt: T + 5_000 })]).instances,
      processes: { cron: { lastFireAt: T + 5_000, history: [] } },
    },
    now: T + 7_000,
    actions: ['stop cron-0'],
    check: (a) => assert.equal(a[0]?.kind === 'stop' && a[0].cause, 'timeout'),
  },
  {
    name: 'a finished run is forgotten (its outcome is in the history)',
    desired: desiredOf([cronjob()]),
    observed: {
      since: T,
      instances: observedOf([running('cron', 0, exited(0, T + 6_000))]).instances,
      processes: { cron: { lastFireAt: T + 5_000, history: [] } },
    },
    now: T + 7_000,
    actions: ['forget cron-0'],
  },
];

describe('plan: lifecycle', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = plan(c.desired, c.observed, c.now ?? 0);
      assert.deepEqual(summary(result.actions), c.actions);
      if (c.reason) assert.match(result.actions[0]?.reason ?? '', c.reason);
      if (c.blocked) {
        const blocked = result.blocked.map((b) => `${b.id}: ${b.reason}`);
        assert.ok(
          blocked.some((b) => c.blocked!.test(b)),
          `blocked: ${JSON.stringify(blocked)}`,
        );
      }
      c.check?.(result.actions);
    });
  }

  it('gives the same plan for the same input', () => {
    for (const c of cases)
      assert.deepEqual(
        plan(c.desired, c.observed, c.now ?? 0),
        plan(c.desired, c.observed, c.now ?? 0),
      );
  });
});
