/**
 * The validated file to the desired-state shape of types.ts: defaults applied, durations in
 * milliseconds, commands as argv, env values as strings, dependencies as a map. Total over
 * schema-valid input; the loader never calls it on anything else.
 */
import type { DocPath } from './diagnostics.ts';
import { durationMs, positiveDurationMs } from './duration.ts';
import type { HookListEntry } from './hooks-schema.ts';
import { probeSpecs } from './normalize-probes.ts';
import type { BackoffEntry, ConfigFile, GlobalEntry, ProcessEntry } from './schema.ts';
import { toSignalName } from './signal.ts';
import { parseSize } from './size.ts';
import { specHash } from './spec-hash.ts';
import type {
  Backoff,
  DependencyCondition,
  GlobalSpec,
  HookSpec,
  PhpSpec,
  ProcessSpec,
  RolloutSpec,
  ScheduleSpec,
  StopSpec,
} from './types.ts';

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 };

/**
 * Memory PHP-FPM auto-tuning keeps for everything but its workers (nginx, the manager,
 * opcache's shared memory) unless `global.php_fpm.reserved_memory` says otherwise.
 */
export const DEFAULT_RESERVED_MEMORY_BYTES = 128 * 2 ** 20;

export const DEFAULT_PHP: PhpSpec = {
  workdir: '/var/www/html',
  setup: true,
  framework: 'auto',
  autotune: false,
  user: 'www-data',
};

export const DEFAULT_GLOBAL: GlobalSpec = {
  hooks: { preStart: [], postStart: [], preStop: [], postStop: [] },
  php: DEFAULT_PHP,
  shutdownTimeoutMs: 30_000,
  logFormat: 'text',
  logLevel: 'info',
  restartBackoff: DEFAULT_BACKOFF,
  maxLogLineBytes: 16_384,
  api: { listen: '127.0.0.1:9180', socket: '/run/phpeek-pm/api.sock' },
  metrics: { listen: '0.0.0.0:9090', path: '/metrics' },
};

export const DEFAULT_STOP: StopSpec = { signal: 'SIGTERM', timeoutMs: 10_000 };

/** Replace one instance at a time, never running more than `replicas`. */
export const DEFAULT_ROLLOUT: RolloutSpec = { maxUnavailable: 1, maxSurge: 0 };

export const DEFAULT_HOOK: Omit<HookSpec, 'command'> = {
  timeoutMs: 30_000,
  retries: 0,
  continueOnError: false,
};

export const DEFAULT_SCHEDULE: Pick<ScheduleSpec, 'concurrency' | 'historyLimit'> = {
  concurrency: 'forbid',
  historyLimit: 10,
};

export const DEFAULT_CONDITION: DependencyCondition = 'process_started';

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
  const hooks = entry.hooks ?? {};
  return {
    hooks: {
      preStart: hookSpecs(hooks.pre_start),
      postStart: hookSpecs(hooks.post_start),
      preStop: hookSpecs(hooks.pre_stop),
      postStop: hookSpecs(hooks.post_stop),
    },
    php: phpSpec(entry),
    shutdownTimeoutMs: durationMs(entry.shutdown_timeout, DEFAULT_GLOBAL.shutdownTimeoutMs),
    logFormat: entry.log_format ?? DEFAULT_GLOBAL.logFormat,
    logLevel: entry.log_level ?? DEFAULT_GLOBAL.logLevel,
    restartBackoff: mergeBackoff(DEFAULT_BACKOFF, entry.restart_backoff),
    maxLogLineBytes: entry.max_log_line ?? DEFAULT_GLOBAL.maxLogLineBytes,
    api: {
      listen: entry.api?.listen ?? DEFAULT_GLOBAL.api.listen,
      socket: entry.api?.socket ?? DEFAULT_GLOBAL.api.socket,
      ...(entry.api?.token === undefined ? {} : { token: entry.api.token }),
    },
    metrics: {
      listen: entry.metrics?.listen ?? DEFAULT_GLOBAL.metrics.listen,
      path: entry.metrics?.path ?? DEFAULT_GLOBAL.metrics.path,
    },
  };
}

