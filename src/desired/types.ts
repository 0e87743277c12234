/**
 * The desired state after loading: every default applied, every duration in milliseconds,
 * every command an argv. The planner reads only this shape, never the raw file.
 */

export type RestartPolicy = 'always' | 'on-failure' | 'never';
export type DependencyCondition =
  | 'process_started'
  | 'process_healthy'
  | 'process_completed_successfully';
export type ProcessType = 'longrun' | 'oneshot';
export type ProbeKind = 'startup' | 'readiness' | 'liveness';
export type Concurrency = 'forbid' | 'allow' | 'replace';
export type LogFormat = 'text' | 'json';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Backoff {
  /** Delay before the first restart; doubles with every consecutive failure. */
  readonly initialMs: number;
  /** Upper bound of the delay. */
  readonly maxMs: number;
  /** An instance that ran at least this long has its failure count reset. */
  readonly resetAfterMs: number;
}

export interface StopSpec {
  /** Signal name sent to the whole process group, e.g. `SIGTERM`. */
  readonly signal: NodeJS.Signals;
  /** After this, the group gets SIGKILL. */
  readonly timeoutMs: number;
}

/**
 * What a probe checks. Strings may hold `${PHPEEK_PM_REPLICA}`, `${PHPEEK_PM_INSTANCE_ID}` and
 * `${PHPEEK_PM_PROCESS_NAME}`, left as written at load time and filled in per instance
 * (`instanceProbeTarget`, called by src/cli/probe-sync.ts) before the probe runners get them,
 * so each replica can be probed on its own port.
 */
export type ProbeTarget =
  | {
      readonly type: 'exec';
      readonly command: readonly string[];
      /** The instance's environment and directory, filled in per instance with the target. */
      readonly env?: Readonly<Record<string, string | undefined>>;
      readonly cwd?: string;
    }
  | {
      readonly type: 'http';
      /** Full URL; built from host/port/path/scheme when the file gives those instead. */
      readonly url: string;
      readonly method: string;
      readonly headers: Readonly<Record<string, string>>;
      /** Accepted statuses; empty means any 2xx or 3xx. */
      readonly expectedStatus: readonly number[];
    }
  | { readonly type: 'tcp'; readonly host: string; readonly port: string };

