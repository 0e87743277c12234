/**
 * `probes:` of a process: startup, readiness and liveness checks, each an exec, http or tcp
 * target plus timings. Which target a probe has (exactly one) and whether a port or URL is
 * usable once per-instance values are filled in are checked in probe-problems.ts: a schema
 * cannot say either clearly.
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  AnyKey,
  CommandSchema,
  DurationSchema,
  PositiveDurationSchema,
  strict,
} from './schema-common.ts';
import type { ProbeKind } from './types.ts';

export const PROBE_KINDS = [
  'startup',
  'readiness',
  'liveness',
] as const satisfies readonly ProbeKind[];

/** The keys naming a probe's target; a probe has exactly one of them. */
export const PROBE_TARGET_KEYS = ['exec', 'http', 'tcp'] as const;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * A number, or a string that becomes one once `${PHPEEK_PM_REPLICA}` and the like are filled
 * in for each instance (`"90${PHPEEK_PM_REPLICA}"`).
 */
const PortSchema = Type.Union(
  [Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ minLength: 1 })],
  { description: 'a port number between 1 and 65535' },
);

const HostSchema = Type.String({ minLength: 1 });

const StatusSchema = Type.Integer({ minimum: 100, maximum: 599 });

const ExecTargetSchema = Type.Object({ command: CommandSchema }, strict);

const HttpTargetSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ pattern: String.raw`\S`, description: 'a URL' })),
    port: Type.Optional(PortSchema),
    host: Type.Optional(HostSchema),
    path: Type.Optional(
      Type.String({ pattern: '^/', description: 'a path starting with "/", such as "/healthz"' }),
    ),
    scheme: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')])),
    method: Type.Optional(Type.Union(HTTP_METHODS.map((m) => Type.Literal(m)))),
    headers: Type.Optional(Type.Record(AnyKey, Type.String())),
    expected_status: Type.Optional(
      Type.Union([StatusSchema, Type.Array(StatusSchema, { minItems: 1 })], {
        description: 'an HTTP status between 100 and 599 or a list of them',
      }),
    ),
  },
  strict,
);

const TcpTargetSchema = Type.Object({ port: PortSchema, host: Type.Optional(HostSchema) }, strict);

/**
 * Liveness and startup probes pass on the first success, as in Kubernetes: a success
 * threshold there would only delay a restart or the start of readiness checks.
 */
const SuccessThresholdSchema = (kind: ProbeKind) =>
  kind === 'readiness'
    ? Type.Integer({ minimum: 1 })
    : Type.Integer({
        minimum: 1,
        maximum: 1,
        description: `1 (a ${kind} probe passes on its first success)`,
      });

const probeSchema = (kind: ProbeKind) =>
  Type.Object(
    {
      exec: Type.Optional(ExecTargetSchema),
      http: Type.Optional(HttpTargetSchema),
      tcp: Type.Optional(TcpTargetSchema),
      initial_delay: Type.Optional(DurationSchema),
      period: Type.Optional(PositiveDurationSchema),
      timeout: Type.Optional(PositiveDurationSchema),
      success_threshold: Type.Optional(SuccessThresholdSchema(kind)),
      failure_threshold: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    strict,
  );

export const ProbeSchema = probeSchema('readiness');

export const ProbesSchema = Type.Object(
  {
    startup: Type.Optional(probeSchema('startup')),
    readiness: Type.Optional(probeSchema('readiness')),
    liveness: Type.Optional(probeSchema('liveness')),
  },
  strict,
);

export type ProbeEntry = Static<typeof ProbeSchema>;
export type HttpTargetEntry = Static<typeof HttpTargetSchema>;
export type ProbesEntry = Static<typeof ProbesSchema>;
