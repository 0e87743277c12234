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
 */
import { type Static, Type } from '@sinclair/typebox';
import { GlobalHooksSchema, HookListSchema } from './hooks-schema.ts';
import { ProbesSchema } from './probes-schema.ts';
import { ScheduleSchema, ScheduleSettings } from './schedule-schema.ts';
import {
  AnyKey,
  CommandSchema,
  DurationSchema,
  PositiveDurationSchema,
  strict,
} from './schema-common.ts';
import { SIGNAL_NAMES, SIGNAL_PATTERN } from './signal.ts';
import type { DependencyCondition, ProcessType } from './types.ts';

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

export const BackoffSchema = Type.Object(
  {
    initial: Type.Optional(DurationSchema),
    max: Type.Optional(DurationSchema),
    reset_after: Type.Optional(DurationSchema),
  },
  strict,
);

/** `host:port` (IPv6 in brackets), or false to turn the listener off. */
const ListenSchema = Type.Union(
  [
    Type.String({ pattern: String.raw`^(\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$` }),
    Type.Literal(false),
  ],
  { description: 'an address such as "127.0.0.1:9180" or "[::1]:9180", or false' },
);

export const GlobalSchema = Type.Object(
  {
    shutdown_timeout: Type.Optional(DurationSchema),
    log_format: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('json')])),
    log_level: Type.Optional(
      Type.Union([
        Type.Literal('trace'),
        Type.Literal('debug'),
        Type.Literal('info'),
        Type.Literal('warn'),
        Type.Literal('error'),
        Type.Literal('fatal'),
      ]),
    ),
    restart_backoff: Type.Optional(BackoffSchema),
    max_log_line: Type.Optional(Type.Integer({ minimum: 256 })),
    hooks: Type.Optional(GlobalHooksSchema),
    api: Type.Optional(
      Type.Object(
        {
          listen: Type.Optional(ListenSchema),
          socket: Type.Optional(
            Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], {
              description: 'a Unix socket path, or false to turn it off',
            }),
          ),
          token: Type.Optional(
            Type.String({ minLength: 16, description: 'a token of at least 16 characters' }),
          ),
        },
        strict,
      ),
    ),
    metrics: Type.Optional(
      Type.Object(
        {
          listen: Type.Optional(ListenSchema),
          path: Type.Optional(
            Type.String({ pattern: '^/', description: 'a path starting with /' }),
          ),
        },
        strict,
      ),
    ),
  },
  strict,
);

const IdentitySchema = (what: string) =>
  Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })], {
    description: `a ${what} name or numeric id`,
  });

const DependencySchema = Type.Union([
  Type.Object(
    { condition: Type.Optional(Type.Union(DEPENDENCY_CONDITIONS.map((c) => Type.Literal(c)))) },
    strict,
  ),
  // `migrate:` with nothing after it: the default condition.
  Type.Null(),
]);

const DependsOnSchema = Type.Union(
  [
    Type.Array(Type.String({ minLength: 1 }), { description: 'a list of process names' }),
    Type.Record(AnyKey, DependencySchema),
  ],
  { description: 'a list of process names or a mapping of process name to { condition }' },
);

export const StopSchema = Type.Object(
  {
    signal: Type.Optional(
      Type.String({
        pattern: SIGNAL_PATTERN,
        code: 'CONFIG_SIGNAL',
        suggest: [...SIGNAL_NAMES, ...SIGNAL_NAMES.map((n) => n.slice(3))],
      }),
    ),
    timeout: Type.Optional(DurationSchema),
  },
  strict,
);

const RolloutSchema = Type.Object(
  {
    max_unavailable: Type.Optional(Type.Integer({ minimum: 0 })),
    max_surge: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  strict,
);

export const ProcessSchema = Type.Object(
  {
    command: CommandSchema,
    replicas: Type.Optional(Type.Integer({ minimum: 0 })),
    max_replicas: Type.Optional(Type.Integer({ minimum: 0 })),
    enabled: Type.Optional(Type.Boolean()),
    restart: Type.Optional(
      Type.Union([Type.Literal('always'), Type.Literal('on-failure'), Type.Literal('never')]),
    ),
    env: Type.Optional(
      Type.Record(
        AnyKey,
        Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
          description: 'a string, number or boolean',
        }),
      ),
    ),
    working_dir: Type.Optional(Type.String({ minLength: 1 })),
    user: Type.Optional(IdentitySchema('user')),
    group: Type.Optional(IdentitySchema('group')),
    depends_on: Type.Optional(DependsOnSchema),
    stop: Type.Optional(StopSchema),
    restart_backoff: Type.Optional(BackoffSchema),
    type: Type.Optional(Type.Union(PROCESS_TYPES.map((t) => Type.Literal(t)))),
    critical: Type.Optional(Type.Boolean()),
    // The same as `critical`, in the words of other supervisors: `exit` is `critical: true`.
    on_failure: Type.Optional(Type.Union([Type.Literal('restart'), Type.Literal('exit')])),
    max_restarts: Type.Optional(Type.Integer({ minimum: 0 })),
    restart_window: Type.Optional(PositiveDurationSchema),
    probes: Type.Optional(ProbesSchema),
    schedule: Type.Optional(ScheduleSchema),
    // Next to a cron string; with a `schedule` mapping they go inside it.
    ...ScheduleSettings,
    rollout: Type.Optional(RolloutSchema),
    post_start: Type.Optional(HookListSchema),
    pre_stop: Type.Optional(HookListSchema),
  },
  strict,
);

export const ConfigFileSchema = Type.Object(
  {
    /** Optional; a missing version means 1. */
    version: Type.Optional(Type.Literal(1, { code: 'CONFIG_VERSION' })),
    global: Type.Optional(GlobalSchema),
    processes: Type.Record(AnyKey, ProcessSchema, {
      description: 'a mapping of process names to their definitions',
    }),
  },
  { ...strict, description: 'a mapping with a `processes` key' },
);

export type ConfigFile = Static<typeof ConfigFileSchema>;
export type ProcessEntry = Static<typeof ProcessSchema>;
export type GlobalEntry = Static<typeof GlobalSchema>;
export type BackoffEntry = Static<typeof BackoffSchema>;
export type RolloutEntry = Static<typeof RolloutSchema>;
