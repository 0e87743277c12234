/**
 * Launching the real bundled manager (`node bin/phpeek-pm run -c FILE`) and anything else a
 * scenario starts, and making sure all of it is gone afterwards, also when a scenario fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findByCmdline, hasExited, readChildren, readCmdline, readStat } from './proc.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SLEEP_ARGV = ['sleep', '1000'] as const;
const SLEEP_CMDLINE = SLEEP_ARGV.join('\0') + '\0';

export interface SleeperConfig {
  readonly replicas: number;
  /** `restart_backoff.initial`; the manager's default (1s) when omitted. */
  readonly backoffInitial?: string;
}

/** A config with one process of `sleep 1000` replicas, logging only warnings. */
export function configYaml(config: SleeperConfig): string {
  const backoff =
    config.backoffInitial === undefined
      ? ''
      : `    restart_backoff: { initial: ${config.backoffInitial}, max: 1s, reset_after: 60s }\n`;
  return [
    'version: 1',
    'global:',
    '  shutdown_timeout: 10s',
    '  log_level: warn',
    'processes:',
    '  sleeper:',
    `    command: ["${SLEEP_ARGV[0]}", "${SLEEP_ARGV[1]}"]`,
    `    replicas: ${config.replicas}`,
    '    restart: always',
    '    stop: { signal: SIGTERM, timeout: 5s }',
    backoff,
  ].join('\n');
}

/** Saves `text` the way editors and config tools do: a temp file renamed over the target. */
export function saveFile(file: string, text: string): void {
  const temp = join(dirname(file), `.${Date.now()}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** Everything started, so that `cleanUp` can kill it: launched processes and their children. */
const launched = new Set<ChildProcess>();
/** Child pid → its starttime, so that a reused pid is never killed by mistake. */
const seenChildren = new Map<number, number>();

export interface Launched {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `performance.now()` just before the spawn call. */
  readonly startedAt: number;
  /** Resolves with the exit code (or 128+signal) once reaped. */
  readonly exited: Promise<number>;
}

export interface LaunchOptions {
  /** Working directory; the repository root when omitted. */
  readonly cwd?: string;
  /** The whole environment; ours when omitted. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts `file ...args` in its own process group with stdout/stderr appended to `logFile`
 * (a pipe nobody reads would block it).
 */
export function launchCommand(
  file: string,
  args: readonly string[],
  logFile: string,
  options: LaunchOptions = {},
): Launched {
  const fd = openSync(logFile, 'a');
  const startedAt = performance.now();
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: options.cwd ?? ROOT,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(options.env ? { env: options.env } : {}),
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${file} ${args.join(' ')}`);
  launched.add(child);
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      launched.delete(child);
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
  return { child, pid: child.pid, startedAt, exited };
}

/** Starts `node ...args` (see `launchCommand`). */
export function launchNode(
  args: readonly string[],
  logFile: string,
  options: LaunchOptions = {},
): Launched {
  return launchCommand(process.execPath, args, logFile, options);
}

export function launchManager(configFile: string, logFile: string, nodeFlags: string[] = []) {
  return launchNode([...nodeFlags, 'bin/phpeek-pm', 'run', '-c', configFile], logFile);
}

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal as string] ?? 0;
}

/**
 * Pids of `parent`'s children that run `sleep 1000` (exec done, not a zombie: a zombie's
 * cmdline is empty). A child that is still a fork of Node before its exec does not count.
 *
 * `known` caches pids already seen running sleep, so that a fast poll of 100 children reads
 * 1 file, not 101. Only for children that are not expected to die meanwhile: a cached pid is
 * not read again, so a zombie would still count.
 */
export function runningSleepers(parent: number, known?: Set<number>): number[] {
  const children = readChildren(parent) ?? [];
  const running: number[] = [];
  for (const pid of children) {
    if (known?.has(pid)) {
      running.push(pid);
    } else if (readCmdline(pid) === SLEEP_CMDLINE) {
      known?.add(pid);
      if (!seenChildren.has(pid)) trackChild(pid);
      running.push(pid);
    }
  }
  return running;
}

/** Remembers `pid` (a child that a scenario will see die) for the final sweep. */
export function trackChild(pid: number): void {
  const stat = readStat(pid);
  if (stat) seenChildren.set(pid, stat.starttime);
}

/**
 * Remembers every descendant of `pid` down to `depth` generations, for managers whose
 * children are not the workloads themselves (s6-svscan → s6-supervise → service): once the
 * middle generation is killed, the services are re-parented and no longer findable.
 */
export function trackDescendants(pid: number, depth = 3): void {
  if (depth === 0) return;
  for (const child of readChildren(pid) ?? []) {
    trackChild(child);
    trackDescendants(child, depth - 1);
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/**
 * SIGKILLs every launched process group and every child ever seen that still runs (same pid and
 * starttime), then sweeps /proc for `sleep 1000` whose parent is a launched process. Synchronous,
 * so that it can run from an 'exit' handler. Returns how many leftovers it killed.
 */
export function cleanUp(): number {
  let killed = 0;
  const parents = new Set<number>();
  for (const child of launched) {
    if (child.pid === undefined) continue;
    parents.add(child.pid);
    trackDescendants(child.pid);
  }
  for (const pid of findByCmdline(SLEEP_ARGV)) {
    const stat = readStat(pid);
    if (stat && parents.has(stat.ppid)) seenChildren.set(pid, stat.starttime);
  }
  for (const child of launched) {
    if (child.pid !== undefined && !hasExited(child.pid)) {
      killQuietly(-child.pid, 'SIGKILL');
      killed++;
    }
  }
  for (const [pid, starttime] of seenChildren) {
    const stat = readStat(pid);
    if (stat && stat.starttime === starttime && stat.state !== 'Z') {
      // Each child leads its own process group (setsid); kill the group and the pid itself.
      killQuietly(-pid, 'SIGKILL');
      killQuietly(pid, 'SIGKILL');
      killed++;
    }
  }
  seenChildren.clear();
  return killed;
}

/** Stops a launched process that a scenario is done with, and waits until it is reaped. */
export async function stopLaunched(run: Launched): Promise<void> {
  // Remember its children first: once it is gone they are re-parented and no longer findable.
  trackDescendants(run.pid);
  if (!hasExited(run.pid)) killQuietly(run.pid, 'SIGTERM');
  const timer = setTimeout(() => killQuietly(-run.pid, 'SIGKILL'), 5_000);
  await run.exited;
  clearTimeout(timer);
  cleanUp();
}

/** Whatever way the benchmark ends (done, Ctrl-C, killed), nothing it started stays behind. */
export function killLeftoversOnExit(): void {
  process.on('exit', () => {
    cleanUp();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
}
