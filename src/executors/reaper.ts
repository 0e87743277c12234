/**
 * Reaps orphaned descendants that the kernel re-parents to this process (as PID 1, or as a child
 * subreaper when not PID 1), without ever taking one of libuv's own children.
 *
 * Why not `waitpid(-1)`: libuv reaps each child it spawned with `waitpid(<pid>, WNOHANG)` on
 * SIGCHLD. A "wait for any child" here would steal some of them and their 'exit' events would
 * never fire. Instead, on SIGCHLD, peek at one zombie without reaping it (`waitid` with
 * WNOWAIT); reap it by pid only if it is not one of ours. If it is ours, libuv will reap it in
 * this or the next loop iteration, so look again after that.
 *
 * "Ours" is every child started through `ChildProcess.prototype.spawn`, which `spawn`, `exec`,
 * `execFile` and `fork` all use. `spawnSync`/`execSync` need no tracking: they run a private
 * libuv loop that reaps the child before returning, and the main thread (the only place where
 * this reaper runs) is blocked meanwhile, so such a child is never seen as a zombie here.
 *
 * Not covered: children spawned from a `worker_threads` worker (its module realm has its own
 * `ChildProcess.prototype`) or forked by native code. They could be reaped here before their
 * owner sees their exit. Spawn only from the main thread.
 */
import { ChildProcess } from 'node:child_process';
import { loadNativeAddon } from './native-addon.ts';

export type ReaperMode = 'pid1' | 'subreaper' | 'disabled';

export type ReaperLog = (level: 'debug' | 'info' | 'warn', msg: string, fields?: object) => void;

export interface ReaperOptions {
  readonly log: ReaperLog;
  /** Where the compiled addon is; by default it is looked for in `build/Release`. */
  readonly addonPath?: string;
}

/** A running reaper. There is at most one per process: a second startReaper() throws. */
export interface Reaper {
  /** 'disabled' when the addon could not be loaded or the process could not become a reaper. */
  readonly mode: ReaperMode;
  /** Orphans reaped so far (never one of this process's own children). */
  reapedCount(): number;
  /** Removes the SIGCHLD listener, cancels any pending retry and unwraps spawn. Idempotent. */
  stop(): void;
}

/** Retries on setImmediate while one of our children is the oldest zombie, then on a timer. */
const IMMEDIATE_RETRIES = 3;
const BACKOFF_MS = [1, 2, 5, 10, 20, 50] as const;
/** Retries before a head-of-line wait is logged (~1.3 s with the backoff above). */
const STUCK_WARN_RETRIES = IMMEDIATE_RETRIES + BACKOFF_MS.length + 25;

const ECHILD = 10;

/** Node's internal `ChildProcess.prototype.spawn(options)`, which every async spawn goes through. */
type SpawnMethod = (this: ChildProcess, ...args: unknown[]) => unknown;

