// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings is the syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../../src/desired/diagnostics.ts';
import type { Env } from '../../../src/desired/interpolate.ts';
import { parseDesired } from '../../../src/desired/load.ts';

function invalid(yaml: string, env: Env = {}): readonly Diagnostic[] {
  const result = parseDesired(yaml, 'phpeek-pm.yaml', env);
  if (result.ok) assert.fail('expected diagnostics, got a valid result');
  return result.diagnostics;
}

interface Expected {
  readonly code: string;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: RegExp;
}

describe('parseDesired: diagnostics', () => {
  const cases: [string, string, Env, Expected][] = [
    [
      'a YAML syntax error gives its line and column',
      'processes:\n  app:\n   command: x\n  replicas: 2\n bad\n',
      {},
      { code: 'CONFIG_YAML', path: '', line: 5, column: 1, message: /^YAML syntax error: / },
    ],
    [
      'a duplicate key is a YAML error at the second key',
      'processes:\n  app: {command: x}\n  app: {command: y}\n',
      {},
      { code: 'CONFIG_YAML', path: '', line: 3, column: 3, message: /unique/ },
    ],
    [
      'an unknown key close to a known one suggests it',
      'processes:\n  app:\n    command: x\n    replica: 3\n',
      {},
      {
        code: 'CONFIG_UNKNOWN_KEY',
        path: 'processes.app.replica',
        line: 4,
        column: 5,
        message: /^unknown key `replica`; did you mean `replicas`\?$/,
      },
    ],
    [
      'an unknown key in another spelling suggests ours',
      'processes:\n  app:\n    command: x\n    workingDir: /app\n',
      {},
      {
        code: 'CONFIG_UNKNOWN_KEY',
        path: 'processes.app.workingDir',
        line: 4,
        column: 5,
        message: /did you mean `working_dir`\?/,
      },
    ],
    [
      'an unknown key far from every known one lists the known keys',
      'processes: {}\nfoo: 1\n',
      {},
      {
        code: 'CONFIG_UNKNOWN_KEY',
        path: 'foo',
        line: 2,
        column: 1,
        message: /\(expected one of: version, global, processes\)/,
      },
    ],
    [
      'a wrong type gives path, line, expected and found',
      'processes:\n  worker:\n    command: x\n    replicas: three\n',
      {},
      {
        code: 'CONFIG_SCHEMA',
        path: 'processes.worker.replicas',
        line: 4,
        column: 5,
        message: /^expected an integer >= 0, found "three"$/,
      },
    ],
    [
      'a quoted number is not coerced when written literally',
      'processes:\n  app:\n    command: x\n    replicas: "2"\n',
      {},
      { code: 'CONFIG_SCHEMA', path: 'processes.app.replicas', line: 4, message: /found "2"$/ },
    ],
    [
      'an interpolated value that is not a number says where it came from',
      'processes:\n  app:\n    command: x\n    replicas: ${WORKERS}\n',
      { WORKERS: 'many' },
      {
        code: 'CONFIG_SCHEMA',
        path: 'processes.app.replicas',
        line: 4,
        message: /found "many" \(from "\$\{WORKERS\}"\)$/,
      },
    ],
    [
      'an unset variable names the variable and the path',
      'processes:\n  app:\n    command: x\n    env: { DSN: "${DATABASE_URL}" }\n',
      {},
      {
        code: 'CONFIG_INTERPOLATION',
        path: 'processes.app.env.DSN',
        line: 4,
        message: /variable DATABASE_URL is not set/,
      },
    ],
    [
      'a required variable gives its message',
      'processes:\n  app:\n    command: x\n    user: ${APP_USER:?set APP_USER}\n',
      {},
      {
        code: 'CONFIG_INTERPOLATION',
        path: 'processes.app.user',
        line: 4,
        message: /APP_USER is required but not set: set APP_USER/,
      },
    ],
    [
      'a command of the wrong type gives one message for the union',
      'processes:\n  app:\n    command: 42\n',
      {},
      {
        code: 'CONFIG_SCHEMA',
        path: 'processes.app.command',
        line: 3,
        message: /^expected a command string or a list of arguments, found 42$/,
      },
    ],
    [
      'a list command with a non-string item points at the item',
      'processes:\n  app:\n    command: [php, 3]\n',
      {},
      {
        code: 'CONFIG_SCHEMA',
        path: 'processes.app.command[1]',
        line: 3,
        column: 20,
        message: /^expected a string, found 3$/,
      },
    ],
    [
      'an empty command string is reported as empty',
      'processes:\n  app:\n    command: "  "\n',
      {},
      {
        code: 'CONFIG_COMMAND_EMPTY',
        path: 'processes.app.command',
        message: /^expected a non-empty command, found " {2}"$/,
      },
    ],
    [
      'an empty command list is reported as empty',
      'processes:\n  app:\n    command: []\n',
      {},
      {
        code: 'CONFIG_COMMAND_EMPTY',
        path: 'processes.app.command',
        message: /found an empty list$/,
      },
    ],
    [
      'a missing command is reported at the process',
      'processes:\n  app:\n    replicas: 2\n',
      {},
      {
        code: 'CONFIG_MISSING_KEY',
        path: 'processes.app.command',
        line: 2,
        column: 3,
        message:
          /^missing required key `command`: expected a command string or a list of arguments$/,
      },
    ],
    [
      'a malformed duration gets the duration code',
      'processes:\n  app:\n    command: x\n    stop: { timeout: 10x }\n',
      {},
      {
        code: 'CONFIG_DURATION',
        path: 'processes.app.stop.timeout',
        line: 4,
        message: /found "10x"$/,
      },
    ],
    [
      'a negative duration gets the duration code',
      'global:\n  shutdown_timeout: -5\nprocesses: {}\n',
      {},
      { code: 'CONFIG_DURATION', path: 'global.shutdown_timeout', line: 2, message: /found -5$/ },
    ],
    [
      'an unknown signal suggests the closest one',
      'processes:\n  app:\n    command: x\n    stop: { signal: SIGTREM }\n',
      {},
      {
        code: 'CONFIG_SIGNAL',
        path: 'processes.app.stop.signal',
        line: 4,
        message: /found "SIGTREM"; did you mean "SIGTERM"\?$/,
      },
    ],
    [
      'an enum value suggests the closest member',
      'processes:\n  app:\n    command: x\n    restart: on_failure\n',
      {},
      {
        code: 'CONFIG_SCHEMA',
        path: 'processes.app.restart',
        message:
          /^expected one of "always", "on-failure", "never", found "on_failure"; did you mean "on-failure"\?$/,
      },
    ],
    [
      'an unknown dependency condition lists the known ones',
      'processes:\n  a: { command: x, depends_on: { b: { condition: process_ready } } }\n  b: { command: x }\n',
      {},
      {
        code: 'CONFIG_SCHEMA',
        path: 'processes.a.depends_on.b.condition',
        line: 2,
        message:
          /^expected one of "process_started", "process_healthy", "process_completed_successfully", found "process_ready"$/,
      },
    ],
    [
      'a version other than 1 is rejected',
      'version: 2\nprocesses: {}\n',
      {},
      {
        code: 'CONFIG_VERSION',
        path: 'version',
        line: 1,
        column: 1,
        message: /^expected version 1, found 2$/,
      },
    ],
    [
      'an empty file asks for processes',
      '',
      {},
      {
        code: 'CONFIG_SCHEMA',
        path: '',
        message: /^expected a mapping with a `processes` key, found an empty value$/,
      },
    ],
    [
      'an invalid process name suggests a valid one',
      'processes:\n  My App: { command: x }\n',
      {},
      {
        code: 'CONFIG_PROCESS_NAME',
        path: 'processes["My App"]',
        line: 2,
        column: 3,
        message: /found "My App"; did you mean "my-app"\?$/,
      },
    ],
    [
      'a process name longer than 63 characters is rejected',
      `processes:\n  ${'a'.repeat(64)}: { command: x }\n`,
      {},
      {
        code: 'CONFIG_PROCESS_NAME',
        path: `processes.${'a'.repeat(64)}`,
        line: 2,
        message: /at most 63 characters/,
      },
    ],
    [
      'a dependency on an undeclared process is reported at the dependency',
      'processes:\n  web:\n    command: x\n    depends_on:\n      - migrate\n',
      {},
      {
        code: 'CONFIG_DEPENDENCY_UNKNOWN',
        path: 'processes.web.depends_on.migrate',
        line: 5,
        column: 9,
        message: /^depends on "migrate", which is not declared$/,
      },
    ],
    [
      'a dependency on a misspelt process suggests the declared one',
      'processes:\n  web: { command: x, depends_on: [migrat] }\n  migrate: { command: x }\n',
      {},
      {
        code: 'CONFIG_DEPENDENCY_UNKNOWN',
        path: 'processes.web.depends_on.migrat',
        message: /did you mean "migrate"\?$/,
      },
    ],
    [
      'a dependency on a disabled process is reported',
      'processes:\n  web: { command: x, depends_on: [migrate] }\n  migrate: { command: x, enabled: false }\n',
      {},
      {
        code: 'CONFIG_DEPENDENCY_DISABLED',
        path: 'processes.web.depends_on.migrate',
        line: 2,
        message: /^depends on "migrate", which is disabled/,
      },
    ],
    [
      'a cycle is printed from its first member around to it',
      'processes:\n  c: { command: x, depends_on: [a] }\n  a: { command: x, depends_on: [b] }\n  b: { command: x, depends_on: { c: {} } }\n',
      {},
      {
        code: 'CONFIG_DEPENDENCY_CYCLE',
        path: 'processes.a.depends_on.b',
        line: 3,
        message: /^dependency cycle: a -> b -> c -> a$/,
      },
    ],
    [
      'a process depending on itself is a cycle',
      'processes:\n  a: { command: x, depends_on: [a] }\n',
      {},
      {
        code: 'CONFIG_DEPENDENCY_CYCLE',
        path: 'processes.a.depends_on.a',
        line: 2,
        message: /^dependency cycle: a -> a$/,
      },
    ],
    [
      'an alias inside the node it refers to is an error, not a hang',
      'x: &a [*a]\nprocesses: {}\n',
      {},
      {
        code: 'CONFIG_YAML',
        path: 'x[0][0]',
        message: /alias \*a is inside the node it refers to/,
      },
    ],
  ];
  for (const [name, yaml, env, expected] of cases) {
    test(name, () => {
      const diagnostics = invalid(yaml, env);
      const match = diagnostics.find((d) => d.code === expected.code && d.path === expected.path);
      if (match === undefined) {
        assert.fail(
          `no ${expected.code} at "${expected.path}" in:\n${JSON.stringify(diagnostics, null, 2)}`,
        );
      }
      assert.equal(match.file, 'phpeek-pm.yaml');
      assert.match(match.message, expected.message);
      if (expected.line !== undefined) assert.equal(match.line, expected.line, 'line');
      if (expected.column !== undefined) assert.equal(match.column, expected.column, 'column');
    });
  }

  test('every problem is collected, in file order', () => {
    const diagnostics = invalid(`
global:
  log_level: verbose
processes:
  web: { command: x, replicas: -1, depends_on: [nope] }
  worker: { comand: x }
`);
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.code, d.path]),
      [
        [3, 'CONFIG_SCHEMA', 'global.log_level'],
        [5, 'CONFIG_SCHEMA', 'processes.web.replicas'],
        [5, 'CONFIG_DEPENDENCY_UNKNOWN', 'processes.web.depends_on.nope'],
        [6, 'CONFIG_MISSING_KEY', 'processes.worker.command'],
        [6, 'CONFIG_UNKNOWN_KEY', 'processes.worker.comand'],
      ],
    );
  });

  test('an unset variable is reported once, not again as a type error', () => {
    const diagnostics = invalid('processes:\n  app:\n    command: x\n    replicas: ${N}\n');
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['CONFIG_INTERPOLATION'],
    );
  });

  test('a union error is reported once per path', () => {
    const diagnostics = invalid('processes:\n  app:\n    command: {a: 1}\n    user: [1]\n');
    assert.deepEqual(
      diagnostics.map((d) => d.path),
      ['processes.app.command', 'processes.app.user'],
    );
  });
});
