// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings is the syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Env } from '../../../src/desired/interpolate.ts';
import { parseDesired } from '../../../src/desired/load.ts';

function valid(yaml: string, env: Env = {}) {
  const result = parseDesired(yaml, 'phpeek-pm.yaml', env);
  if (!result.ok) {
    assert.fail(`expected valid, got:\n${JSON.stringify(result.diagnostics, null, 2)}`);
  }
  return result;
}

describe('parseDesired: normalized output', () => {
  test('a minimal file gets every default', () => {
    const { global, processes } = valid('processes:\n  app:\n    command: [php-fpm, -F]\n');
    assert.deepEqual(global, {
      hooks: { preStart: [], postStart: [], preStop: [], postStop: [] },
      php: {
        workdir: '/var/www/html',
        setup: true,
        framework: 'auto',
        autotune: false,
        user: 'www-data',
      },
      shutdownTimeoutMs: 30_000,
      logFormat: 'text',
      logLevel: 'info',
      restartBackoff: { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 },
      maxLogLineBytes: 16_384,
      api: { listen: '127.0.0.1:9180', socket: '/run/phpeek-pm/api.sock' },
      metrics: { listen: '0.0.0.0:9090', path: '/metrics' },
    });
    const { specHash, ...app } = processes['app'] ?? assert.fail('no app');
    assert.match(specHash, /^[0-9a-f]{12}$/);
    assert.deepEqual(app, {
      name: 'app',
      type: 'longrun',
      command: ['php-fpm', '-F'],
      env: {},
      replicas: 1,
      enabled: true,
      restart: 'always',
      dependsOn: {},
      stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
      backoff: { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 },
      critical: false,
      probes: {},
      rollout: { maxUnavailable: 1, maxSurge: 0 },
      postStart: [],
      preStop: [],
    });
  });

  test('every global setting is read and converted', () => {
    const { global } = valid(`
global:
  shutdown_timeout: 1m30s
  log_format: json
  log_level: debug
  restart_backoff: { initial: 2s, max: 5m, reset_after: 1h }
  max_log_line: 1024
  api: { listen: "[::1]:9999", socket: false, token: "0123456789abcdef" }
  metrics: { listen: false, path: /prom }
  workdir: /srv/app
  setup: false
  framework: symfony
  php_fpm: { autotune: heavy, user: app, group: 1000, worker_memory: 80Mi, reserved_memory: 1G }
processes: {}
`);
    assert.deepEqual(global, {
      hooks: { preStart: [], postStart: [], preStop: [], postStop: [] },
      php: {
        workdir: '/srv/app',
        setup: false,
        framework: 'symfony',
        autotune: 'heavy',
        user: 'app',
        group: '1000',
        workerMemoryBytes: 80 * 2 ** 20,
        reservedMemoryBytes: 1e9,
      },
      shutdownTimeoutMs: 90_000,
      logFormat: 'json',
      logLevel: 'debug',
      restartBackoff: { initialMs: 2000, maxMs: 300_000, resetAfterMs: 3_600_000 },
      maxLogLineBytes: 1024,
      api: { listen: '[::1]:9999', socket: false, token: '0123456789abcdef' },
      metrics: { listen: false, path: '/prom' },
    });
  });

  test('a process backoff overrides the global one field by field', () => {
    const { processes } = valid(`
global:
  restart_backoff: { initial: 2s, max: 30s }
processes:
  app:
    command: x
    restart_backoff: { initial: 500ms }
`);
    assert.deepEqual(processes['app']?.backoff, {
      initialMs: 500,
      maxMs: 30_000,
      resetAfterMs: 60_000,
    });
  });

  const conversions: [string, string, Env, (p: Record<string, unknown>) => unknown, unknown][] = [
    [
      'a string command runs under /bin/sh -c',
      'command: echo hi | cat',
      {},
      (p) => p['command'],
      ['/bin/sh', '-c', 'echo hi | cat'],
    ],
    [
      "a list command is exec'd as is",
      'command: [php, artisan, "queue:work"]',
      {},
      (p) => p['command'],
      ['php', 'artisan', 'queue:work'],
    ],
    [
      'env numbers and booleans become strings',
      'command: x\n    env: { A: prod, B: 3, C: true }',
      {},
      (p) => p['env'],
      { A: 'prod', B: '3', C: 'true' },
    ],
    [
      'an env number keeps its written form',
      'command: x\n    env: { V: 1.10, H: 0x1F }',
      {},
      (p) => p['env'],
      { V: '1.10', H: '0x1F' },
    ],
    [
      'a list of dependencies becomes a map with the default condition',
      'command: x\n    depends_on: [db]',
      {},
      (p) => p['dependsOn'],
      { db: { condition: 'process_started' } },
    ],
    [
      'a map of dependencies keeps its condition',
      'command: x\n    depends_on: { db: { condition: process_started } }',
      {},
      (p) => p['dependsOn'],
      { db: { condition: 'process_started' } },
    ],
    [
      'a dependency with no settings gets the default condition',
      'command: x\n    depends_on:\n      db:',
      {},
      (p) => p['dependsOn'],
      { db: { condition: 'process_started' } },
    ],
    [
      'a short signal name gets the SIG prefix',
      'command: x\n    stop: { signal: QUIT, timeout: 20s }',
      {},
      (p) => p['stop'],
      { signal: 'SIGQUIT', timeoutMs: 20_000 },
    ],
    [
      'a numeric user and group become strings',
      'command: x\n    user: 33\n    group: 0',
      {},
      (p) => [p['user'], p['group']],
      ['33', '0'],
    ],
    ['replicas may be zero', 'command: x\n    replicas: 0', {}, (p) => p['replicas'], 0],
    [
      'an interpolated number is coerced where an integer is expected',
      'command: x\n    replicas: ${WORKERS:-2}',
      {},
      (p) => p['replicas'],
      2,
    ],
    [
      'an interpolated number comes from the environment',
      'command: x\n    replicas: ${WORKERS:-2}',
      { WORKERS: '5' },
      (p) => p['replicas'],
      5,
    ],
    [
      'an interpolated boolean is coerced where a boolean is expected',
      'command: x\n    enabled: ${ON}',
      { ON: 'false' },
      (p) => p['enabled'],
      false,
    ],
    [
      'an interpolated number stays a string where a string is expected',
      'command: x\n    env: { N: "${N}" }',
      { N: '007' },
      (p) => p['env'],
      { N: '007' },
    ],
    [
      'interpolation fills strings inside commands',
      'command: ["php", "${SCRIPT:-artisan}", "$$1"]',
      {},
      (p) => p['command'],
      ['php', 'artisan', '$1'],
    ],
    [
      'an interpolated duration number is read as seconds',
      'command: x\n    stop: { timeout: "${T:-5}" }',
      {},
      (p) => (p['stop'] as { timeoutMs: number }).timeoutMs,
      5000,
    ],
    [
      'a variable cannot inject YAML structure',
      'command: x\n    env: { A: "${EVIL}" }',
      { EVIL: 'x\nB: y' },
      (p) => p['env'],
      { A: 'x\nB: y' },
    ],
  ];
  for (const [name, body, env, pick, expected] of conversions) {
    test(name, () => {
      const { processes } = valid(`processes:\n  app:\n    ${body}\n  db:\n    command: x\n`, env);
      assert.deepEqual(pick(processes['app'] as unknown as Record<string, unknown>), expected);
    });
  }

  test('a missing version means version 1', () => {
    valid('processes: {}\n');
    valid('version: 1\nprocesses: {}\n');
  });

  test('a disabled process may depend on another disabled process', () => {
    valid(`
processes:
  a: { command: x, enabled: false, depends_on: [b] }
  b: { command: x, enabled: false }
`);
  });

  test('processes keep the order of the file', () => {
    const { processes } = valid('processes:\n  zeta: {command: x}\n  alpha: {command: x}\n');
    assert.deepEqual(Object.keys(processes), ['zeta', 'alpha']);
  });
});
