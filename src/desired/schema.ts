/**
 * The configuration file as written (after `${...}` interpolation), before defaults. Unknown
 * keys are errors everywhere, so a typo never silently falls back to a default. Probes, hooks
 * and schedules have their own files (probes-schema.ts, hooks-schema.ts, schedule-schema.ts).
 *
 * Besides standard JSON Schema keywords, nodes carry annotations read by schema-problems.ts:
 * - `description`: what was expected, completing "expected ..." in a message;
 * - `code`: the error code (src/errors.ts) when it is more specific than CONFIG_SCHEMA; its
 *   message template takes the found value;
 * - `suggest`: values to offer in "did you mean ...?" when a string does not match.
 * The configuration reference (docs/configuration.md) is written from this schema; `doc`,
 * `defaultText`, `docType` and `docKey` annotations are for it alone (schema-doc.ts).
 */
import { type Static, Type } from '@sinclair/typebox';
import { GlobalHooksSchema, HookListSchema } from './hooks-schema.ts';
import {
  DEFAULT_BACKOFF,
  DEFAULT_CONDITION,
  DEFAULT_GLOBAL,
  DEFAULT_ROLLOUT,
  DEFAULT_STOP,
} from './normalize.ts';
import { PhpGlobalSettings } from './php-schema.ts';
import { ProbesSchema } from './probes-schema.ts';
import { ScheduleSchema, ScheduleSettings } from './schedule-schema.ts';
import {
  AnyKey,
  CommandSchema,
  DurationSchema,
  IdentitySchema,
  PositiveDurationSchema,
  strict,
} from './schema-common.ts';
import { documented, durationDefault, type KeyDoc, valueDefault } from './schema-doc.ts';
import { SIGNAL_NAMES, SIGNAL_PATTERN } from './signal.ts';
import type { Backoff, DependencyCondition, ProcessType } from './types.ts';

export { DurationSchema } from './schema-common.ts';

/**
 * Conditions a dependency can wait for. Adding one: extend `DependencyCondition` in types.ts,
 * list it here, and teach the planner what it means.
 */
export const DEPENDENCY_CONDITIONS = [
  'process_started',
  'process_healthy',
  'process_completed_successfully',
] as const satisfies readonly DependencyCondition[];

export const PROCESS_TYPES = ['longrun', 'oneshot'] as const satisfies readonly ProcessType[];

const backoffSchema = (fieldDefault: (field: keyof Backoff) => KeyDoc['defaultText']) =>
  Type.Object(
    {
      initial: Type.Optional(
        documented(DurationSchema, {
          doc: 'The delay before the first restart; each next one is twice the last.',
          defaultText: fieldDefault('initialMs'),
        }),
      ),
      max: Type.Optional(
        documented(DurationSchema, {
          doc: 'The longest delay.',
          defaultText: fieldDefault('maxMs'),
        }),
      ),
      reset_after: Type.Optional(
        documented(DurationSchema, {
          doc: 'A run at least this long sets the next delay back to `initial`.',
          defaultText: fieldDefault('resetAfterMs'),
        }),
      ),
    },
    { ...strict, doc: 'Exponential backoff between restarts, with a little jitter.' },
  );

export const BackoffSchema = backoffSchema((field) =>
  durationDefault(() => DEFAULT_BACKOFF[field]),
);

/** A process's backoff: each field it leaves out comes from `global.restart_backoff`. */
const ProcessBackoffSchema = backoffSchema((field) => {
  const key = { initialMs: 'initial', maxMs: 'max', resetAfterMs: 'reset_after' }[field];
  return `\`global.restart_backoff.${key}\``;
});

/** `host:port` (IPv6 in brackets), or false to turn the listener off. */
const ListenSchema = Type.Union(
  [
    Type.String({ pattern: String.raw`^(\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$` }),
    Type.Literal(false),
  ],
  {
    description: 'an address such as "127.0.0.1:9180" or "[::1]:9180", or false',
    docType: '`host:port`, `[v6]:port` or `false`',
  },
);

