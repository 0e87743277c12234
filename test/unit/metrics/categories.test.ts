import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredState, ProbeSpec } from '../../../src/desired/types.ts';
import {
  ACTION_REASONS,
  type ActionReason,
  actionReason,
  exitCodeValue,
} from '../../../src/metrics/categories.ts';
import type { ExitRecord, ObservedState } from '../../../src/observed/types.ts';
import type { Action } from '../../../src/reconciler/actions.ts';
import { plan } from '../../../src/reconciler/plan.ts';
import { desiredOf, observedOf, proc, running } from '../../helpers/states.ts';

/** The mapping as docs/metrics.md shows it: kind, a reason text the planner writes, category. */
const table: [Action['kind'], string, ActionReason][] = [
  ['spawn', 'start', 'start'],
  ['spawn', 'start again after stop (scaled down to 1 replica)', 'start'],
  ['spawn', 'scaled up to 4 replicas', 'scale_up'],
  ['spawn', 'spec changed: replaced', 'spec_change'],
  ['spawn', 'restart: exited with code 1 (restart 3)', 'restart'],
  ['spawn', 'restart: liveness probe failed: timeout after 1000 ms (restart 1)', 'restart'],
  ['spawn', 'scheduled run due at 2024-01-01T00:00:00.000Z', 'scheduled'],
  ['spawn', 'retry of the scheduled run: exited with code 2 (restart 1)', 'retry'],
  ['stop', 'scaled down to 1 replica', 'scale_down'],
  ['stop', 'disabled', 'disabled'],
  ['stop', 'removed from the configuration', 'removed'],
  ['stop', 'spec changed: rolling replacement', 'spec_change'],
  ['stop', 'replaced by the new web-0 (rolling replacement)', 'spec_change'],
  ['stop', 'replaced by the run due at 2024-01-01T00:00:00.000Z', 'concurrency'],
  ['stop', 'startup probe failed: connection refused', 'startup_probe'],
  ['stop', 'liveness probe failed: HTTP 500', 'liveness_probe'],
  ['stop', 'timeout: still running after 60000 ms', 'timeout'],
  ['stop', 'shutdown (SIGTERM)', 'shutdown'],
  ['kill', 'stop timeout passed (shutdown (SIGTERM))', 'stop_timeout'],
  ['kill', 'shutdown timeout passed', 'shutdown_timeout'],
  ['kill', 'forced shutdown', 'shutdown_forced'],
  ['retire', 'spec changed: rolling replacement, the new instance starts beside it', 'spec_change'],
  ['forget', 'no longer desired', 'not_desired'],
  ['forget', 'replaced', 'spec_change'],
  ['forget', 'scheduled run finished', 'finished'],
  ['skip-run', 'run due at 2024-01-01T00:00:00.000Z skipped: job-0 still running', 'concurrency'],
  ['shutdown', 'critical process db-0 failed: exited with code 1; restart: never', 'critical'],
  ['exit', 'shutdown complete (SIGTERM)', 'shutdown'],
  ['stop', 'a reason nobody wrote yet', 'other'],
];

function actionOf(kind: Action['kind'], reason: string): Action {
  const base = { id: 'w-0', process: 'w', reason };
  switch (kind) {
    case 'spawn':
      return { kind, ...base, index: 0, specHash: 'h' };
    case 'stop':
      return { kind, ...base, pid: 1, signal: 'SIGTERM', timeoutMs: 1, cause: 'requested' };
    case 'kill':
      return { kind, ...base, pid: 1 };
    case 'retire':
    case 'forget':
      return { kind, ...base };
    case 'skip-run':
      return { kind, process: 'w', scheduledFor: 0, reason };
    case 'shutdown':
      return { kind, process: 'w', code: 1, reason };
    case 'exit':
      return { kind, code: 0, reason };
  }
}

describe('actions_total reason categories', () => {
  for (const [kind, reason, category] of table) {
    it(`${kind} "${reason}" -> ${category}`, () => {
      assert.equal(actionReason(actionOf(kind, reason)), category);
    });
  }

  it('the table covers every category', () => {
    assert.deepEqual(new Set(table.map(([, , c]) => c)), new Set(ACTION_REASONS));
  });
});

const probe: ProbeSpec = {
  target: { type: 'tcp', host: '127.0.0.1', port: '80' },
  initialDelayMs: 0,
  periodMs: 1000,
  timeoutMs: 1000,
  successThreshold: 1,
  failureThreshold: 1,
};
const failed = {
  state: 'failure' as const,
  successes: 0,
  failures: 1,
  lastMessage: 'refused',
  lastAt: 0,
  lastDurationMs: 1,
};
const exited = (exit: Partial<ExitRecord> = {}) => ({
  phase: 'exited' as const,
  pid: undefined,
  lastExit: { code: 1, signal: null, at: 0, requested: false, ...exit },
});
const NOW = 10_000_000;
const everySecond = { cron: '* * * * * *', concurrency: 'forbid' as const, historyLimit: 5 };
const job = (concurrency: 'forbid' | 'replace' = 'forbid', timeoutMs?: number) =>
  proc('job', {
    type: 'oneshot',
    restart: 'on-failure',
    schedule: { ...everySecond, concurrency, ...(timeoutMs ? { timeoutMs } : {}) },
  });
const shutdown = (force = false, requestedAt = NOW) => ({
  shutdown: { requestedAt, cause: 'SIGTERM', force, exitCode: 0 },
});

