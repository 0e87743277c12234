/**
 * The wire format of the API as TypeBox schemas: requests are validated against them
 * (validation.ts) and the OpenAPI document is built from them. Responses are serialized with
 * JSON.stringify, so a response schema documents the shape and never drops a field; a unit test
 * checks real responses against these schemas.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PROCESS_NAME_MAX_LENGTH } from '../desired/process-name.ts';
import { SIGNAL_PATTERN } from '../desired/signal.ts';

const strict = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Iso = Type.String({ description: 'an ISO 8601 time', format: 'date-time' });
const Source = Type.Union([Type.Literal('file'), Type.Literal('api')]);

/** Replicas the API accepts at most, whatever the file says: a guard against a typo of 1e6. */
export const API_MAX_REPLICAS = 1000;

// Requests

export const NameParams = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$',
      maxLength: PROCESS_NAME_MAX_LENGTH,
      description: 'a process name (lowercase letters, digits, "-", "_")',
    }),
  },
  strict,
);

export const NoQuery = Type.Object({}, strict);

export const ProcessPatchBody = Type.Object(
  {
    replicas: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: API_MAX_REPLICAS,
        description: `a whole number from 0 to ${API_MAX_REPLICAS}`,
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'true or false' })),
  },
  { ...strict, minProperties: 1 },
);
export type ProcessPatchBody = Static<typeof ProcessPatchBody>;

export const SignalBody = Type.Object(
  {
    signal: Type.String({
      pattern: SIGNAL_PATTERN,
      description: 'a signal name such as SIGHUP or HUP',
    }),
  },
  strict,
);
export type SignalBody = Static<typeof SignalBody>;

export const LogsQuery = Type.Object(
  {
    tail: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10_000,
        default: 100,
        description: 'a whole number of lines from 0 to 10000',
      }),
    ),
    follow: Type.Optional(
      Type.Boolean({ description: 'true/1 to stream new lines as server-sent events' }),
    ),
  },
  strict,
);
export type LogsQuery = Static<typeof LogsQuery>;

export const YamlBody = Type.String({ description: 'a phpeek-pm configuration file (YAML)' });

// Responses

export const ErrorResponse = Type.Object({
  code: Type.String({ description: 'a stable code from the error registry, e.g. API_NOT_FOUND' }),
  message: Type.String(),
  path: Type.Optional(Type.String({ description: 'the field at fault, e.g. replicas' })),
});

export const ProbeStatusView = Type.Object({
  state: Type.Union([Type.Literal('unknown'), Type.Literal('success'), Type.Literal('failure')]),
  successes: Type.Integer(),
  failures: Type.Integer(),
  lastMessage: Type.String(),
  lastAt: Nullable(Iso),
  lastDurationMs: Type.Number(),
});

export const ExitView = Type.Object({
  code: Nullable(Type.Integer()),
  signal: Nullable(Type.String()),
  at: Iso,
  requested: Type.Boolean({ description: 'the manager asked it to stop' }),
  spawnError: Type.Optional(Type.String()),
  stopCause: Type.Optional(Type.String()),
});

export const InstanceView = Type.Object({
  id: Type.String(),
  index: Type.Integer(),
  phase: Type.Union(
    ['pending', 'starting', 'running', 'stopping', 'exited'].map((p) => Type.Literal(p)),
    { description: 'pending: desired but not started yet (see reason)' },
  ),
  pid: Nullable(Type.Integer()),
  ready: Type.Boolean(),
  restarts: Type.Integer(),
  startedAt: Nullable(Iso),
  lastExit: Nullable(ExitView),
  probes: Type.Record(Type.String(), ProbeStatusView),
  reason: Nullable(Type.String({ description: 'why it waits (the planner) or is stopping' })),
  until: Type.Optional(Iso),
  outdated: Type.Boolean({ description: 'started from an older spec; will be replaced' }),
  retiredFrom: Type.Optional(Type.String()),
  scheduledFor: Type.Optional(Iso),
});

export const RunView = Type.Object({
  instance: Type.String(),
  scheduledFor: Iso,
  startedAt: Nullable(Iso),
  finishedAt: Iso,
  code: Nullable(Type.Integer()),
  signal: Nullable(Type.String()),
  outcome: Type.String(),
  detail: Type.Optional(Type.String()),
});