export const GlobalSchema = Type.Object(
  {
    shutdown_timeout: Type.Optional(
      documented(DurationSchema, {
        doc: 'The longest a shutdown may take. Processes are stopped in dependency order, each within its `stop.timeout`; whatever still runs at this deadline is killed with SIGKILL. Keep it below what the container runtime waits (`docker stop -t`, `terminationGracePeriodSeconds`).',
        defaultText: durationDefault(() => DEFAULT_GLOBAL.shutdownTimeoutMs),
      }),
    ),
    log_format: Type.Optional(
      documented(Type.Union([Type.Literal('text'), Type.Literal('json')]), {
        doc: "How the manager's messages and the processes' output reach stdout and stderr: `text` prefixes each line with its instance (`worker-2 | ...`), `json` writes one JSON object per line.",
        defaultText: valueDefault(() => DEFAULT_GLOBAL.logFormat),
      }),
    ),
    log_level: Type.Optional(
      documented(
        Type.Union([
          Type.Literal('trace'),
          Type.Literal('debug'),
          Type.Literal('info'),
          Type.Literal('warn'),
          Type.Literal('error'),
          Type.Literal('fatal'),
        ]),
        {
          doc: "The least severe of the manager's own messages that is written. The processes' output is passed on whatever the level.",
          defaultText: valueDefault(() => DEFAULT_GLOBAL.logLevel),
        },
      ),
    ),
    restart_backoff: Type.Optional(
      documented(BackoffSchema, {
        doc: 'The delay before a process that exited is started again: `initial`, doubled at each exit up to `max`, back to `initial` once an instance has run for `reset_after`. A process may override each field.',
      }),
    ),
    max_log_line: Type.Optional(
      documented(Type.Integer({ minimum: 256 }), {
        doc: "The longest line of a process's output, in bytes. A longer line is passed on in pieces of at most this size, so one runaway line cannot take the manager's memory.",
        defaultText: valueDefault(() => DEFAULT_GLOBAL.maxLogLineBytes),
      }),
    ),
    hooks: Type.Optional(
      documented(GlobalHooksSchema, {
        doc: "Commands run around the manager's own lifecycle, one after the other. Each key takes a command, or a list of commands and mappings with `command` and settings.",
      }),
    ),
    ...PhpGlobalSettings,
    api: Type.Optional(
      Type.Object(
        {
          listen: Type.Optional(
            documented(ListenSchema, {
              doc: 'The TCP address of the API, or `false` for none. An address that is not loopback needs a `token`; `/livez` and `/readyz` never do. `PHPEEK_PM_API_LISTEN` overrides it.',
              defaultText: valueDefault(() => DEFAULT_GLOBAL.api.listen),
            }),
          ),
          socket: Type.Optional(
            Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], {
              description: 'a Unix socket path, or false to turn it off',
              docType: 'path or `false`',
              doc: "The API's Unix socket (mode 0600: only the manager's user and root may connect), or `false` for none. When its directory cannot be created (not root), the TCP listener is kept and a warning logged. `PHPEEK_PM_API_SOCKET` overrides it.",
              defaultText: valueDefault(() => DEFAULT_GLOBAL.api.socket),
            }),
          ),
          token: Type.Optional(
            Type.String({
              minLength: 16,
              description: 'a token of at least 16 characters',
              doc: 'The bearer token every `/api/v1` request must send, at least 16 visible ASCII characters. Better: set `PHPEEK_PM_API_TOKEN` in the environment, which wins over the file and is not passed on to the processes.',
            }),
          ),
        },
        {
          ...strict,
          doc: 'The management API that the CLI uses ([api.md](api.md)).',
        },
      ),
    ),
    metrics: Type.Optional(
      Type.Object(
        {
          listen: Type.Optional(
            documented(ListenSchema, {
              doc: 'The TCP address of the Prometheus endpoint, or `false` for none. `PHPEEK_PM_METRICS_LISTEN` overrides it.',
              defaultText: valueDefault(() => DEFAULT_GLOBAL.metrics.listen),
            }),
          ),
          path: Type.Optional(
            Type.String({
              pattern: '^/',
              description: 'a path starting with /',
              doc: 'The path of the metrics; any other path answers 404.',
              defaultText: valueDefault(() => DEFAULT_GLOBAL.metrics.path),
            }),
          ),
        },
        {
          ...strict,
          doc: 'Prometheus metrics, unauthenticated and read-only ([metrics.md](metrics.md)).',
        },
      ),
    ),
  },
  { ...strict, doc: 'Settings of the manager itself.' },
);

const DependencySchema = Type.Union([
  Type.Object(
    {
      condition: Type.Optional(
        documented(Type.Union(DEPENDENCY_CONDITIONS.map((c) => Type.Literal(c))), {
          doc: 'What to wait for: `process_started` (its instances have started), `process_healthy` (every replica is ready: its readiness probe passed, or it started when it has none) or `process_completed_successfully` (a oneshot exited 0).',
          defaultText: valueDefault(() => DEFAULT_CONDITION),
        }),
      ),
    },
    strict,
  ),
  // `migrate:` with nothing after it: the default condition.
  Type.Null(),
]);

