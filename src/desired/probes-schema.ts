/**
 * `probes:` of a process: startup, readiness and liveness checks, each an exec, http or tcp
 * target plus timings. Which target a probe has (exactly one) and whether a port or URL is
 * usable once per-instance values are filled in are checked in probe-problems.ts: a schema
 * cannot say either clearly.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_PROBE_HOST, DEFAULT_PROBE_TIMING } from './normalize-probes.ts';
import {
  AnyKey,
  CommandSchema,
  DurationSchema,
  PositiveDurationSchema,
  strict,
} from './schema-common.ts';
import { documented, durationDefault, valueDefault } from './schema-doc.ts';
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
  {
    description: 'a port number between 1 and 65535',
    docType: 'port',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's own ${...} syntax.
    doc: 'The port, 1 to 65535. It may use `${PHPEEK_PM_REPLICA}` to probe each replica on its own port (`"90${PHPEEK_PM_REPLICA}"`).',
  },
);

const HostSchema = Type.String({
  minLength: 1,
  doc: 'The address to connect to.',
  defaultText: valueDefault(() => DEFAULT_PROBE_HOST),
});

const StatusSchema = Type.Integer({ minimum: 100, maximum: 599 });

const ExecTargetSchema = Type.Object(
  {
    command: documented(CommandSchema, {
      doc: "Run in the instance's environment, as its user; exit code 0 passes. A string runs under `/bin/sh -c`.",
    }),
  },
  { ...strict, doc: 'A command that passes when it exits 0.' },
);

const HttpTargetSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        pattern: String.raw`\S`,
        description: 'a URL',
        doc: 'The whole `http://` or `https://` URL, instead of `port`, `host`, `path` and `scheme`.',
      }),
    ),
    port: Type.Optional(PortSchema),
    host: Type.Optional(HostSchema),
    path: Type.Optional(
      Type.String({
        pattern: '^/',
        description: 'a path starting with "/", such as "/healthz"',
        doc: 'The path and query of the request.',
        defaultText: '`/`',
      }),
    ),
    scheme: Type.Optional(
      documented(Type.Union([Type.Literal('http'), Type.Literal('https')]), {
        doc: 'With `https`, the certificate is not verified (the probe checks the process, not its certificate).',
        defaultText: '`http`',
      }),
    ),
    method: Type.Optional(
      documented(Type.Union(HTTP_METHODS.map((m) => Type.Literal(m))), {
        doc: 'The request method.',
        defaultText: '`GET`',
      }),
    ),
    headers: Type.Optional(
      Type.Record(AnyKey, Type.String({ doc: 'A request header.' }), {
        docKey: 'header',
        doc: 'Request headers (the API shows their values redacted).',
      }),
    ),
    expected_status: Type.Optional(
      Type.Union([StatusSchema, Type.Array(StatusSchema, { minItems: 1 })], {
        description: 'an HTTP status between 100 and 599 or a list of them',
        docType: 'status or list of statuses',
        doc: 'The statuses that pass.',
        defaultText: 'any 2xx or 3xx',
      }),
    ),
  },
  { ...strict, doc: 'An HTTP request that passes on the expected status. Give `url`, or `port`.' },
);

const TcpTargetSchema = Type.Object(
  { port: PortSchema, host: Type.Optional(HostSchema) },
  { ...strict, doc: 'A TCP connection that passes when it opens.' },
);

/**
 * Liveness and startup probes pass on the first success, as in Kubernetes: a success
 * threshold there would only delay a restart or the start of readiness checks.
 */
const SuccessThresholdSchema = (kind: ProbeKind) =>
  documented(
    kind === 'readiness'
      ? Type.Integer({ minimum: 1 })
      : Type.Integer({
          minimum: 1,
          maximum: 1,
          description: `1 (a ${kind} probe passes on its first success)`,
          docType: '`1`',
        }),
    {
      doc:
        kind === 'readiness'
          ? 'Successes in a row that make a failing probe pass again.'
          : `Always 1: a ${kind} probe passes on its first success.`,
      defaultText: valueDefault(() => DEFAULT_PROBE_TIMING.successThreshold),
    },
  );

/** What each kind of probe is for, as the reference says it. */
const PROBE_DOCS: Record<ProbeKind, string> = {
  startup:
    'Until it passes, the other probes do not run; past its failure threshold the instance is restarted. For processes slow to start.',
  readiness:
    'Whether the instance is ready: for `process_healthy` dependents, rolling replacements and `/readyz`. A failing readiness probe never restarts anything.',
  liveness: 'Past its failure threshold, the instance is restarted (counted as a crash).',
};

const probeSchema = (kind: ProbeKind) =>
  Type.Object(
    {
      exec: Type.Optional(ExecTargetSchema),
      http: Type.Optional(HttpTargetSchema),
      tcp: Type.Optional(TcpTargetSchema),
      initial_delay: Type.Optional(
        documented(DurationSchema, {
          doc: 'How long after the start of the instance the first attempt waits.',
          defaultText: durationDefault(() => DEFAULT_PROBE_TIMING.initialDelayMs),
        }),
      ),
      period: Type.Optional(
        documented(PositiveDurationSchema, {
          doc: 'The time between the starts of two attempts.',
          defaultText: durationDefault(() => DEFAULT_PROBE_TIMING.periodMs),
        }),
      ),
      timeout: Type.Optional(
        documented(PositiveDurationSchema, {
          doc: 'An attempt that takes longer fails.',
          defaultText: durationDefault(() => DEFAULT_PROBE_TIMING.timeoutMs),
        }),
      ),
      success_threshold: Type.Optional(SuccessThresholdSchema(kind)),
      failure_threshold: Type.Optional(
        documented(Type.Integer({ minimum: 1 }), {
          doc: 'Failures in a row that make the probe fail.',
          defaultText: valueDefault(() => DEFAULT_PROBE_TIMING.failureThreshold),
        }),
      ),
    },
    { ...strict, doc: `${PROBE_DOCS[kind]} Exactly one of \`exec\`, \`http\`, \`tcp\`.` },
  );

export const ProbeSchema = probeSchema('readiness');

export const ProbesSchema = Type.Object(
  {
    startup: Type.Optional(probeSchema('startup')),
    readiness: Type.Optional(probeSchema('readiness')),
    liveness: Type.Optional(probeSchema('liveness')),
  },
  {
    ...strict,
    doc: 'Health checks of each instance, as in Kubernetes. Probes only record results; the manager decides what follows.',
  },
);

export type ProbeEntry = Static<typeof ProbeSchema>;
export type HttpTargetEntry = Static<typeof HttpTargetSchema>;
export type ProbesEntry = Static<typeof ProbesSchema>;
