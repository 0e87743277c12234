/**
 * `probes:` of a validated file to `ProbeSpec`s: defaults applied, durations in milliseconds,
 * an http target's host/port/path/scheme turned into one URL. Per-instance `${...}` stay in
 * the strings (see probe-target.ts).
 */
import { durationMs, positiveDurationMs } from './duration.ts';
import {
  type HttpTargetEntry,
  PROBE_KINDS,
  type ProbeEntry,
  type ProbesEntry,
} from './probes-schema.ts';
import type { ProbeKind, ProbeSpec, ProbeTarget } from './types.ts';

/** Kubernetes' defaults. */
export const DEFAULT_PROBE_TIMING = {
  initialDelayMs: 0,
  periodMs: 10_000,
  timeoutMs: 1000,
  successThreshold: 1,
  failureThreshold: 3,
} as const satisfies Omit<ProbeSpec, 'target'>;

export const DEFAULT_PROBE_HOST = '127.0.0.1';

export function probeSpecs(entry: ProbesEntry = {}): Partial<Record<ProbeKind, ProbeSpec>> {
  const specs: Partial<Record<ProbeKind, ProbeSpec>> = {};
  for (const kind of PROBE_KINDS) {
    const probe = entry[kind];
    if (probe !== undefined) specs[kind] = probeSpec(probe);
  }
  return specs;
}

export function probeSpec(entry: ProbeEntry): ProbeSpec {
  const d = DEFAULT_PROBE_TIMING;
  return {
    target: probeTarget(entry),
    initialDelayMs: durationMs(entry.initial_delay, d.initialDelayMs),
    periodMs: positiveDurationMs(entry.period, d.periodMs),
    timeoutMs: positiveDurationMs(entry.timeout, d.timeoutMs),
    successThreshold: entry.success_threshold ?? d.successThreshold,
    failureThreshold: entry.failure_threshold ?? d.failureThreshold,
  };
}

function probeTarget(entry: ProbeEntry): ProbeTarget {
  if (entry.exec !== undefined) {
    const { command } = entry.exec;
    return {
      type: 'exec',
      command: typeof command === 'string' ? ['/bin/sh', '-c', command] : command,
    };
  }
  if (entry.http !== undefined) {
    const http = entry.http;
    const status = http.expected_status;
    return {
      type: 'http',
      url: httpUrl(http),
      method: http.method ?? 'GET',
      headers: http.headers ?? {},
      expectedStatus: status === undefined ? [] : typeof status === 'number' ? [status] : status,
    };
  }
  if (entry.tcp !== undefined) {
    return {
      type: 'tcp',
      host: entry.tcp.host ?? DEFAULT_PROBE_HOST,
      port: String(entry.tcp.port),
    };
  }
  throw new Error('normalize: a probe without exec, http or tcp');
}

/** `url` as written, or one built from scheme, host, port and path. */
export function httpUrl(http: HttpTargetEntry): string {
  if (http.url !== undefined) return http.url;
  if (http.port === undefined) throw new Error('normalize: an http probe without url or port');
  const host = http.host ?? DEFAULT_PROBE_HOST;
  // An IPv6 address needs brackets in a URL, or its colons read as the port's.
  const authority = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${http.scheme ?? 'http'}://${authority}:${http.port}${http.path ?? '/'}`;
}
