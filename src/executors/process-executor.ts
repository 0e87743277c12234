import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ChildOutput } from '../logs/output.ts';
import type { Executor, InstanceCallbacks, SpawnRequest } from './types.ts';
import { resolveCredentials } from './users.ts';

export interface ProcessExecutorOptions {
  /** The environment every child inherits, before its own `env` and our PHPEEK_PM_* values. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly output: ChildOutput;
  /** Called for every pid that leads a process group we created (for the final sweep). */
  readonly onGroup?: (pgid: number) => void;
}

/**
 * Spawns instances as real processes, each leading its own process group (setsid), with
 * stdout/stderr forwarded line by line. Decides nothing: outcomes go back through callbacks.
 */
export function createProcessExecutor(options: ProcessExecutorOptions): Executor {
  return {
    spawnInstance(request, callbacks) {
      spawnChild(request, callbacks, options);
    },
    signalGroup(pid, signal) {
      signalGroup(pid, signal);
    },
  };
}

function spawnChild(
  request: SpawnRequest,
  callbacks: InstanceCallbacks,
  options: ProcessExecutorOptions,
): void {
  const { spec, id, index } = request;
  let child: ChildProcess;
  try {
    const credentials = resolveCredentials(spec.user, spec.group);
    const [file, ...args] = spec.command;
    child = spawn(file!, args, {
      // setsid(): the child leads a new process group, so a stop reaches its own children too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: spec.workingDir,
      env: {
        ...options.baseEnv,
        ...spec.env,
        PHPEEK_PM_PROCESS_NAME: spec.name,
        PHPEEK_PM_INSTANCE_ID: id,
        PHPEEK_PM_REPLICA: String(index),
      },
      ...credentials,
    });
  } catch (error) {
    queueMicrotask(() => callbacks.spawnFailed(describeSpawnError(error, spec.workingDir)));
    return;
  }
  const pid = child.pid;
  if (pid === undefined) {
    // libuv reports exec and chdir failures as an 'error' event with no pid.
    child.once('error', (error) =>
      callbacks.spawnFailed(describeSpawnError(error, spec.workingDir)),
    );
    return;
  }
  // Errors after a successful spawn (a failed kill, a closed pipe) must not crash the manager.
  child.on('error', () => {});
  options.onGroup?.(pid);
  if (child.stdout)
    options.output.attach(child.stdout, { process: spec.name, instance: id, stream: 'stdout' });
  if (child.stderr)
    options.output.attach(child.stderr, { process: spec.name, instance: id, stream: 'stderr' });
  child.once('exit', (code, signal) => callbacks.exited(pid, code, signal));
  callbacks.spawned(pid);
}

function describeSpawnError(error: unknown, workingDir: string | undefined): string {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT' && workingDir !== undefined && !existsSync(workingDir)) {
    return `working_dir ${workingDir} does not exist`;
  }
  if (err.code === 'ENOENT') return `command not found: ${err.path ?? ''}`.trim();
  if (err.code === 'EACCES') return `permission denied: ${err.path ?? ''}`.trim();
  return err.message ?? String(error);
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
