// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings is the syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../../src/desired/diagnostics.ts';
import { parseDesired } from '../../../src/desired/load.ts';

interface Expected {
  readonly code: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: RegExp;
}

function diagnosticsOf(yaml: string): readonly Diagnostic[] {
  const result = parseDesired(yaml, 'phpeek-pm.yaml', {});
  return result.ok ? [] : result.diagnostics;
}

/** `processes:` with `web` (given lines, indented under it) and a plain `db` after it. */
function web(...lines: string[]): string {
  return `processes:\n  web:\n    command: x\n${lines.map((l) => `    ${l}\n`).join('')}  db:\n    command: x\n`;
}

// Each rule once rejected, with where it is reported, and once accepted just short of it.
const rejected: [string, string, Expected][] = [
  [
    'a probe without a target is rejected',
    web('probes:', '  readiness: { period: 5s }'),
    {
      code: 'CONFIG_PROBE_TARGET',
      path: 'processes.web.probes.readiness',
      line: 5,
      column: 7,
      message: /^expected exactly one of exec, http, tcp, found none$/,
    },
  ],
  [
    'a probe with two targets is rejected',
    web('probes:', '  liveness:', '    exec: { command: x }', '    tcp: { port: 80 }'),
    {
      code: 'CONFIG_PROBE_TARGET',
      path: 'processes.web.probes.liveness',
      line: 5,
      column: 7,
      message: /^expected exactly one of exec, http, tcp, found exec and tcp$/,
    },
  ],
  [
    'an unknown probe kind suggests the known one',
    web('probes:', '  readines: { tcp: { port: 80 } }'),
    {
      code: 'CONFIG_UNKNOWN_KEY',
      path: 'processes.web.probes.readines',
      line: 5,
      column: 7,
      message: /^unknown key `readines`; did you mean `readiness`\?$/,
    },
  ],
  [
    'an unknown probe setting suggests the known one',
    web('probes:', '  readiness:', '    tcp: { port: 80 }', '    periodSeconds: 5'),
    {
      code: 'CONFIG_UNKNOWN_KEY',
      path: 'processes.web.probes.readiness.periodSeconds',
      line: 7,
      column: 9,
      message: /did you mean `period`\?$/,
    },
  ],
  [
    'a success threshold above 1 on a liveness probe is rejected',
    web('probes:', '  liveness:', '    exec: { command: x }', '    success_threshold: 2'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.liveness.success_threshold',
      line: 7,
      column: 9,
      message: /^expected 1 \(a liveness probe passes on its first success\), found 2$/,
    },
  ],
  [
    'a success threshold above 1 on a startup probe is rejected',
    web('probes:', '  startup:', '    exec: { command: x }', '    success_threshold: 3'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.startup.success_threshold',
      line: 7,
      column: 9,
      message: /^expected 1 \(a startup probe passes on its first success\), found 3$/,
    },
  ],
  [
    'a failure threshold of 0 is rejected',
    web('probes:', '  readiness:', '    exec: { command: x }', '    failure_threshold: 0'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.failure_threshold',
      line: 7,
      column: 9,
      message: /^expected an integer >= 1, found 0$/,
    },
  ],
  [
    'a success threshold of 0 is rejected',
    web('probes:', '  readiness:', '    exec: { command: x }', '    success_threshold: 0'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.success_threshold',
      line: 7,
      column: 9,
      message: /^expected an integer >= 1, found 0$/,
    },
  ],
  [
    'a probe period of 0 is rejected',
    web('probes:', '  readiness:', '    exec: { command: x }', '    period: 0s'),
    {
      code: 'CONFIG_DURATION_POSITIVE',
      path: 'processes.web.probes.readiness.period',
      line: 7,
      column: 9,
      message: /^expected a duration greater than 0 such as .*, found "0s"$/,
    },
  ],
  [
    'a probe timeout of 0 is rejected',
    web('probes:', '  readiness:', '    exec: { command: x }', '    timeout: 0'),
    {
      code: 'CONFIG_DURATION_POSITIVE',
      path: 'processes.web.probes.readiness.timeout',
      line: 7,
      column: 9,
      message: /found 0$/,
    },
  ],
  [
    'a malformed probe period is a duration error',
    web('probes:', '  readiness:', '    exec: { command: x }', '    period: 10x'),
    {
      code: 'CONFIG_DURATION_POSITIVE',
      path: 'processes.web.probes.readiness.period',
      line: 7,
      column: 9,
      message: /found "10x"$/,
    },
  ],
  [
    'a tcp probe without a port is rejected',
    web('probes:', '  readiness:', '    tcp: { host: db }'),
    {
      code: 'CONFIG_MISSING_KEY',
      path: 'processes.web.probes.readiness.tcp.port',
      line: 6,
      column: 9,
      message: /^missing required key `port`: expected a port number between 1 and 65535$/,
    },
  ],
  [
    'a port number out of range is rejected',
    web('probes:', '  readiness:', '    tcp: { port: 70000 }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.tcp.port',
      line: 6,
      column: 16,
      message: /^expected a port number between 1 and 65535, found 70000$/,
    },
  ],
  [
    'a port string that is not a number is rejected',
    web('probes:', '  readiness:', '    tcp: { port: http }'),
    {
      code: 'CONFIG_PROBE_PORT',
      path: 'processes.web.probes.readiness.tcp.port',
      line: 6,
      column: 16,
      message: /^expected a port between 1 and 65535, found "http"$/,
    },
  ],
  [
    'a per-instance port out of range for the first replica is rejected',
    web('probes:', '  readiness:', '    tcp: { port: "x${PHPEEK_PM_REPLICA}" }'),
    {
      code: 'CONFIG_PROBE_PORT',
      path: 'processes.web.probes.readiness.tcp.port',
      line: 6,
      column: 16,
      message:
        /^expected a port between 1 and 65535, found "x\$\{PHPEEK_PM_REPLICA\}" \("x0" for replica 0\)$/,
    },
  ],
  [
    'a per-instance port out of range for a later replica names that replica',
    web('replicas: 8', 'probes:', '  readiness:', '    http: { port: "6553${PHPEEK_PM_REPLICA}" }'),
    {
      code: 'CONFIG_PROBE_PORT',
      path: 'processes.web.probes.readiness.http.port',
      line: 7,
      column: 17,
      message: /found "6553\$\{PHPEEK_PM_REPLICA\}" \("65536" for replica 6\)$/,
    },
  ],
  [
    'an out-of-range port is reported once, not again as a bad URL',
    web('probes:', '  readiness:', '    http: { port: 70000, host: "bad host" }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.http.port',
      line: 6,
      column: 17,
      message: /^expected a port number between 1 and 65535, found 70000$/,
    },
  ],
  [
    'an http probe with neither url nor port asks for the port',
    web('probes:', '  readiness:', '    http: { path: /healthz }'),
    {
      code: 'CONFIG_MISSING_KEY',
      path: 'processes.web.probes.readiness.http.port',
      line: 6,
      column: 9,
      message: /^missing required key `port`: expected a port number, or a `url`$/,
    },
  ],
  [
    'an http probe with both url and port is rejected at the port',
    web('probes:', '  readiness:', '    http:', '      url: http://localhost/', '      port: 80'),
    {
      code: 'CONFIG_EXCLUSIVE_KEYS',
      path: 'processes.web.probes.readiness.http.port',
      line: 8,
      column: 11,
      message: /^`url` and `port` cannot be used together; give either a whole `url` or its `port`/,
    },
  ],
  [
    'a URL that does not parse is rejected',
    web('probes:', '  readiness:', '    http: { url: "not a url" }'),
    {
      code: 'CONFIG_PROBE_URL',
      path: 'processes.web.probes.readiness.http.url',
      line: 6,
      column: 17,
      message: /^expected an http:\/\/ or https:\/\/ URL, found "not a url"$/,
    },
  ],
  [
    'a URL of another scheme is rejected',
    web('probes:', '  readiness:', '    http: { url: "ftp://localhost/" }'),
    {
      code: 'CONFIG_PROBE_URL',
      path: 'processes.web.probes.readiness.http.url',
      line: 6,
      column: 17,
      message: /found "ftp:\/\/localhost\/"$/,
    },
  ],
  [
    'a host that makes no URL is rejected at the host',
    web('probes:', '  readiness:', '    http: { port: 80, host: "bad host" }'),
    {
      code: 'CONFIG_PROBE_URL',
      path: 'processes.web.probes.readiness.http.host',
      line: 6,
      column: 27,
      message: /found "http:\/\/bad host:80\/"$/,
    },
  ],
  [
    'a path without a leading slash is rejected',
    web('probes:', '  readiness:', '    http: { port: 80, path: healthz }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.http.path',
      line: 6,
      column: 27,
      message: /^expected a path starting with "\/", such as "\/healthz", found "healthz"$/,
    },
  ],
  [
    'a lowercase http method suggests the uppercase one',
    web('probes:', '  readiness:', '    http: { port: 80, method: get }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.http.method',
      line: 6,
      column: 27,
      message: /found "get"; did you mean "GET"\?$/,
    },
  ],
  [
    'an expected status outside 100..599 is rejected',
    web('probes:', '  readiness:', '    http: { port: 80, expected_status: [200, 999] }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.probes.readiness.http.expected_status[1]',
      line: 6,
      column: 50,
      message: /^expected an integer between 100 and 599, found 999$/,
    },
  ],
  [
    'a default on a per-instance variable in a probe target is rejected',
    web('probes:', '  readiness:', '    tcp: { port: "${PHPEEK_PM_REPLICA:-80}" }'),
    {
      code: 'CONFIG_INTERPOLATION',
      path: 'processes.web.probes.readiness.tcp.port',
      line: 6,
      column: 16,
      message: /^PHPEEK_PM_REPLICA is filled in for each instance and is never unset/,
    },
  ],
  [
    'a per-instance variable outside probe targets is not set, and says why',
    web('env: { N: "${PHPEEK_PM_REPLICA}" }'),
    {
      code: 'CONFIG_INTERPOLATION',
      path: 'processes.web.env.N',
      line: 4,
      column: 12,
      message:
        /^variable PHPEEK_PM_REPLICA is not set: it is filled in for each instance only in probe targets/,
    },
  ],
  [
    'a per-instance variable in a probe setting outside the target is not set',
    web('probes:', '  readiness:', '    tcp: { port: 80 }', '    period: "${PHPEEK_PM_REPLICA}"'),
    {
      code: 'CONFIG_INTERPOLATION',
      path: 'processes.web.probes.readiness.period',
      line: 7,
      column: 9,
      message: /variable PHPEEK_PM_REPLICA is not set/,
    },
  ],
  [
    'an invalid cron expression gives croner’s reason',
    web('schedule: "61 * * * *"'),
    {
      code: 'CONFIG_CRON',
      path: 'processes.web.schedule',
      line: 4,
      column: 5,
      message: /^invalid cron expression "61 \* \* \* \*": invalid value for minute: 61$/,
    },
  ],
  [
    'a cron expression with the wrong number of fields says how many it needs',
    web('schedule: { cron: "* * *" }'),
    {
      code: 'CONFIG_CRON',
      path: 'processes.web.schedule.cron',
      line: 4,
      column: 17,
      message:
        /expected 5 fields \(minute hour day-of-month month day-of-week\) or 6 with leading seconds, found 3$/,
    },
  ],
  [
    'a cron expression with a year field is rejected',
    web('schedule: "0 0 0 1 1 * 2030"'),
    {
      code: 'CONFIG_CRON',
      path: 'processes.web.schedule',
      line: 4,
      column: 5,
      message: /found 7$/,
    },
  ],
  [
    'a cron expression that matches no date is rejected',
    web('schedule: "0 0 31 2 *"'),
    {
      code: 'CONFIG_CRON',
      path: 'processes.web.schedule',
      line: 4,
      column: 5,
      message: /it matches no date, so it would never run$/,
    },
  ],
  [
    'an unknown time zone next to a cron string suggests a known one',
    web('schedule: "0 3 * * *"', 'timezone: Europe/Berln'),
    {
      code: 'CONFIG_TIMEZONE',
      path: 'processes.web.timezone',
      line: 5,
      column: 5,
      message: /^unknown time zone "Europe\/Berln"; did you mean "Europe\/Berlin"\?$/,
    },
  ],
  [
    'an unknown time zone in a schedule mapping is rejected there',
    web('schedule:', '  cron: "0 3 * * *"', '  timezone: Mars/Olympus'),
    {
      code: 'CONFIG_TIMEZONE',
      path: 'processes.web.schedule.timezone',
      line: 6,
      column: 7,
      message: /^unknown time zone "Mars\/Olympus" \(expected an IANA name such as/,
    },
  ],
  [
    'a schedule mapping without cron is rejected',
    web('schedule: { timezone: UTC }'),
    {
      code: 'CONFIG_MISSING_KEY',
      path: 'processes.web.schedule.cron',
      line: 4,
      column: 5,
      message: /^missing required key `cron`: expected a cron expression/,
    },
  ],
  [
    'a schedule setting next to a schedule mapping is rejected',
    web('schedule: { cron: "0 3 * * *" }', 'concurrency: allow'),
    {
      code: 'CONFIG_EXCLUSIVE_KEYS',
      path: 'processes.web.concurrency',
      line: 5,
      column: 5,
      message:
        /^`concurrency` and a `schedule` mapping cannot be used together; write it inside the mapping, as `schedule.concurrency`$/,
    },
  ],
  [
    'a schedule setting without a schedule is rejected',
    web('timeout: 10m'),
    {
      code: 'CONFIG_SCHEDULE_KEY',
      path: 'processes.web.timeout',
      line: 4,
      column: 5,
      message: /^`timeout` applies only to a process with a `schedule`$/,
    },
  ],
  [
    'an unknown concurrency policy suggests a known one',
    web('schedule: "0 3 * * *"', 'concurrency: replac'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.concurrency',
      line: 5,
      column: 5,
      message:
        /^expected one of "forbid", "allow", "replace", found "replac"; did you mean "replace"\?$/,
    },
  ],
  [
    'a history of 0 is rejected',
    web('schedule: { cron: "0 3 * * *", history: 0 }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.schedule.history',
      line: 4,
      column: 36,
      message: /^expected an integer between 1 and 1000, found 0$/,
    },
  ],
  [
    'a scheduled process with replicas other than 1 is rejected',
    web('schedule: "0 3 * * *"', 'replicas: 2'),
    {
      code: 'CONFIG_SCHEDULE_REPLICAS',
      path: 'processes.web.replicas',
      line: 5,
      column: 5,
      message: /expected replicas: 1, found 2 \(to turn it off, write enabled: false\)$/,
    },
  ],
  [
    'a scheduled process with replicas 0 is rejected too',
    web('schedule: "0 3 * * *"', 'replicas: 0'),
    {
      code: 'CONFIG_SCHEDULE_REPLICAS',
      path: 'processes.web.replicas',
      line: 5,
      column: 5,
      message: /found 0/,
    },
  ],
  [
    'a scheduled process written as longrun is rejected',
    web('schedule: "0 3 * * *"', 'type: longrun'),
    {
      code: 'CONFIG_SCHEDULE_TYPE',
      path: 'processes.web.type',
      line: 5,
      column: 5,
      message:
        /^a scheduled process is a oneshot: expected type: oneshot or no type, found "longrun"$/,
    },
  ],
  [
    'an unknown process type suggests a known one',
    web('type: one-shot'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.type',
      line: 4,
      column: 5,
      message: /found "one-shot"; did you mean "oneshot"\?$/,
    },
  ],
  [
    'a oneshot that restarts always is rejected',
    web('type: oneshot', 'restart: always'),
    {
      code: 'CONFIG_ONESHOT_RESTART',
      path: 'processes.web.restart',
      line: 5,
      column: 5,
      message:
        /^a oneshot runs to completion: expected restart: on-failure or never, found "always"; to run it again and again, give it a schedule$/,
    },
  ],
  [
    'a scheduled process that restarts always is rejected',
    web('schedule: "0 3 * * *"', 'restart: always'),
    {
      code: 'CONFIG_ONESHOT_RESTART',
      path: 'processes.web.restart',
      line: 5,
      column: 5,
      message: /a oneshot runs to completion/,
    },
  ],
  [
    'a restart window without max_restarts is rejected',
    web('restart_window: 1m'),
    {
      code: 'CONFIG_RESTART_WINDOW',
      path: 'processes.web.restart_window',
      line: 4,
      column: 5,
      message: /^restart_window needs max_restarts/,
    },
  ],
  [
    'a negative max_restarts is rejected',
    web('max_restarts: -1'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.max_restarts',
      line: 4,
      column: 5,
      message: /^expected an integer >= 0, found -1$/,
    },
  ],
  [
    'critical and on_failure together are rejected',
    web('critical: true', 'on_failure: exit'),
    {
      code: 'CONFIG_EXCLUSIVE_KEYS',
      path: 'processes.web.on_failure',
      line: 5,
      column: 5,
      message: /^`critical` and `on_failure` cannot be used together/,
    },
  ],
  [
    'an unknown on_failure value suggests a known one',
    web('on_failure: exi'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.on_failure',
      line: 4,
      column: 5,
      message: /^expected one of "restart", "exit", found "exi"; did you mean "exit"\?$/,
    },
  ],
  [
    'a rollout that can neither remove nor add an instance is rejected',
    web('rollout: { max_unavailable: 0 }'),
    {
      code: 'CONFIG_ROLLOUT',
      path: 'processes.web.rollout.max_unavailable',
      line: 4,
      column: 16,
      message: /^max_unavailable and max_surge are both 0/,
    },
  ],
  [
    'a negative max_surge is rejected',
    web('rollout: { max_surge: -1 }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.rollout.max_surge',
      line: 4,
      column: 16,
      message: /^expected an integer >= 0, found -1$/,
    },
  ],
  [
    'waiting for a long-running process to complete is rejected',
    web('depends_on: { db: { condition: process_completed_successfully } }'),
    {
      code: 'CONFIG_DEPENDENCY_CONDITION',
      path: 'processes.web.depends_on.db.condition',
      line: 4,
      column: 25,
      message:
        /^condition process_completed_successfully can never be met: "db" is a long-running process; it never completes/,
    },
  ],
  [
    'waiting for a oneshot to be healthy is rejected',
    `processes:\n  web:\n    command: x\n    depends_on:\n      migrate: { condition: process_healthy }\n  migrate:\n    command: x\n    type: oneshot\n`,
    {
      code: 'CONFIG_DEPENDENCY_CONDITION',
      path: 'processes.web.depends_on.migrate.condition',
      line: 5,
      column: 18,
      message:
        /^condition process_healthy can never be met: "migrate" is a oneshot; a oneshot is never ready/,
    },
  ],
  [
    'depending on a scheduled process is rejected',
    `processes:\n  web:\n    command: x\n    depends_on: [report]\n  report:\n    command: x\n    schedule: "0 3 * * *"\n`,
    {
      code: 'CONFIG_DEPENDENCY_SCHEDULED',
      path: 'processes.web.depends_on.report',
      line: 4,
      column: 18,
      message: /^depends on "report", which is scheduled: it runs at times, not once$/,
    },
  ],
  [
    'a hook that is neither a command nor a mapping is rejected',
    'global:\n  hooks:\n    pre_start:\n      - 42\nprocesses: {}\n',
    {
      code: 'CONFIG_SCHEMA',
      path: 'global.hooks.pre_start[0]',
      line: 4,
      column: 9,
      message:
        /^expected a command string, a list of arguments or a mapping with `command`, found 42$/,
    },
  ],
  [
    'a hook mapping without a command is rejected',
    'global:\n  hooks:\n    post_stop:\n      - { timeout: 5s }\nprocesses: {}\n',
    {
      code: 'CONFIG_MISSING_KEY',
      path: 'global.hooks.post_stop[0].command',
      line: 4,
      column: 9,
      message: /^missing required key `command`: expected a command string or a list of arguments$/,
    },
  ],
  [
    'a hook with an empty command is rejected',
    web('pre_stop: ["  "]'),
    {
      code: 'CONFIG_COMMAND_EMPTY',
      path: 'processes.web.pre_stop[0]',
      line: 4,
      column: 16,
      message: /^expected a non-empty command, found " {2}"$/,
    },
  ],
  [
    'a hook timeout of 0 is rejected',
    web('post_start:', '  - { command: x, timeout: 0s }'),
    {
      code: 'CONFIG_DURATION_POSITIVE',
      path: 'processes.web.post_start[0].timeout',
      line: 5,
      column: 23,
      message: /found "0s"$/,
    },
  ],
  [
    'negative hook retries are rejected',
    web('post_start:', '  - { command: x, retries: -1 }'),
    {
      code: 'CONFIG_SCHEMA',
      path: 'processes.web.post_start[0].retries',
      line: 5,
      column: 23,
      message: /^expected an integer >= 0, found -1$/,
    },
  ],
  [
    'an unknown hook setting suggests the known one',
    web('pre_stop:', '  - { command: x, continue_on_errors: true }'),
    {
      code: 'CONFIG_UNKNOWN_KEY',
      path: 'processes.web.pre_stop[0].continue_on_errors',
      line: 5,
      column: 23,
      message: /did you mean `continue_on_error`\?$/,
    },
  ],
  [
    'an unknown global hook suggests the known one',
    'global:\n  hooks:\n    pre_stat: [x]\nprocesses: {}\n',
    {
      code: 'CONFIG_UNKNOWN_KEY',
      path: 'global.hooks.pre_stat',
      line: 3,
      column: 5,
      message: /did you mean `pre_start`\?$/,
    },
  ],
];

describe('parseDesired: lifecycle rules, rejected', () => {
  for (const [name, yaml, expected] of rejected) {
    test(name, () => {
      const diagnostics = diagnosticsOf(yaml);
      const match = diagnostics.find((d) => d.code === expected.code && d.path === expected.path);
      if (match === undefined) {
        assert.fail(
          `no ${expected.code} at "${expected.path}" in:\n${JSON.stringify(diagnostics, null, 2)}`,
        );
      }
      assert.match(match.message, expected.message);
      assert.deepEqual([match.line, match.column], [expected.line, expected.column], 'position');
      // One problem, one diagnostic: no rule repeats what another already said.
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics, null, 2));
    });
  }
});

