/**
 * The desired state after loading: every default applied, every duration in milliseconds,
 * every command an argv. The planner reads only this shape, never the raw file.
 */

export type RestartPolicy = 'always' | 'on-failure' | 'never';
export type DependencyCondition = 'process_started';
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

export interface ProcessSpec {
  readonly name: string;
  /** argv; a string command in the file becomes `['/bin/sh', '-c', command]`. */
  readonly command: readonly string[];
  readonly replicas: number;
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
  /**
   * Hash of everything that shapes a running instance (command, env, user, ...), but not of
   * replicas, enabled or restart settings: an instance whose hash differs must be replaced.
   */
  readonly specHash: string;
}

export interface GlobalSpec {
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