export interface ProbeSpec {
  readonly target: ProbeTarget;
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

export interface HookSpec {
  /** argv; a string in the file becomes `['/bin/sh', '-c', command]`. */
  readonly command: readonly string[];
  readonly timeoutMs: number;
  /** Extra attempts after a failure. */
  readonly retries: number;
  readonly continueOnError: boolean;
}

export interface ScheduleSpec {
  /** Cron expression, 5 fields or 6 with leading seconds. */
  readonly cron: string;
  /** IANA time zone, e.g. `Europe/Berlin`; undefined: the manager's local time. */
  readonly timezone?: string;
  readonly concurrency: Concurrency;
  /** A run still going after this is stopped; undefined: no limit. */
  readonly timeoutMs?: number;
  /** How many finished runs to keep in the history. */
  readonly historyLimit: number;
}

export interface RolloutSpec {
  readonly maxUnavailable: number;
  readonly maxSurge: number;
}

export interface ProcessSpec {
  readonly name: string;
  /** `oneshot` runs to completion; a process with a `schedule` is always a oneshot. */
  readonly type: ProcessType;
  /** argv; a string command in the file becomes `['/bin/sh', '-c', command]`. */
  readonly command: readonly string[];
  readonly replicas: number;
  /** Upper bound for `replicas` set through the API; undefined: no bound. */
  readonly maxReplicas?: number;
  readonly enabled: boolean;
  readonly restart: RestartPolicy;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** User and group as given (name or numeric id); resolved by the executor. */
  readonly user?: string;
  readonly group?: string;
  readonly dependsOn: Readonly<Record<string, { readonly condition: DependencyCondition }>>;
  readonly stop: StopSpec;
  readonly backoff: Backoff;
  /** At most this many restarts within `restartWindowMs`; undefined: unlimited. */
  readonly maxRestarts?: number;
  /** The window `maxRestarts` counts in; undefined: since the instance was first started. */
  readonly restartWindowMs?: number;
  /** When it fails for good, shut the manager down and exit with its exit code. */
  readonly critical: boolean;
  readonly probes: Readonly<Partial<Record<ProbeKind, ProbeSpec>>>;
  readonly schedule?: ScheduleSpec;
  readonly rollout: RolloutSpec;
  /** Run after each instance has been spawned (does not delay it). */
  readonly postStart: readonly HookSpec[];
  /** Run before the stop signal of each instance; counts against the stop timeout. */
  readonly preStop: readonly HookSpec[];
  /**
   * Hash of everything that shapes a running instance (command, env, user, ...), but not of
   * replicas, enabled or restart settings: an instance whose hash differs must be replaced.
   */
  readonly specHash: string;
}

export interface GlobalHooks {
  /** Before any process starts; a failure aborts start-up unless `continueOnError`. */
  readonly preStart: readonly HookSpec[];
  /** Once every enabled long-running process has all its replicas started. */
  readonly postStart: readonly HookSpec[];
  /** When shutdown begins, before any process is stopped. */
  readonly preStop: readonly HookSpec[];
  /** After every process has stopped, before the manager exits. */
  readonly postStop: readonly HookSpec[];
}

export interface ApiSpec {
  /** TCP address, or false. Non-loopback addresses need a token. */
  readonly listen: string | false;
  /** Unix socket path (mode 0600), or false. */
  readonly socket: string | false;
  /** Bearer token; PHPEEK_PM_API_TOKEN is used when absent. Never logged. */
  readonly token?: string;
}

export interface MetricsSpec {
  readonly listen: string | false;
  readonly path: string;
}

export type FpmProfile = 'dev' | 'light' | 'medium' | 'heavy' | 'bursty';
export type Framework = 'laravel' | 'symfony' | 'wordpress' | 'generic';

/** The PHP side of a container: see src/php/. */
export interface PhpSpec {
  /** Where the application lives; framework detection and setup look here. */
  readonly workdir: string;
  /** Prepare the framework's writable directories before the processes start. */
  readonly setup: boolean;
  /** `auto` detects it from the files in `workdir`. */
  readonly framework: Framework | 'auto';
  /** The file's profile; the command line and PHP_FPM_AUTOTUNE_PROFILE come first. */
  readonly autotune: FpmProfile | false;
  /** Owner of the directories that setup prepares: the user php-fpm's workers run as. */
  readonly user: string;
  /** Absent: the user's primary group. */
  readonly group?: string;
  /** Overrides the profile's memory per worker. */
  readonly workerMemoryBytes?: number;
  /** Memory kept aside for everything but PHP-FPM workers (nginx, the manager, opcache). */
  readonly reservedMemoryBytes?: number;
}

export interface GlobalSpec {
  readonly hooks: GlobalHooks;
  readonly php: PhpSpec;
  readonly api: ApiSpec;
  readonly metrics: MetricsSpec;
  readonly shutdownTimeoutMs: number;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  readonly restartBackoff: Backoff;
  /** Lines longer than this (bytes) are split; see src/logs. */
  readonly maxLogLineBytes: number;
}

export interface DesiredState {
  /** Bumped on every accepted change, from the file or the API. */
  readonly generation: number;
  readonly global: GlobalSpec;
  readonly processes: Readonly<Record<string, ProcessSpec>>;
  /**
   * Set once the manager is asked to stop. From then on the desired set of instances is
   * empty and the planner stops everything in reverse dependency order.
   */
  readonly shutdown?: ShutdownRequest;
}

export interface ShutdownRequest {
  readonly requestedAt: number;
  /** The signal that asked for it, or a reason such as `critical process failed`. */
  readonly cause: string;
  /** A second signal: kill everything now. */
  readonly force: boolean;
  /** Manager exit code once everything has stopped. */
  readonly exitCode: number;
}