/** States that make the real planner write every kind of reason it has. */
const scenarios: [string, DesiredState, ObservedState][] = [
  ['first start', desiredOf([proc('w')]), observedOf([])],
  ['scale up', desiredOf([proc('w', { replicas: 2 })]), observedOf([running('w', 0)])],
  ['scale down', desiredOf([proc('w')]), observedOf([running('w', 0), running('w', 1)])],
  ['disabled', desiredOf([proc('w', { enabled: false })]), observedOf([running('w', 0)])],
  ['removed', desiredOf([]), observedOf([running('w', 0)])],
  ['spec change', desiredOf([proc('w', { specHash: 'w-v2' })]), observedOf([running('w', 0)])],
  [
    'spec change, old one gone',
    desiredOf([proc('w', { specHash: 'w-v2' })]),
    observedOf([running('w', 0, exited())]),
  ],
  [
    'spec change with surge',
    desiredOf([proc('w', { specHash: 'w-v2', rollout: { maxUnavailable: 1, maxSurge: 1 } })]),
    observedOf([running('w', 0)]),
  ],
  [
    'replacement ready',
    desiredOf([proc('w', { specHash: 'w-v2' })]),
    observedOf([
      running('w', 0, { specHash: 'w-v2' }),
      running('w', 0, { id: 'w-0@w-v1', retiredFrom: 'w-0' }),
    ]),
  ],
  [
    'retired one exited',
    desiredOf([proc('w', { specHash: 'w-v2' })]),
    observedOf([
      running('w', 0, { specHash: 'w-v2' }),
      running('w', 0, { id: 'w-0@w-v1', retiredFrom: 'w-0', ...exited() }),
    ]),
  ],
  ['crashed', desiredOf([proc('w')]), observedOf([running('w', 0, exited())])],
  [
    'stopped on request',
    desiredOf([proc('w')]),
    observedOf([running('w', 0, exited({ requested: true }))]),
  ],
  [
    'liveness failed',
    desiredOf([proc('w', { probes: { liveness: probe } })]),
    observedOf([running('w', 0, { probes: { liveness: failed } })]),
  ],
  [
    'startup failed',
    desiredOf([proc('w', { probes: { startup: probe } })]),
    observedOf([running('w', 0, { probes: { startup: failed } })]),
  ],
  ['not desired any more', desiredOf([proc('w')]), observedOf([running('w', 1, exited())])],
  [
    'stop timeout',
    desiredOf([proc('w', { enabled: false })]),
    observedOf([running('w', 0, { phase: 'stopping', killAt: 0, stopReason: 'disabled' })]),
  ],
  ['shutdown', desiredOf([proc('w')], shutdown()), observedOf([running('w', 0)])],
  ['forced shutdown', desiredOf([proc('w')], shutdown(true)), observedOf([running('w', 0)])],
  ['shutdown timeout', desiredOf([proc('w')], shutdown(false, 0)), observedOf([running('w', 0)])],
  ['shutdown complete', desiredOf([proc('w')], shutdown()), observedOf([])],
  [
    'critical failure',
    desiredOf([proc('w', { critical: true, restart: 'never' })]),
    observedOf([running('w', 0, exited())]),
  ],
  ['scheduled run', desiredOf([job()]), observedOf([])],
  [
    'scheduled run still going',
    desiredOf([job()]),
    observedOf([running('job', 0, { specHash: 'job-v1', startedAt: NOW })]),
  ],
  [
    'scheduled run replaced',
    desiredOf([job('replace')]),
    observedOf([running('job', 0, { startedAt: NOW })]),
  ],
  [
    'scheduled run overran',
    desiredOf([job('forbid', 1000)]),
    observedOf([running('job', 0, { startedAt: 0 })]),
  ],
  [
    'scheduled run failed',
    desiredOf([job()]),
    observedOf([running('job', 0, { scheduledFor: 0, ...exited() })]),
  ],
  [
    'scheduled run finished',
    desiredOf([job()]),
    observedOf([running('job', 0, { scheduledFor: 0, ...exited({ code: 0 }) })]),
  ],
];

describe('the planner writes no reason the categories do not know', () => {
  const seen = new Set<ActionReason>();
  for (const [name, desired, observed] of scenarios) {
    it(name, () => {
      const actions = plan(desired, observed, NOW).actions;
      assert.ok(actions.length > 0, 'the scenario yields actions');
      for (const action of actions) {
        const category = actionReason(action);
        seen.add(category);
        assert.notEqual(category, 'other', `${action.kind}: ${action.reason}`);
      }
    });
  }

  it('and together the scenarios reach every category but `other`', () => {
    const expected = ACTION_REASONS.filter((c) => c !== 'other');
    assert.deepEqual(
      expected.filter((c) => !seen.has(c)),
      [],
    );
  });
});

describe('instance_last_exit_code values', () => {
  const cases: [string, Partial<ExitRecord>, number][] = [
    ['exit code as is', { code: 3 }, 3],
    ['exit 0', { code: 0 }, 0],
    ['SIGKILL: 128 + 9', { code: null, signal: 'SIGKILL' }, 137],
    ['SIGTERM: 128 + 15', { code: null, signal: 'SIGTERM' }, 143],
    ['command not found', { code: null, spawnError: 'command not found: x' }, 127],
    ['not permitted', { code: null, spawnError: 'permission denied: /x' }, 126],
  ];
  for (const [name, exit, value] of cases) {
    it(name, () => {
      assert.equal(
        exitCodeValue({ code: null, signal: null, at: 0, requested: false, ...exit }),
        value,
      );
    });
  }
});