const DependsOnSchema = Type.Union(
  [
    Type.Array(Type.String({ minLength: 1 }), { description: 'a list of process names' }),
    Type.Record(AnyKey, DependencySchema, { docKey: 'name' }),
  ],
  {
    description: 'a list of process names or a mapping of process name to { condition }',
    docType: 'list of names, or mapping',
  },
);

export const StopSchema = Type.Object(
  {
    signal: Type.Optional(
      Type.String({
        pattern: SIGNAL_PATTERN,
        code: 'CONFIG_SIGNAL',
        suggest: [...SIGNAL_NAMES, ...SIGNAL_NAMES.map((n) => n.slice(3))],
        docType: 'signal name',
        doc: "The signal sent to the instance's process group to stop it, `SIGTERM` or `TERM`. php-fpm and nginx stop gracefully on `SIGQUIT`.",
        defaultText: valueDefault(() => DEFAULT_STOP.signal),
      }),
    ),
    timeout: Type.Optional(
      documented(DurationSchema, {
        doc: "How long to wait after the signal before SIGKILL. The instance's `pre_stop` hooks run within it.",
        defaultText: durationDefault(() => DEFAULT_STOP.timeoutMs),
      }),
    ),
  },
  { ...strict, doc: 'How an instance is stopped (scale-down, replacement, shutdown).' },
);

const RolloutSchema = Type.Object(
  {
    max_unavailable: Type.Optional(
      documented(Type.Integer({ minimum: 0 }), {
        doc: 'How many instances may be down at once while a changed spec replaces them; each next one is replaced once its predecessor is ready.',
        defaultText: valueDefault(() => DEFAULT_ROLLOUT.maxUnavailable),
      }),
    ),
    max_surge: Type.Optional(
      documented(Type.Integer({ minimum: 0 }), {
        doc: 'How many new instances may start beside the old ones; an old instance keeps serving until its replacement is ready. Not both 0.',
        defaultText: valueDefault(() => DEFAULT_ROLLOUT.maxSurge),
      }),
    ),
  },
  {
    ...strict,
    doc: 'How running instances are replaced when what they run changes: `command`, `env`, `working_dir`, `user` or `group`. Other edits apply without a restart.',
  },
);

