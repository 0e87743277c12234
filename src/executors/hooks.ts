/**
 * Runs lifecycle hooks (pre_start, post_start, pre_stop, post_stop, per process or global) as
 * real processes, one after the other. An executor: it uses the real clock for timeouts, and
 * decides nothing beyond what the hook list says (timeouts, retries, continue_on_error).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { HookSpec } from '../desired/types.ts';
import type { ChildOutput } from '../logs/output.ts';
import { type OutputPipes, openOutputPipes } from './output-pipes.ts';

export interface HookContext {
  /** What the hooks are for, at the start of every message: `pre_start`, `web-0 pre_stop`. */
  readonly name: string;
  /** The hooks' whole environment (nothing is added to it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly output: ChildOutput;
  /**
   * How the hooks' output lines are tagged. Default: process `name`, instance `hook:<name>`.
   * Per-instance hooks may pass e.g. `{ process: 'web', instance: 'web-0:pre_stop' }`.
   */
  readonly source?: { readonly process: string; readonly instance: string };
  readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** Aborting kills the running hook's group and ends the run as failed, without retries. */
  readonly signal?: AbortSignal;
  /**
   * Budget for the whole list, in ms from the call: a hook's timeout is the smaller of its own
   * and the time left. A hook cut short by it, or not started because none is left, ends the
   * run as failed, whatever its `continueOnError`.
   */
  readonly deadlineMs?: number;
  /** Called with the process group of every hook started, for the final sweep of survivors. */
  readonly onGroup?: (pgid: number) => void;
}

export type HookOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Pause between two attempts of a failing hook: short, so that retries fit in a stop timeout,
 * but enough for a dependency that was just starting (a socket, a lock) to get there.
 */
export const HOOK_RETRY_DELAY_MS = 200;

/** The longest command shown in messages; longer ones are cut with `...`. */
const COMMAND_SHOWN_CHARS = 120;

/**
 * Runs `hooks` in order. Each hook runs in its own process group with its output forwarded,
 * and is retried `retries` times after a failure (non-zero exit, death by a signal, timeout,
 * failure to start). A hook that still fails is logged as a warning and skipped when it has
 * `continueOnError`; otherwise the run stops and its failure is returned (the caller logs it).
 * Never rejects.
 */
export async function runHooks(
  hooks: readonly HookSpec[],
  context: HookContext,
): Promise<HookOutcome> {
  const deadline =
    context.deadlineMs === undefined ? Infinity : performance.now() + context.deadlineMs;
  for (const [i, hook] of hooks.entries()) {
    const label = `${context.name} hook ${i + 1} (${describeCommand(hook.command)})`;
    const failure = await runWithRetries(hook, label, context, deadline);
    if (failure === undefined) continue;
    if (hook.continueOnError && !failure.final) {
      context.log('warn', `${failure.error}; continuing (continue_on_error)`);
      continue;
    }
    return { ok: false, error: failure.error };
  }
  return { ok: true };
}

interface Failure {
  readonly error: string;
  /** Aborted or out of time: nothing after it may run. */
  readonly final: boolean;
}

async function runWithRetries(
  hook: HookSpec,
  label: string,
  context: HookContext,
  deadline: number,
): Promise<Failure | undefined> {
  const attempts = 1 + Math.max(0, hook.retries);
  for (let attempt = 1; ; attempt++) {
    const of = attempts > 1 ? ` (attempt ${attempt} of ${attempts})` : '';
    if (context.signal?.aborted) return { error: `${label} was not started: aborted`, final: true };
    const left = deadline - performance.now();
    if (left <= 0) {
      return { error: `${label} was not started: the deadline had passed`, final: true };
    }
    const own = hook.timeoutMs > 0 ? hook.timeoutMs : Infinity;
    const timeoutMs = Math.min(own, Math.ceil(left));
    context.log('info', `${label} started${of}`);
    const end = await runAttempt(hook, context, timeoutMs);
    const took = `${Math.round(end.durationMs)} ms`;
    if (end.kind === 'exit' && end.code === 0) {
      context.log('info', `${label} succeeded in ${took}`);
      return undefined;
    }
    const reason = describeEnd(end, own);
    const final = end.kind === 'aborted' || (end.kind === 'timeout' && timeoutMs < own);
    const after = attempt > 1 ? ` after ${attempt} attempts` : '';
    if (final || attempt >= attempts) {
      context.log('warn', `${label} ${reason} (${took})`);
      return { error: `${label} ${reason}${after}`, final };
    }
    context.log('warn', `${label} ${reason} (${took}); retrying`);
    await sleep(HOOK_RETRY_DELAY_MS, context.signal);
  }
}