export const ScheduleView = Type.Object({
  cron: Type.String(),
  timezone: Nullable(Type.String()),
  concurrency: Type.String(),
  timeoutMs: Nullable(Type.Number()),
  lastFireAt: Nullable(Iso),
  nextFireAt: Nullable(Iso),
  history: Type.Array(RunView),
});

export const ProcessView = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('longrun'), Type.Literal('oneshot')]),
  replicas: Type.Integer({ description: 'desired replicas' }),
  replicasSource: Source,
  maxReplicas: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  enabledSource: Source,
  running: Type.Integer(),
  ready: Type.Integer(),
  schedule: Nullable(ScheduleView),
  instances: Type.Array(InstanceView),
});

export const ProcessList = Type.Object({ processes: Type.Array(ProcessView) });

export const DesiredView = Type.Object({
  name: Type.String(),
  generation: Type.Integer({ description: 'of the whole desired state; grows with every change' }),
  replicas: Type.Integer(),
  replicasSource: Source,
  maxReplicas: Nullable(Type.Integer()),
  enabled: Type.Boolean(),
  enabledSource: Source,
  restartRequests: Type.Integer({ description: 'rolling restarts asked for through the API' }),
});

export const SignalResult = Type.Object({
  process: Type.String(),
  signal: Type.String(),
  signalled: Type.Array(Type.String(), { description: 'the instances that were sent it' }),
});

const ActionSchema = Type.Object(
  {
    kind: Type.String({ description: 'spawn, stop, kill, retire, forget, skip-run, ...' }),
    reason: Type.String(),
  },
  { additionalProperties: true },
);

const BlockedSchema = Type.Object({
  id: Type.String(),
  process: Type.String(),
  reason: Type.String(),
  until: Type.Optional(Type.Number({ description: 'epoch ms' })),
});

export const PlanView = Type.Object({
  actions: Type.Array(ActionSchema),
  blocked: Type.Array(BlockedSchema),
  requeueAfterMs: Type.Optional(Type.Number()),
  phpFpm: Type.Optional(
    Type.Array(Type.String(), { description: 'How PHP-FPM was auto-tuned at start, line by line' }),
  ),
});

const ChangeSchema = Type.Object({
  name: Type.String(),
  change: Type.String(),
  detail: Type.Optional(Type.String()),
});

export const DryRunView = Type.Object({
  changes: Type.Array(ChangeSchema),
  plan: PlanView,
});

export const ReloadView = Type.Object({ changes: Type.Array(ChangeSchema) });

const DiagnosticSchema = Type.Object({
  code: Type.String(),
  file: Type.String(),
  path: Type.String(),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
  message: Type.String(),
});

export const ConfigInvalid = Type.Object({
  code: Type.Literal('CONFIG_INVALID'),
  message: Type.String(),
  diagnostics: Type.Array(DiagnosticSchema),
});

export const ConfigView = Type.Object({
  file: Type.String(),
  generation: Type.Integer(),
  shuttingDown: Type.Boolean(),
  global: Type.Object({}, { additionalProperties: true }),
  processes: Type.Record(
    Type.String(),
    Type.Object(
      {
        sources: Type.Object({
          replicas: Source,
          enabled: Source,
          restarts: Type.Integer(),
        }),
      },
      {
        additionalProperties: true,
        description: 'the effective spec (durations in ms); env and header values redacted',
      },
    ),
  ),
});

export const LogLineView = Type.Object({
  at: Iso,
  instance: Type.String(),
  stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]),
  message: Type.String(),
});

export const LogsView = Type.Object({ process: Type.String(), lines: Type.Array(LogLineView) });

export const EventView = Type.Object({
  seq: Type.Integer(),
  at: Iso,
  type: Type.String(),
  process: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  message: Type.String(),
  data: Type.Optional(Type.Unknown()),
});

export const Health = Type.Object({ status: Type.Literal('ok') });

export const NotReady = Type.Object({
  status: Type.Literal('not ready'),
  reasons: Type.Array(Type.String()),
  processes: Type.Array(
    Type.Object({ name: Type.String(), replicas: Type.Integer(), ready: Type.Integer() }),
  ),
});

/** The error responses every route may give, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
}