export const ProcessSchema = Type.Object(
  {
    command: documented(CommandSchema, {
      doc: 'What to run. A list is executed as is (the first item looked up in `PATH`); a string runs under `/bin/sh -c`, so pipes, globs and `$VAR` work.',
    }),
    replicas: Type.Optional(
      documented(Type.Integer({ minimum: 0 }), {
        doc: 'How many instances to keep running, numbered from 0 (`worker-0`, `worker-1`, ...). `0` keeps the process declared but not running. `phpeek-pm scale` changes it until this value is edited in the file.',
        defaultText: '`1`',
      }),
    ),
    max_replicas: Type.Optional(
      documented(Type.Integer({ minimum: 0 }), {
        doc: 'The most replicas the file and `phpeek-pm scale` may ask for. Without it, the API accepts up to 1000.',
      }),
    ),
    enabled: Type.Optional(
      documented(Type.Boolean(), {
        doc: '`false` keeps the process declared but not running, as `phpeek-pm stop` does. Nothing may depend on a disabled process.',
        defaultText: '`true`',
      }),
    ),
    restart: Type.Optional(
      documented(
        Type.Union([Type.Literal('always'), Type.Literal('on-failure'), Type.Literal('never')]),
        {
          doc: 'When an instance that exited is started again, after the backoff: `always`, `on-failure` (after anything but exit code 0) or `never`. A oneshot takes `on-failure` or `never`.',
          defaultText: '`always`; `never` for a oneshot',
        },
      ),
    ),
    env: Type.Optional(
      Type.Record(
        AnyKey,
        Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
          description: 'a string, number or boolean',
          doc: 'A variable; a number or boolean reaches the process as written (`1.10` stays `1.10`).',
        }),
        {
          docKey: 'NAME',
          doc: "Environment variables of the process, on top of the manager's own environment, which every process inherits (`PHPEEK_PM_API_TOKEN` excepted). Each instance also gets `PHPEEK_PM_PROCESS_NAME`, `PHPEEK_PM_INSTANCE_ID` (`worker-2`) and `PHPEEK_PM_REPLICA` (`2`).",
        },
      ),
    ),
    working_dir: Type.Optional(
      documented(Type.String({ minLength: 1 }), {
        doc: 'The working directory of the process.',
        defaultText: "the manager's",
      }),
    ),
    user: Type.Optional(
      documented(IdentitySchema('user'), {
        docType: 'name or uid',
        doc: 'The user the process runs as, looked up in `/etc/passwd`. Switching user needs the manager to run as root.',
        defaultText: "the manager's",
      }),
    ),
    group: Type.Optional(
      documented(IdentitySchema('group'), {
        docType: 'name or gid',
        doc: 'The group the process runs as, looked up in `/etc/group`.',
        defaultText: "the primary group of `user`; else the manager's",
      }),
    ),
    depends_on: Type.Optional(
      documented(DependsOnSchema, {
        doc: 'Processes this one waits for, as a list of names (each with `condition: process_started`) or a mapping of names to `{ condition }`. At shutdown a process stops only after everything that depends on it has stopped.',
      }),
    ),
    stop: Type.Optional(StopSchema),
    restart_backoff: Type.Optional(
      documented(ProcessBackoffSchema, {
        doc: 'Overrides `global.restart_backoff` for this process, field by field.',
      }),
    ),
    type: Type.Optional(
      documented(Type.Union(PROCESS_TYPES.map((t) => Type.Literal(t))), {
        doc: '`longrun` is kept running; `oneshot` runs to completion and is done once it exits 0 (see `process_completed_successfully`).',
        defaultText: '`longrun`; `oneshot` with a `schedule`',
      }),
    ),
    critical: Type.Optional(
      documented(Type.Boolean(), {
        doc: "When an instance fails for good (`restart` says no more, or past `max_restarts`), stop everything in order and exit with that instance's exit code.",
        defaultText: '`false`',
      }),
    ),
    // The same as `critical`, in the words of other supervisors: `exit` is `critical: true`.
    on_failure: Type.Optional(
      documented(Type.Union([Type.Literal('restart'), Type.Literal('exit')]), {
        doc: '`critical` in the words of other supervisors: `exit` is `critical: true`.',
        defaultText: '`restart`',
      }),
    ),
    max_restarts: Type.Optional(
      documented(Type.Integer({ minimum: 0 }), {
        doc: 'How many restarts an instance may have (within `restart_window`, if given); past them it is failed and stays down.',
        defaultText: 'no limit',
      }),
    ),
    restart_window: Type.Optional(
      documented(PositiveDurationSchema, {
        doc: 'Count only the restarts of this last stretch of time towards `max_restarts` (which it needs).',
        defaultText: 'since the manager started',
      }),
    ),
    probes: Type.Optional(ProbesSchema),
    schedule: Type.Optional(ScheduleSchema),
    // Next to a cron string; with a `schedule` mapping they go inside it.
    ...ScheduleSettings,
    rollout: Type.Optional(RolloutSchema),
    post_start: Type.Optional(
      documented(HookListSchema, {
        doc: 'Commands run beside each instance once it has started; a failure is logged and the instance keeps running.',
      }),
    ),
    pre_stop: Type.Optional(
      documented(HookListSchema, {
        doc: "Commands run before an instance is sent its stop signal (as Kubernetes' preStop), within `stop.timeout`.",
      }),
    ),
  },
  {
    ...strict,
    doc: 'A process: one command run as `replicas` instances, `<name>-0`, `<name>-1`, ...',
  },
);

export const ConfigFileSchema = Type.Object(
  {
    /** Optional; a missing version means 1. */
    version: Type.Optional(
      Type.Literal(1, {
        code: 'CONFIG_VERSION',
        doc: 'The version of this format.',
        defaultText: '`1`',
      }),
    ),
    global: Type.Optional(GlobalSchema),
    processes: Type.Record(AnyKey, ProcessSchema, {
      description: 'a mapping of process names to their definitions',
      docKey: 'name',
      doc: 'The processes to run, by name: lowercase letters, digits, `-` and `_`, starting and ending with a letter or digit, at most 63 characters.',
    }),
  },
  { ...strict, description: 'a mapping with a `processes` key' },
);

export type ConfigFile = Static<typeof ConfigFileSchema>;
export type ProcessEntry = Static<typeof ProcessSchema>;
export type GlobalEntry = Static<typeof GlobalSchema>;
export type BackoffEntry = Static<typeof BackoffSchema>;
export type RolloutEntry = Static<typeof RolloutSchema>;