type AttemptEnd = { readonly durationMs: number } & (
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'spawn-failed'; readonly message: string }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'aborted' }
);

function describeEnd(end: AttemptEnd, ownTimeoutMs: number): string {
  switch (end.kind) {
    case 'exit':
      return end.signal !== null
        ? `was killed by ${end.signal}`
        : `exited with code ${end.code ?? 'unknown'}`;
    case 'spawn-failed':
      return `could not be started: ${end.message}`;
    case 'timeout':
      return end.afterMs < ownTimeoutMs
        ? `was killed: the deadline passed after ${end.afterMs} ms`
        : `timed out after ${end.afterMs} ms`;
    case 'aborted':
      return 'was killed: aborted';
    default: {
      const never: never = end;
      return never;
    }
  }
}

/** One attempt of one hook, until its leader exits or it is killed. Never rejects. */
function runAttempt(hook: HookSpec, context: HookContext, timeoutMs: number): Promise<AttemptEnd> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  return new Promise((resolve) => {
    let child: ChildProcess;
    let pipes: OutputPipes | undefined;
    try {
      const [file, ...args] = hook.command;
      if (file === undefined) throw new Error('empty command');
      pipes = openOutputPipes((msg) => context.log('warn', msg));
      child = spawn(file, args, {
        // setsid(): the hook leads its own group, so a timeout kills what it started too.
        detached: true,
        stdio: pipes.stdio,
        cwd: context.cwd,
        env: { ...context.env },
      });
    } catch (error) {
      pipes?.opened(undefined);
      resolve({
        kind: 'spawn-failed',
        message: describeSpawnError(error, context.cwd),
        durationMs: 0,
      });
      return;
    }
    const { stdout, stderr } = pipes.opened(child);
    const pid = child.pid;
    if (pid === undefined) {
      // libuv reports exec and chdir failures as an 'error' event with no pid.
      child.once('error', (error) =>
        resolve({
          kind: 'spawn-failed',
          message: describeSpawnError(error, context.cwd),
          durationMs: elapsed(),
        }),
      );
      return;
    }
    // Errors after a successful spawn (a failed kill, a closed pipe) must not crash the manager.
    child.on('error', () => {});
    context.onGroup?.(pid);
    const source = context.source ?? { process: context.name, instance: `hook:${context.name}` };
    if (stdout) context.output.attach(stdout, { ...source, stream: 'stdout' });
    if (stderr) context.output.attach(stderr, { ...source, stream: 'stderr' });

    let killedFor: 'timeout' | 'aborted' | undefined;
    const killGroup = (why: 'timeout' | 'aborted') => {
      if (killedFor !== undefined) return;
      killedFor = why;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone; its exit is on its way.
      }
    };
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => killGroup('timeout'), timeoutMs)
      : undefined;
    const onAbort = () => killGroup('aborted');
    context.signal?.addEventListener('abort', onAbort, { once: true });
    if (context.signal?.aborted) onAbort();

    // The leader's exit ends the hook; members it left behind in its group are not waited for
    // (nor are pipes they keep open: their output is still forwarded).
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onAbort);
      const durationMs = elapsed();
      // A hook that exited on its own just before the kill keeps its real status.
      if (killedFor === 'timeout' && signal === 'SIGKILL') {
        resolve({ kind: 'timeout', afterMs: timeoutMs, durationMs });
      } else if (killedFor === 'aborted' && signal === 'SIGKILL') {
        resolve({ kind: 'aborted', durationMs });
      } else {
        resolve({ kind: 'exit', code, signal, durationMs });
      }
    });
  });
}

function describeSpawnError(error: unknown, cwd: string | undefined): string {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) {
    return `working directory ${cwd} does not exist`;
  }
  if (err.code === 'ENOENT') return `command not found: ${err.path ?? ''}`.trim();
  if (err.code === 'EACCES') return `permission denied: ${err.path ?? ''}`.trim();
  return err.message ?? String(error);
}

/** `sh -c 'script'` shows as the script; other argv as its words. */
function describeCommand(command: readonly string[]): string {
  const shell = command.length === 3 && command[1] === '-c' && /(^|\/)sh$/.test(command[0]!);
  const text = shell ? command[2]! : command.join(' ');
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > COMMAND_SHOWN_CHARS
    ? oneLine.slice(0, COMMAND_SHOWN_CHARS - 3) + '...'
    : oneLine;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
