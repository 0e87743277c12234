/**
 * Checks on `probes:` that a schema cannot state clearly: exactly one target per probe, an
 * http target given either as a URL or as port/host/path/scheme, and ports and URLs that are
 * still valid once per-instance values are filled in. They read the file as written (beside
 * the schema, which reports wrong types), so every problem is reported in one pass.
 */
import { formatMessage } from '../errors.ts';
import { type DocPath, describeFound, type Problem } from './diagnostics.ts';
import { httpUrl } from './normalize-probes.ts';
import { fillInstanceVariables, type ProbeInstance } from './probe-target.ts';
import { type HttpTargetEntry, PROBE_KINDS, PROBE_TARGET_KEYS } from './probes-schema.ts';
import { has, isRecord } from './records.ts';

/** The http keys that build a URL, in the order a message names them. */
const URL_PARTS = ['port', 'host', 'path', 'scheme'] as const;

/** Enough for any real file; past it, a later scale-up meets a bad port at probe time. */
const INSTANCES_CHECKED = 1000;

/**
 * Problems of one process's `probes`. Per-instance values are tried for each of `replicas`
 * instances (at least the first), so `"6553${PHPEEK_PM_REPLICA}"` fails from the seventh on.
 */
export function probeProblems(process: string, probes: unknown, replicas: number): Problem[] {
  if (!isRecord(probes)) return [];
  const count = Math.max(1, Math.min(replicas, INSTANCES_CHECKED));
  const instances = Array.from(
    { length: count },
    (_, index): ProbeInstance => ({
      process,
      index,
      id: `${process}-${index}`,
    }),
  );
  return PROBE_KINDS.flatMap((kind) => {
    const probe = probes[kind];
    if (!isRecord(probe)) return [];
    const path = ['processes', process, 'probes', kind];
    const targets = PROBE_TARGET_KEYS.filter((key) => has(probe, key));
    if (targets.length !== 1) {
      return [
        {
          code: 'CONFIG_PROBE_TARGET',
          path,
          message: formatMessage(
            'CONFIG_PROBE_TARGET',
            targets.length === 0 ? 'none' : and(targets),
          ),
        },
      ];
    }
    const { http, tcp } = probe;
    if (isRecord(http)) return httpProblems(http, [...path, 'http'], instances);
    if (isRecord(tcp)) return portProblems(tcp['port'], [...path, 'tcp', 'port'], instances);
    return [];
  });
}

function httpProblems(
  http: Record<string, unknown>,
  path: DocPath,
  instances: readonly ProbeInstance[],
): Problem[] {
  const written = URL_PARTS.filter((key) => has(http, key));
  if (has(http, 'url')) {
    if (written.length > 0) {
      return [
        {
          code: 'CONFIG_EXCLUSIVE_KEYS',
          path: [...path, written[0] ?? 'port'],
          message: formatMessage(
            'CONFIG_EXCLUSIVE_KEYS',
            '`url`',
            `\`${written[0]}\``,
            '; give either a whole `url` or its `port` (with `host`, `path`, `scheme`)',
          ),
        },
      ];
    }
    const url = http['url'];
    return typeof url === 'string' ? urlProblems(url, [...path, 'url'], instances) : [];
  }
  if (!has(http, 'port')) {
    return [
      {
        code: 'CONFIG_MISSING_KEY',
        path: [...path, 'port'],
        message: formatMessage('CONFIG_MISSING_KEY', '`port`', 'a port number, or a `url`'),
      },
    ];
  }
  const portProblem = portProblems(http['port'], [...path, 'port'], instances);
  if (portProblem.length > 0) return portProblem;
  const parts = urlParts(http);
  if (parts === undefined) return [];
  const culprit = has(http, 'host') ? 'host' : has(http, 'path') ? 'path' : 'port';
  return urlProblems(httpUrl(parts), [...path, culprit], instances);
}

/** The parts a URL is built from, or undefined when one is of a wrong type (the schema's). */
function urlParts(http: Record<string, unknown>): HttpTargetEntry | undefined {
  const { port, host, path, scheme } = http;
  const portOk =
    typeof port === 'string' ||
    (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535);
  const hostOk = host === undefined || (typeof host === 'string' && host !== '');
  const pathOk = path === undefined || (typeof path === 'string' && path.startsWith('/'));
  const schemeOk = scheme === undefined || scheme === 'http' || scheme === 'https';
  if (!portOk || !hostOk || !pathOk || !schemeOk) return undefined;
  return { port, host, path, scheme } as HttpTargetEntry;
}

function portProblems(
  port: unknown,
  path: DocPath,
  instances: readonly ProbeInstance[],
): Problem[] {
  // A number out of range is the schema's to report.
  if (typeof port !== 'string') return [];
  for (const instance of instances) {
    const filled = fillInstanceVariables(port, instance);
    const number = /^\d{1,5}$/.test(filled) ? Number(filled) : Number.NaN;
    if (!(number >= 1 && number <= 65535)) {
      return [
        {
          code: 'CONFIG_PROBE_PORT',
          path,
          message: formatMessage('CONFIG_PROBE_PORT', found(port, filled, instance)),
        },
      ];
    }
  }
  return [];
}

function urlProblems(url: string, path: DocPath, instances: readonly ProbeInstance[]): Problem[] {
  for (const instance of instances) {
    const filled = fillInstanceVariables(url, instance);
    if (!isHttpUrl(filled)) {
      return [
        {
          code: 'CONFIG_PROBE_URL',
          path,
          message: formatMessage('CONFIG_PROBE_URL', found(url, filled, instance)),
        },
      ];
    }
  }
  return [];
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** `"90${PHPEEK_PM_REPLICA}" ("9012" for replica 12)`, or just the value when nothing was filled. */
function found(written: string, filled: string, instance: ProbeInstance): string {
  const value = describeFound(written);
  return filled === written
    ? value
    : `${value} (${JSON.stringify(filled)} for replica ${instance.index})`;
}

function and(words: readonly string[]): string {
  return words.length <= 2
    ? words.join(' and ')
    : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
