import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ProcessSpec } from '../desired/types.ts';
import type { ChildOutput } from '../logs/output.ts';
import { runHooks } from './hooks.ts';
import { type OutputPipes, openOutputPipes } from './output-pipes.ts';
import type { Executor, InstanceCallbacks, SpawnRequest, StopRequest } from './types.ts';
import { resolveCredentials } from './users.ts';

export interface ProcessExecutorOptions {
  /** The environment every child inherits, before its own `env` and our PHPEEK_PM_* values. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly output: ChildOutput;
  /** Called for every pid that leads a process group we created (for the final sweep). */
  readonly onGroup?: (pgid: number) => void;
  readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void;
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
    stopInstance(request) {
      stopChild(request, options);
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
  let pipes: OutputPipes | undefined;
  try {
    const credentials = resolveCredentials(spec.user, spec.group);
    const [file, ...args] = spec.command;
    pipes = openOutputPipes((msg) => options.log('warn', msg));
    child = spawn(file!, args, {
      // setsid(): the child leads a new process group, so a stop reaches its own children too.
      detached: true,
      stdio: pipes.stdio,
      cwd: spec.workingDir,
      env: instanceEnv(options.baseEnv, spec, id, index),
      ...credentials,
    });
  } catch (error) {
    pipes?.opened(undefined);
    queueMicrotask(() => callbacks.spawnFailed(describeSpawnError(error, spec.workingDir)));
    return;
  }
  const { stdout, stderr } = pipes.opened(child);
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
  if (stdout) options.output.attach(stdout, { process: spec.name, instance: id, stream: 'stdout' });
  if (stderr) options.output.attach(stderr, { process: spec.name, instance: id, stream: 'stderr' });
  child.once('exit', (code, signal) => callbacks.exited(pid, code, signal));
  callbacks.spawned(pid);
  if (spec.postStart.length > 0) {
    // Beside the instance, not before it: a post_start hook never delays or stops it.
    void runHooks(spec.postStart, hookContext(`${id} post_start`, spec, id, index, options)).then(
      (outcome) => {
        if (!outcome.ok) options.log('error', outcome.error);
      },
    );
  }
}

/** pre_stop hooks first (as Kubernetes' preStop, within the stop timeout), then the signal. */
function stopChild(request: StopRequest, options: ProcessExecutorOptions): void {
  const { spec } = request;
  if (spec === undefined || spec.preStop.length === 0) {
    signalGroup(request.pid, request.signal);
    return;
  }
  const index = Number(request.id.slice(request.id.lastIndexOf('-') + 1));
  const context = {
    ...hookContext(`${request.id} pre_stop`, spec, request.id, index, options),
    deadlineMs: request.timeoutMs,
  };
  void runHooks(spec.preStop, context).then((outcome) => {
    if (!outcome.ok) options.log('warn', `${outcome.error}; stopping anyway`);
    signalGroup(request.pid, request.signal);
  });
}

function hookContext(
  name: string,
  spec: ProcessSpec,
  id: string,
  index: number,
  options: ProcessExecutorOptions,
) {
  return {
    name,
    env: instanceEnv(options.baseEnv, spec, id, index),
    ...(spec.workingDir === undefined ? {} : { cwd: spec.workingDir }),
    output: options.output,
    source: { process: spec.name, instance: name.replace(' ', ':') },
    log: options.log,
    ...(options.onGroup ? { onGroup: options.onGroup } : {}),
  };
}

/** Every instance's environment: ours (minus secrets), its own `env`, and its identity. */
export function instanceEnv(
  baseEnv: Readonly<Record<string, string | undefined>>,
  spec: ProcessSpec,
  id: string,
  index: number,
): Record<string, string | undefined> {
  return {
    ...baseEnv,
    ...spec.env,
    PHPEEK_PM_PROCESS_NAME: spec.name,
    PHPEEK_PM_INSTANCE_ID: id,
    PHPEEK_PM_REPLICA: String(index),
  };
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