export function startReaper(opts: ReaperOptions): Reaper {
  if (reaperRunning()) throw new Error('startReaper: a reaper is already running in this process');
  const { log } = opts;

  const loaded = loadNativeAddon(opts.addonPath);
  if ('error' in loaded) {
    log('warn', 'zombie reaper disabled: native addon not loaded; orphans will not be reaped', {
      tried: loaded.tried,
      error: loaded.error,
    });
    return disabledReaper();
  }
  const addon = loaded.addon;

  let mode: ReaperMode = 'pid1';
  if (process.pid !== 1) {
    try {
      addon.setChildSubreaper();
      mode = 'subreaper';
    } catch (err) {
      log('warn', 'zombie reaper disabled: cannot become a child subreaper', {
        error: errorText(err),
      });
      return disabledReaper();
    }
  }

  const own = new Map<number, ChildProcess>();
  const unwrapSpawn = wrapSpawn((child, pid) => {
    own.set(pid, child);
    child.once('exit', () => {
      // A pid freed by libuv can be handed to a later child before this listener runs.
      if (own.get(pid) === child) own.delete(pid);
    });
  });

  let reaped = 0;
  let stopped = false;
  let retry: { cancel(): void } | null = null;
  let head = 0;
  let headRetries = 0;
  let warnedPeek = false;
  const warnedReap = new Set<number>();

  /** Ours only while Node has not seen it exit: after that the pid may belong to an orphan. */
  const isOwn = (pid: number): boolean => {
    const child = own.get(pid);
    if (child === undefined) return false;
    if (child.exitCode === null && child.signalCode === null) return true;
    own.delete(pid);
    return false;
  };

  const drain = (): void => {
    if (stopped) return;
    for (;;) {
      let pid: number;
      try {
        pid = addon.peekZombie();
      } catch (err) {
        if (!warnedPeek) {
          warnedPeek = true;
          log('warn', 'zombie reaper: waitid failed', { error: errorText(err) });
        }
        return;
      }
      if (pid === 0) {
        head = 0;
        headRetries = 0;
        return;
      }
      if (isOwn(pid)) {
        scheduleRetry(pid);
        return;
      }
      const rc = addon.reap(pid);
      if (rc === pid) {
        reaped++;
        log('debug', 'reaped orphan', { pid });
        continue;
      }
      // The peeked zombie could not be reaped (-ECHILD: someone else, e.g. a worker thread's
      // libuv, took it). Peeking again at once could spin on the same pid; retry later instead.
      if (rc !== -ECHILD && !warnedReap.has(pid)) {
        warnedReap.add(pid);
        log('warn', 'zombie reaper: waitpid did not reap a zombie', { pid, result: rc });
      }
      scheduleRetry(pid);
      return;
    }
  };

  const scheduleRetry = (pid: number): void => {
    if (retry !== null) return;
    if (pid !== head) {
      head = pid;
      headRetries = 0;
    }
    headRetries++;
    if (headRetries === STUCK_WARN_RETRIES) {
      log('warn', 'zombie reaper: one zombie has blocked reaping for over a second', { pid });
    }
    const run = (): void => {
      retry = null;
      drain();
    };
    if (headRetries <= IMMEDIATE_RETRIES) {
      const immediate = setImmediate(run);
      retry = { cancel: () => clearImmediate(immediate) };
    } else {
      const step = Math.min(headRetries - IMMEDIATE_RETRIES, BACKOFF_MS.length) - 1;
      // unref: a zombie child of ours keeps the loop alive through its own handle anyway.
      const timer = setTimeout(run, BACKOFF_MS[step]).unref();
      retry = { cancel: () => clearTimeout(timer) };
    }
  };

  // libuv keeps its own SIGCHLD watcher for its children; this listener is one more handle
  // on the same signal and both are called. Node unrefs signal handles: this does not keep
  // the process alive.
  const onSigchld = (): void => drain();
  process.on('SIGCHLD', onSigchld);

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.removeListener('SIGCHLD', onSigchld);
    retry?.cancel();
    retry = null;
    unwrapSpawn();
    own.clear();
  };

  log('info', 'zombie reaper started', { mode });
  // Orphans may already be waiting (e.g. re-parented before this ran).
  drain();

  return {
    mode,
    reapedCount: () => reaped,
    stop,
  };
}

function disabledReaper(): Reaper {
  return { mode: 'disabled', reapedCount: () => 0, stop: () => {} };
}

type Register = (child: ChildProcess, pid: number) => void;

/**
 * One wrapper per process, even if this module is loaded twice (e.g. from src under tsx and
 * from the bundle): it lives on the prototype under a registry symbol and calls whichever
 * `register` is current, or nothing.
 */
const SPAWN_HOOK = Symbol.for('phpeek-pm.reaper.spawn-hook');

interface SpawnHook {
  readonly original: SpawnMethod;
  readonly wrapped: SpawnMethod;
  register: Register | null;
}

type HookedPrototype = { spawn: SpawnMethod; [SPAWN_HOOK]?: SpawnHook };

/** True while a reaper (from any copy of this module) is registering children. */
function reaperRunning(): boolean {
  const proto = ChildProcess.prototype as unknown as HookedPrototype;
  return (proto[SPAWN_HOOK]?.register ?? null) !== null;
}

/**
 * Calls `register` with every child that `ChildProcess.prototype.spawn` starts, right after it
 * returns (or throws after the fork). Returns the undo function, which puts the original back
 * unless other code has wrapped spawn on top of ours since (then ours only stops registering).
 */
function wrapSpawn(register: Register): () => void {
  const proto = ChildProcess.prototype as unknown as HookedPrototype;
  let hook = proto[SPAWN_HOOK];
  if (hook === undefined || proto.spawn !== hook.wrapped) {
    const original: SpawnMethod = proto.spawn;
    const wrapped: SpawnMethod = function (this: ChildProcess, ...args: unknown[]) {
      try {
        return original.apply(this, args);
      } finally {
        // The pid is set once the fork succeeded, even if setting up stdio later threw: libuv
        // owns that child and will reap it.
        const pid = this.pid;
        const current = proto[SPAWN_HOOK];
        const register = current?.wrapped === wrapped ? current.register : null;
        if (register !== null && typeof pid === 'number' && pid > 0) register(this, pid);
      }
    };
    hook = { original, wrapped, register: null };
    proto[SPAWN_HOOK] = hook;
    proto.spawn = wrapped;
  }
  const installed = hook;
  installed.register = register;
  return () => {
    if (installed.register !== register) return;
    installed.register = null;
    if (proto.spawn === installed.wrapped) {
      proto.spawn = installed.original;
      delete proto[SPAWN_HOOK];
    }
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