const accepted: [string, string][] = [
  [
    'a probe with exactly one target is accepted',
    web('probes:', '  readiness: { tcp: { port: 80 } }'),
  ],
  [
    'a readiness probe may need several successes',
    web('probes:', '  readiness: { exec: { command: x }, success_threshold: 3 }'),
  ],
  [
    'a liveness probe may state a success threshold of 1',
    web('probes:', '  liveness: { exec: { command: x }, success_threshold: 1 }'),
  ],
  [
    'an initial delay of 0 is accepted',
    web('probes:', '  liveness: { exec: { command: x }, initial_delay: 0 }'),
  ],
  [
    'a per-instance port within range for every replica is accepted',
    web('replicas: 6', 'probes:', '  readiness: { tcp: { port: "6553${PHPEEK_PM_REPLICA}" } }'),
  ],
  [
    'a per-instance URL is accepted',
    web('probes:', '  readiness: { http: { url: "http://127.0.0.1:90${PHPEEK_PM_REPLICA}/" } }'),
  ],
  [
    'a port given as a numeric string is accepted',
    web('probes:', '  readiness: { tcp: { port: "80" } }'),
  ],
  ['an IPv6 host is accepted', web('probes:', '  readiness: { http: { port: 80, host: "::1" } }')],
  ['a 6-field cron expression is accepted', web('schedule: "*/10 * * * * *"')],
  ['a cron nickname is accepted', web('schedule: "@daily"')],
  ['a cron expression with names is accepted', web('schedule: "0 9 * JAN-JUN MON-FRI"')],
  ['29 February is a date', web('schedule: "0 0 29 2 *"')],
  ['UTC is a time zone', web('schedule: "0 3 * * *"', 'timezone: UTC')],
  [
    'a scheduled process may say type: oneshot and replicas: 1',
    web('schedule: "0 3 * * *"', 'type: oneshot', 'replicas: 1'),
  ],
  ['a oneshot may restart on failure', web('type: oneshot', 'restart: on-failure')],
  ['a restart window with max_restarts is accepted', web('max_restarts: 3', 'restart_window: 1m')],
  ['max_restarts of 0 is accepted', web('max_restarts: 0')],
  [
    'critical with restart always and no max_restarts is accepted (it never fires)',
    web('critical: true', 'restart: always'),
  ],
  ['on_failure alone is accepted', web('on_failure: restart')],
  [
    'a rollout may surge instead of removing first',
    web('rollout: { max_unavailable: 0, max_surge: 1 }'),
  ],
  [
    'waiting for a long-running process to be healthy is accepted',
    web('depends_on: { db: { condition: process_healthy } }'),
  ],
  [
    'waiting for a oneshot to complete is accepted',
    `processes:\n  web:\n    command: x\n    depends_on: { migrate: { condition: process_completed_successfully } }\n  migrate:\n    command: x\n    type: oneshot\n`,
  ],
  [
    'a scheduled process may depend on others',
    `processes:\n  report:\n    command: x\n    schedule: "0 3 * * *"\n    depends_on: [db]\n  db:\n    command: x\n`,
  ],
  ['a hook list may be a single command', web('pre_stop: "nginx -s quit"')],
];

describe('parseDesired: lifecycle rules, accepted', () => {
  for (const [name, yaml] of accepted) {
    test(name, () => assert.deepEqual(diagnosticsOf(yaml), []));
  }
});
