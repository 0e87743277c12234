// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings is the syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Env } from '../../../src/desired/interpolate.ts';
import { parseDesired } from '../../../src/desired/load.ts';
import type { ProcessSpec } from '../../../src/desired/types.ts';

function valid(yaml: string, env: Env = {}) {
  const result = parseDesired(yaml, 'phpeek-pm.yaml', env);
  if (!result.ok) {
    assert.fail(`expected valid, got:\n${JSON.stringify(result.diagnostics, null, 2)}`);
  }
  return result;
}

/** The process `app` of a file whose `app` has these lines (and a oneshot `migrate`). */
function app(lines: string, env: Env = {}): ProcessSpec {
  const yaml = `processes:\n  app:\n    command: x\n${lines.replace(/^/gm, '    ')}\n  migrate:\n    command: x\n    type: oneshot\n`;
  return valid(yaml, env).processes['app'] ?? assert.fail('no app');
}

const SH = (command: string) => ['/bin/sh', '-c', command];

describe('parseDesired: lifecycle settings, normalized', () => {
  const cases: [string, string, (p: ProcessSpec) => unknown, unknown][] = [
    ['a process is long-running by default', '', (p) => [p.type, p.restart], ['longrun', 'always']],
    [
      'a oneshot is restarted never by default',
      'type: oneshot',
      (p) => [p.type, p.restart],
      ['oneshot', 'never'],
    ],
    [
      'a oneshot keeps a restart policy it states',
      'type: oneshot\nrestart: on-failure',
      (p) => p.restart,
      'on-failure',
    ],
    [
      'a scheduled process is a oneshot restarted never',
      'schedule: "0 3 * * *"',
      (p) => [p.type, p.restart],
      ['oneshot', 'never'],
    ],
    [
      'a cron string gets every schedule default',
      'schedule: "*/5 * * * *"',
      (p) => p.schedule,
      { cron: '*/5 * * * *', concurrency: 'forbid', historyLimit: 10 },
    ],
    [
      'a cron string takes its settings from beside it',
      'schedule: "0 3 * * *"\ntimezone: Europe/Berlin\nconcurrency: replace\ntimeout: 10m\nhistory: 5',
      (p) => p.schedule,
      {
        cron: '0 3 * * *',
        timezone: 'Europe/Berlin',
        concurrency: 'replace',
        timeoutMs: 600_000,
        historyLimit: 5,
      },
    ],
    [
      'a schedule mapping gives the same spec as the flat form',
      'schedule:\n  cron: "0 3 * * *"\n  timezone: Europe/Berlin\n  concurrency: replace\n  timeout: 10m\n  history: 5',
      (p) => p.schedule,
      {
        cron: '0 3 * * *',
        timezone: 'Europe/Berlin',
        concurrency: 'replace',
        timeoutMs: 600_000,
        historyLimit: 5,
      },
    ],
    [
      'a schedule mapping with only cron gets every default',
      'schedule: { cron: "@hourly" }',
      (p) => p.schedule,
      { cron: '@hourly', concurrency: 'forbid', historyLimit: 10 },
    ],
    ['no schedule leaves the field out', '', (p) => 'schedule' in p, false],
    ['a process is not critical by default', '', (p) => p.critical, false],
    ['critical: true is critical', 'critical: true', (p) => p.critical, true],
    ['on_failure: exit is critical', 'on_failure: exit', (p) => p.critical, true],
    ['on_failure: restart is not critical', 'on_failure: restart', (p) => p.critical, false],
    [
      'restart limits are absent unless written',
      '',
      (p) => ['maxRestarts' in p, 'restartWindowMs' in p],
      [false, false],
    ],
    [
      'restart limits are read, the window in milliseconds',
      'max_restarts: 5\nrestart_window: 60s',
      (p) => [p.maxRestarts, p.restartWindowMs],
      [5, 60_000],
    ],
    [
      'the rollout defaults to one unavailable and no surge',
      '',
      (p) => p.rollout,
      { maxUnavailable: 1, maxSurge: 0 },
    ],
    [
      'a rollout setting overrides its default only',
      'rollout: { max_surge: 2 }',
      (p) => p.rollout,
      { maxUnavailable: 1, maxSurge: 2 },
    ],
    [
      'a process has no probes and no hooks by default',
      '',
      (p) => [p.probes, p.postStart, p.preStop],
      [{}, [], []],
    ],
    [
      'a hook given as a string runs under a shell with every default',
      'post_start: ["echo started"]',
      (p) => p.postStart,
      [{ command: SH('echo started'), timeoutMs: 30_000, retries: 0, continueOnError: false }],
    ],
    [
      "a hook given as a list of arguments is exec'd as is",
      'pre_stop: [[nginx, -s, quit]]',
      (p) => p.preStop,
      [{ command: ['nginx', '-s', 'quit'], timeoutMs: 30_000, retries: 0, continueOnError: false }],
    ],
    [
      'a hook given as a mapping takes its settings',
      'pre_stop:\n  - { command: [sleep, "2"], timeout: 5s, retries: 2, continue_on_error: true }',
      (p) => p.preStop,
      [{ command: ['sleep', '2'], timeoutMs: 5000, retries: 2, continueOnError: true }],
    ],
    [
      'a single hook string stands for a list of one',
      'pre_stop: "nginx -s quit"',
      (p) => p.preStop.map((h) => h.command),
      [SH('nginx -s quit')],
    ],
    [
      'a single hook mapping stands for a list of one',
      'post_start: { command: x, retries: 1 }',
      (p) => p.postStart.map((h) => h.retries),
      [1],
    ],
    [
      'hooks keep their order',
      'post_start: [a, b, c]',
      (p) => p.postStart.map((h) => h.command[2]),
      ['a', 'b', 'c'],
    ],
    [
      'a dependency may wait for a oneshot to complete',
      'depends_on: { migrate: { condition: process_completed_successfully } }',
      (p) => p.dependsOn,
      { migrate: { condition: 'process_completed_successfully' } },
    ],
  ];
  for (const [name, lines, pick, expected] of cases) {
    test(name, () => assert.deepEqual(pick(app(lines)), expected));
  }

  test('global hooks are read in every form, each with the defaults it does not set', () => {
    const { global } = valid(`
global:
  hooks:
    pre_start:
      - { command: "php artisan config:cache", timeout: 60s, retries: 2, continue_on_error: true }
      - "echo hi"
      - [echo, hi]
    post_start: "echo up"
    pre_stop: []
processes: {}
`);
    const defaults = { timeoutMs: 30_000, retries: 0, continueOnError: false };
    assert.deepEqual(global.hooks, {
      preStart: [
        {
          command: SH('php artisan config:cache'),
          timeoutMs: 60_000,
          retries: 2,
          continueOnError: true,
        },
        { command: SH('echo hi'), ...defaults },
        { command: ['echo', 'hi'], ...defaults },
      ],
      postStart: [{ command: SH('echo up'), ...defaults }],
      preStop: [],
      postStop: [],
    });
  });
});

