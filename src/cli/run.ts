import { systemClock } from '../clock.ts';
import { formatDiagnostic } from '../desired/diagnostics.ts';
import { describeChanges, diffProcesses } from '../desired/diff.ts';
import { loadDesiredFile } from '../desired/load.ts';
import { ConfigReloader, fileVersion } from '../desired/reloader.ts';
import { DesiredStore } from '../desired/store.ts';
import { createProcessExecutor } from '../executors/process-executor.ts';
import { startReaper } from '../executors/reaper.ts';
import { killSurvivors } from '../executors/survivors.ts';
import { createLogger } from '../logs/logger.ts';
import { createChildOutput } from '../logs/output.ts';
import { ReconcileLoop } from '../reconciler/loop.ts';
import { describeAction, describeEvent } from './describe.ts';
import { GlobalHookRunner } from './global-hooks.ts';
import { createProbeSync } from './probe-sync.ts';
import { exitCodeForSignal, installSignalHandlers } from './signals.ts';

export interface RunOptions {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Variables of ours that must not reach children (secrets). */
const PRIVATE_ENV = new Set(['PHPEEK_PM_API_TOKEN']);

/**
 * `phpeek-pm run`: loads the file, starts the reconcile loop and keeps the processes as the
 * file says until a shutdown signal, then exits the process.
 */
export async function run(options: RunOptions): Promise<void> {
  // Before anything slow: a signal during start-up must not be lost (PID 1 ignores signals it
  // has no handler for). Until the loop exists, signals are only remembered.
  const early: { signal?: NodeJS.Signals; reload?: boolean; log: string[] } = { log: [] };
  const handlers = {
    shutdown: (signal: NodeJS.Signals) => {
      early.signal = signal;
    },
    reload: () => {
      early.reload = true;
    },
    log: (msg: string): void => {
      early.log.push(msg);
    },
  };
  installSignalHandlers(
    { shutdown: (s) => handlers.shutdown(s), reload: () => handlers.reload() },
    (msg) => handlers.log(msg),
  );

  // Taken before reading, so that an edit made while we start is noticed once the watcher runs.
  const initialVersion = fileVersion(options.file);
  const loaded = await loadDesiredFile(options.file, options.env);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) process.stderr.write(`phpeek-pm: ${formatDiagnostic(d)}\n`);
    process.stderr.write(`phpeek-pm: ${options.file}: invalid configuration, not starting\n`);
    process.exit(1);
  }

  const output = createChildOutput({
    format: loaded.global.logFormat,
    maxLineBytes: loaded.global.maxLogLineBytes,
  });
  const logger = createLogger({ level: loaded.global.logLevel, output });
  const reaper = startReaper({ log: (level, msg, fields) => logger[level](fields ?? {}, msg) });
  const store = new DesiredStore(loaded);
  const groups = new Set<number>();
  const childEnv = Object.fromEntries(
    Object.entries(options.env).filter(([k]) => !PRIVATE_ENV.has(k)),
  );

  const hookLog = (level: 'info' | 'warn' | 'error', msg: string) => logger[level](msg);
  const hooks = new GlobalHookRunner(() => store.get().global.hooks, {
    env: childEnv,
    output,
    log: hookLog,
    onGroup: (pgid) => groups.add(pgid),
  });
  const requestShutdown = (cause: string, exitCode: number, forcedExitCode: number, now: number) =>
    store.requestShutdown({ cause, exitCode, forcedExitCode, now });

  const loop = new ReconcileLoop({
    desired: () => store.get(),
    executor: createProcessExecutor({
      baseEnv: childEnv,
      output,
      log: hookLog,
      onGroup: (pgid) => groups.add(pgid),
    }),
    clock: systemClock,
    random: Math.random,
    log: {
      action: (action) => logger.info(describeAction(action)),
      blocked: (entry) => logger.info(`${entry.id} ${entry.reason}`),
      event: (event, before, after) => {
        const line = describeEvent(event, before, after);
        if (line) logger[line.level](line.message);
      },
    },
    onCriticalFailure: (code, reason) => {
      if (store.get().shutdown) return;
      requestShutdown(reason, code, code, systemClock.now());
    },
    onReconciled: (desired, observed) => {
      hooks.afterReconcile(desired, observed);
      probes.sync(desired, observed);
    },
    onExit: async (code) => {
      probes.stop();
      await hooks.postStop(store.get().global.shutdownTimeoutMs);
      const killed = killSurvivors(groups);
      if (killed > 0) logger.warn(`killed ${killed} leftover process${killed === 1 ? '' : 'es'}`);
      logger.info(`exiting with code ${code}; reaped ${reaper.reapedCount()} orphans`);
      reaper.stop();
      process.exitCode = code;
      // Whatever the children said last must reach the log reader before we go.
      const exit = () => process.exit(code);
      output.flush().then(exit, exit);
      setTimeout(exit, 2_000).unref();
    },
  });
  const probes = createProbeSync(systemClock, (attempt) => loop.reportProbe(attempt));
  store.subscribe(() => loop.trigger());

  const reloader = new ConfigReloader({
    file: options.file,
    env: options.env,
    initialVersion,
    apply: (next, why) => {
      logger.info(
        `${options.file}: ${why}: ${describeChanges(diffProcesses(store.get().processes, next.processes))}`,
      );
      output.setFormat(next.global.logFormat);
      logger.level = next.global.logLevel;
      store.applyFile(next);
    },
    reject: (result, why) => {
      for (const d of result.diagnostics) logger.error(formatDiagnostic(d));
      logger.error(
        `${options.file}: ${why}: invalid configuration rejected; keeping the last good one`,
      );
    },
  });

  handlers.log = (msg) => logger.info(msg);
  handlers.reload = () => reloader.request('SIGHUP', true);
  let shutdownBegun = false;
  handlers.shutdown = async (signal) => {
    const forced = exitCodeForSignal(signal);
    if (shutdownBegun) {
      logger.info(`${signal} received again: killing everything now`);
      hooks.abortPreStop();
      // The first request may still wait for pre_stop hooks: make sure there is one to force.
      requestShutdown(signal, 0, forced, systemClock.now());
      requestShutdown(signal, 0, forced, systemClock.now());
      return;
    }
    shutdownBegun = true;
    const at = systemClock.now();
    logger.info(`${signal} received: shutting down`);
    await hooks.preStop(store.get().global.shutdownTimeoutMs);
    // The shutdown timeout counts from the signal, pre_stop hooks included.
    requestShutdown(signal, 0, forced, at);
  };

  const where = reaper.mode === 'pid1' ? 'as PID 1' : `pid ${process.pid}`;
  logger.info(
    `phpeek-pm ${where}: ${options.file}, ${Object.keys(loaded.processes).length} processes`,
  );
  for (const msg of early.log) logger.info(msg);
  const preStart = await hooks.preStart();
  if (!preStart.ok) {
    logger.error(`${preStart.error}: not starting`);
    await output.flush();
    process.exit(1);
  }
  loop.reconcile();
  if (early.signal) handlers.shutdown(early.signal);
  if (early.reload) handlers.reload();

  // Not needed for the first spawns: load the watcher after them.
  setImmediate(async () => {
    const { watchConfigFile } = await import('../desired/watch.ts');
    watchConfigFile(
      options.file,
      () => reloader.request('file changed'),
      () => reloader.request('changed during start-up'),
    );
  });
}
