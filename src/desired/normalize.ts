/**
 * The validated file to the desired-state shape of types.ts: defaults applied, durations in
 * milliseconds, commands as argv, env values as strings, dependencies as a map. Total over
 * schema-valid input; the loader never calls it on anything else.
 */
import type { DocPath } from './diagnostics.ts';
import { parseDuration } from './duration.ts';
import type { BackoffEntry, ConfigFile, GlobalEntry, ProcessEntry } from './schema.ts';
import { toSignalName } from './signal.ts';
import { specHash } from './spec-hash.ts';
import type { Backoff, DependencyCondition, GlobalSpec, ProcessSpec, StopSpec } from './types.ts';

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 };

export const DEFAULT_GLOBAL: GlobalSpec = {
  shutdownTimeoutMs: 30_000,
  logFormat: 'text',
  logLevel: 'info',
  restartBackoff: DEFAULT_BACKOFF,
  maxLogLineBytes: 16_384,
};

export const DEFAULT_STOP: StopSpec = { signal: 'SIGTERM', timeoutMs: 10_000 };

const DEFAULT_CONDITION: DependencyCondition = 'process_started';

/** How a number was written in the file (`1.10`), when that differs from the parsed value. */
export type WrittenNumber = (path: DocPath) => string | undefined;

export interface NormalizedConfig {
  readonly global: GlobalSpec;
  readonly processes: Record<string, ProcessSpec>;
}

export function normalizeConfig(
  config: ConfigFile,
  writtenNumber: WrittenNumber = () => undefined,
): NormalizedConfig {
  const global = normalizeGlobal(config.global);
  const processes = Object.fromEntries(
    Object.entries(config.processes).map(([name, entry]) => [
      name,
      normalizeProcess(name, entry, global, writtenNumber),
    ]),
  );
  return { global, processes };
}

export function normalizeGlobal(entry: GlobalEntry = {}): GlobalSpec {
  return {
    shutdownTimeoutMs: durationMs(entry.shutdown_timeout, DEFAULT_GLOBAL.shutdownTimeoutMs),
    logFormat: entry.log_format ?? DEFAULT_GLOBAL.logFormat,
    logLevel: entry.log_level ?? DEFAULT_GLOBAL.logLevel,
    restartBackoff: mergeBackoff(DEFAULT_BACKOFF, entry.restart_backoff),
    maxLogLineBytes: entry.max_log_line ?? DEFAULT_GLOBAL.maxLogLineBytes,
  };
}

/** `base` with each field the entry sets replaced: a process overrides global field by field. */
export function mergeBackoff(base: Backoff, entry: BackoffEntry = {}): Backoff {
  return {
    initialMs: durationMs(entry.initial, base.initialMs),
    maxMs: durationMs(entry.max, base.maxMs),
    resetAfterMs: durationMs(entry.reset_after, base.resetAfterMs),
  };
}

export function normalizeProcess(
  name: string,
  entry: ProcessEntry,
  global: GlobalSpec,
  writtenNumber: WrittenNumber = () => undefined,
): ProcessSpec {
  const identity = {
    // A string runs under a shell so that pipes, globs and `$VAR` work as written.
    command: typeof entry.command === 'string' ? ['/bin/sh', '-c', entry.command] : entry.command,
    env: envStrings(name, entry.env ?? {}, writtenNumber),
    // Absent optional fields stay absent rather than present as undefined.
    ...(entry.working_dir === undefined ? {} : { workingDir: entry.working_dir }),
    ...(entry.user === undefined ? {} : { user: String(entry.user) }),
    ...(entry.group === undefined ? {} : { group: String(entry.group) }),
  };
  return {
    name,
    ...identity,
    replicas: entry.replicas ?? 1,
    enabled: entry.enabled ?? true,
    restart: entry.restart ?? 'always',
    dependsOn: dependencyMap(entry.depends_on),
    stop: {
      signal:
        entry.stop?.signal === undefined ? DEFAULT_STOP.signal : toSignalName(entry.stop.signal),
      timeoutMs: durationMs(entry.stop?.timeout, DEFAULT_STOP.timeoutMs),
    },
    backoff: mergeBackoff(global.restartBackoff, entry.restart_backoff),
    specHash: specHash(identity),
  };
}

function envStrings(
  process: string,
  env: NonNullable<ProcessEntry['env']>,
  writtenNumber: WrittenNumber,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => {
      // `VERSION: 1.10` must reach the process as "1.10", not as the float's "1.1".
      const written =
        typeof value === 'number' ? writtenNumber(['processes', process, 'env', key]) : undefined;
      return [key, written ?? String(value)];
    }),
  );
}

function dependencyMap(
  dependsOn: ProcessEntry['depends_on'],
): Record<string, { condition: DependencyCondition }> {
  if (dependsOn === undefined) return {};
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((name) => [name, { condition: DEFAULT_CONDITION }]));
  }
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, dependency]) => [
      name,
      { condition: dependency?.condition ?? DEFAULT_CONDITION },
    ]),
  );
}

function durationMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`normalize: ${JSON.stringify(value)} is not a duration`);
  return ms;
}