describe('parseDesired: probes, normalized', () => {
  const timing = {
    initialDelayMs: 0,
    periodMs: 10_000,
    timeoutMs: 1000,
    successThreshold: 1,
    failureThreshold: 3,
  };
  const cases: [string, string, unknown][] = [
    [
      'a tcp probe gets the default host and every default timing',
      'tcp: { port: 9000 }',
      { target: { type: 'tcp', host: '127.0.0.1', port: '9000' }, ...timing },
    ],
    [
      'an http probe built from a port gets the default scheme, host and path',
      'http: { port: 8080 }',
      {
        target: {
          type: 'http',
          url: 'http://127.0.0.1:8080/',
          method: 'GET',
          headers: {},
          expectedStatus: [],
        },
        ...timing,
      },
    ],
    [
      'an http probe is built from scheme, host, port and path',
      'http: { scheme: https, host: example.test, port: 8443, path: /healthz }',
      {
        target: {
          type: 'http',
          url: 'https://example.test:8443/healthz',
          method: 'GET',
          headers: {},
          expectedStatus: [],
        },
        ...timing,
      },
    ],
    [
      'an IPv6 host is put in brackets',
      'http: { host: "::1", port: 80 }',
      {
        target: {
          type: 'http',
          url: 'http://[::1]:80/',
          method: 'GET',
          headers: {},
          expectedStatus: [],
        },
        ...timing,
      },
    ],
    [
      'an http probe takes a URL, method, headers and one expected status',
      'http: { url: "http://localhost/ping", method: HEAD, headers: { Host: app.test }, expected_status: 204 }',
      {
        target: {
          type: 'http',
          url: 'http://localhost/ping',
          method: 'HEAD',
          headers: { Host: 'app.test' },
          expectedStatus: [204],
        },
        ...timing,
      },
    ],
    [
      'expected statuses may be a list',
      'http: { port: 80, expected_status: [200, 301] }',
      {
        target: {
          type: 'http',
          url: 'http://127.0.0.1:80/',
          method: 'GET',
          headers: {},
          expectedStatus: [200, 301],
        },
        ...timing,
      },
    ],
    [
      'an exec probe string runs under a shell',
      'exec: { command: "pgrep php-fpm" }',
      { target: { type: 'exec', command: SH('pgrep php-fpm') }, ...timing },
    ],
    [
      "an exec probe list is exec'd as is",
      'exec: { command: [pgrep, php-fpm] }',
      { target: { type: 'exec', command: ['pgrep', 'php-fpm'] }, ...timing },
    ],
    [
      'timings are read and converted',
      'exec: { command: x }, initial_delay: 10s, period: 2s, timeout: 500ms, success_threshold: 2, failure_threshold: 30',
      {
        target: { type: 'exec', command: SH('x') },
        initialDelayMs: 10_000,
        periodMs: 2000,
        timeoutMs: 500,
        successThreshold: 2,
        failureThreshold: 30,
      },
    ],
    [
      'a sub-millisecond period is at least 1 ms',
      'exec: { command: x }, period: 0.1ms',
      { target: { type: 'exec', command: SH('x') }, ...timing, periodMs: 1 },
    ],
    [
      'per-instance variables are kept for the probe runner',
      'http: { url: "http://${PHPEEK_PM_PROCESS_NAME}:90${PHPEEK_PM_REPLICA}/", headers: { X-Id: "${PHPEEK_PM_INSTANCE_ID}" } }',
      {
        target: {
          type: 'http',
          url: 'http://${PHPEEK_PM_PROCESS_NAME}:90${PHPEEK_PM_REPLICA}/',
          method: 'GET',
          headers: { 'X-Id': '${PHPEEK_PM_INSTANCE_ID}' },
          expectedStatus: [],
        },
        ...timing,
      },
    ],
    [
      'a per-instance port is kept as a string',
      'tcp: { port: "90${PHPEEK_PM_REPLICA}" }',
      { target: { type: 'tcp', host: '127.0.0.1', port: '90${PHPEEK_PM_REPLICA}' }, ...timing },
    ],
  ];
  for (const [name, probe, expected] of cases) {
    test(name, () => {
      const spec = app(`probes:\n  readiness: { ${probe} }`, { PORT: '8080' });
      assert.deepEqual(spec.probes, { readiness: expected });
    });
  }

  test('other variables in a probe target are expanded when the file is read', () => {
    const spec = app('probes:\n  readiness: { tcp: { host: "${DB_HOST}", port: "${PORT}" } }', {
      DB_HOST: 'db',
      PORT: '5432',
    });
    assert.deepEqual(spec.probes.readiness?.target, { type: 'tcp', host: 'db', port: '5432' });
  });

  test('each kind of probe is kept under its kind', () => {
    const spec = app(
      'probes:\n  startup: { tcp: { port: 1 } }\n  readiness: { tcp: { port: 2 } }\n  liveness: { tcp: { port: 3 } }',
    );
    assert.deepEqual(
      Object.entries(spec.probes).map(([kind, p]) => [kind, p.target]),
      [
        ['startup', { type: 'tcp', host: '127.0.0.1', port: '1' }],
        ['readiness', { type: 'tcp', host: '127.0.0.1', port: '2' }],
        ['liveness', { type: 'tcp', host: '127.0.0.1', port: '3' }],
      ],
    );
  });
});