function phpSpec(entry: GlobalEntry): PhpSpec {
  const fpm = entry.php_fpm ?? {};
  const workerMemory = fpm.worker_memory === undefined ? undefined : parseSize(fpm.worker_memory);
  const reserved = fpm.reserved_memory === undefined ? undefined : parseSize(fpm.reserved_memory);
  return {
    workdir: entry.workdir ?? DEFAULT_PHP.workdir,
    setup: entry.setup ?? DEFAULT_PHP.setup,
    framework: entry.framework ?? DEFAULT_PHP.framework,
    autotune: fpm.autotune ?? DEFAULT_PHP.autotune,
    user: String(fpm.user ?? DEFAULT_PHP.user),
    ...(fpm.group === undefined ? {} : { group: String(fpm.group) }),
    ...(workerMemory === undefined ? {} : { workerMemoryBytes: workerMemory }),
    ...(reserved === undefined ? {} : { reservedMemoryBytes: reserved }),
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
    command: commandArgv(entry.command),
    env: envStrings(name, entry.env ?? {}, writtenNumber),
    // Absent optional fields stay absent rather than present as undefined.
    ...(entry.working_dir === undefined ? {} : { workingDir: entry.working_dir }),
    ...(entry.user === undefined ? {} : { user: String(entry.user) }),
    ...(entry.group === undefined ? {} : { group: String(entry.group) }),
  };
  const schedule = scheduleSpec(entry);
  // A scheduled process runs to completion each time it fires.
  const type = schedule === undefined ? (entry.type ?? 'longrun') : 'oneshot';
  return {
    name,
    type,
    ...identity,
    replicas: entry.replicas ?? 1,
    ...(entry.max_replicas === undefined ? {} : { maxReplicas: entry.max_replicas }),
    enabled: entry.enabled ?? true,
    // A oneshot that succeeded is done; `always` would run it again and again.
    restart: entry.restart ?? (type === 'oneshot' ? 'never' : 'always'),
    dependsOn: dependencyMap(entry.depends_on),
    stop: {
      signal:
        entry.stop?.signal === undefined ? DEFAULT_STOP.signal : toSignalName(entry.stop.signal),
      timeoutMs: durationMs(entry.stop?.timeout, DEFAULT_STOP.timeoutMs),
    },
    backoff: mergeBackoff(global.restartBackoff, entry.restart_backoff),
    ...(entry.max_restarts === undefined ? {} : { maxRestarts: entry.max_restarts }),
    ...(entry.restart_window === undefined
      ? {}
      : { restartWindowMs: positiveDurationMs(entry.restart_window, 0) }),
    critical: entry.critical ?? entry.on_failure === 'exit',
    probes: probeSpecs(entry.probes),
    ...(schedule === undefined ? {} : { schedule }),
    rollout: {
      maxUnavailable: entry.rollout?.max_unavailable ?? DEFAULT_ROLLOUT.maxUnavailable,
      maxSurge: entry.rollout?.max_surge ?? DEFAULT_ROLLOUT.maxSurge,
    },
    postStart: hookSpecs(entry.post_start),
    preStop: hookSpecs(entry.pre_stop),
    // Probes, hooks, schedule, rollout and restart limits are left out on purpose: they say
    // how an instance is watched and replaced, not what runs, and must not replace it.
    specHash: specHash(identity),
  };
}

/** The schedule in either form: a cron string with settings beside it, or one mapping. */
function scheduleSpec(entry: ProcessEntry): ScheduleSpec | undefined {
  if (entry.schedule === undefined) return undefined;
  const settings = typeof entry.schedule === 'string' ? entry : entry.schedule;
  const cron = typeof entry.schedule === 'string' ? entry.schedule : entry.schedule.cron;
  return {
    cron: cron.trim(),
    ...(settings.timezone === undefined ? {} : { timezone: settings.timezone }),
    concurrency: settings.concurrency ?? DEFAULT_SCHEDULE.concurrency,
    ...(settings.timeout === undefined
      ? {}
      : { timeoutMs: positiveDurationMs(settings.timeout, 0) }),
    historyLimit: settings.history ?? DEFAULT_SCHEDULE.historyLimit,
  };
}

/** A hook list, or one hook standing for a list of one. */
export function hookSpecs(entry: HookListEntry | undefined): HookSpec[] {
  if (entry === undefined) return [];
  const hooks = Array.isArray(entry) ? entry : [entry];
  return hooks.map((hook) => {
    const settings = typeof hook === 'string' || Array.isArray(hook) ? { command: hook } : hook;
    return {
      command: commandArgv(settings.command),
      timeoutMs: positiveDurationMs(settings.timeout, DEFAULT_HOOK.timeoutMs),
      retries: settings.retries ?? DEFAULT_HOOK.retries,
      continueOnError: settings.continue_on_error ?? DEFAULT_HOOK.continueOnError,
    };
  });
}

/** A string runs under a shell so that pipes, globs and `$VAR` work as written. */
function commandArgv(command: string | readonly string[]): string[] {
  return typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
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
