import { spawn } from 'node:child_process';
import { type Cancel, type Finish, firstLine, StreamHead } from './attempt.ts';

/**
 * After the command exits, how long to wait for its stdout/stderr to close. Something it left
 * running in the background can keep the pipes open; its exit code decides the outcome anyway.
 */
const PIPE_GRACE_MS = 50;

const noop = () => {};

/**
 * Starts an exec probe: `command` runs as its own process group (setsid) with stdin closed and
 * stdout/stderr piped to us, never inherited, so a chatty probe cannot write into the manager's
 * log stream. Exit code 0 is success. The group is SIGKILLed when the attempt is cut short and
 * also after the command has exited, so nothing a probe started in the background outlives it.
 */
export function startExecProbe(
  command: readonly string[],
  finish: Finish,
  context: { env?: Readonly<Record<string, string | undefined>>; cwd?: string } = {},
): Cancel {
  const [file, ...args] = command;
  if (file === undefined) {
    finish(false, 'empty command');
    return noop;
  }
  const child = spawn(file, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(context.env ? { env: context.env } : {}),
    ...(context.cwd ? { cwd: context.cwd } : {}),
  });
  const pid = child.pid;
  if (pid === undefined) {
    // exec failures (ENOENT, EACCES) arrive as an 'error' event without a pid.
    child.once('error', (error) => finish(false, describeSpawnError(error, file)));
    return noop;
  }
  // A failed kill or a broken pipe later on must not become an uncaught 'error'.
  child.on('error', noop);

  const stdout = new StreamHead(512);
  const stderr = new StreamHead(512);
  child.stdout!.on('data', (chunk: Buffer) => stdout.add(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.add(chunk));

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    killGroup(pid);
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let grace: NodeJS.Timeout | undefined;
  const conclude = () => {
    if (grace !== undefined) clearTimeout(grace);
    if (exit === undefined) return;
    finish(exit.code === 0, describeExit(exit.code, exit.signal, stderr, stdout));
    release();
  };
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    grace = setTimeout(conclude, PIPE_GRACE_MS);
  });
  // 'close' comes after 'exit' once both pipes are closed: all output has been read.
  child.once('close', conclude);

  return () => {
    if (grace !== undefined) clearTimeout(grace);
    release();
  };
}

/**
 * SIGKILLs the probe's process group, once per attempt. The group id is the leader's pid; after
 * the leader has been reaped the id stays reserved as long as any member lives, and Linux hands
 * out pids in sequence, so the id cannot name someone else's group a moment later.
 */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already empty, the usual case once the command has exited.
  }
}

function describeExit(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: StreamHead,
  stdout: StreamHead,
): string {
  const status = code !== null ? `exit code ${code}` : `killed by ${signal ?? 'a signal'}`;
  const line = firstLine(stderr.text()) || firstLine(stdout.text());
  return line === '' ? status : `${status}: ${line}`;
}

function describeSpawnError(error: NodeJS.ErrnoException, file: string): string {
  if (error.code === 'ENOENT') return `command not found: ${file}`;
  if (error.code === 'EACCES') return `permission denied: ${file}`;
  return error.message;
}
