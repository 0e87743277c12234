import { systemClock } from '../clock.ts';
import { formatDiagnostic } from '../desired/diagnostics.ts';
import { describeChanges, diffProcesses } from '../desired/diff.ts';
import { loadDesiredFile } from '../desired/load.ts';
import { DesiredStore } from '../desired/store.ts';
import { createProcessExecutor } from '../executors/process-executor.ts';
import { startReaper } from '../executors/reaper.ts';
import { killSurvivors } from '../executors/survivors.ts';
import { createLogger } from '../logs/logger.ts';
import { createChildOutput } from '../logs/output.ts';
import { ReconcileLoop } from '../reconciler/loop.ts';
import { describeAction, describeEvent } from './describe.ts';
import { exitCodeForSignal, installSignalHandlers } from './signals.ts';

export interface RunOptions {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `phpeek-pm run`: loads the file, starts the reconcile loop and keeps the processes as the
 * file says until a shutdown signal. Resolves never; exits the process when done.
 */
export async function run(options: RunOptions): Promise<void> {
  let pendingSignal: NodeJS.Signals | undefined;
  let onSignal = (signal: NodeJS.Signals) => {
    pendingSignal = signal;
  };
  let onReload = (_why?: string) => {};
  let logInfo = (_msg: string) => {};
  // Before anything slow: a SIGTERM during start-up must not be lost (PID 1 ignores it otherwise).
  installSignalHandlers({ shutdown: (s) => onSignal(s), reload: () => onReload() }, (msg) =>
    logInfo(msg),
  );

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
  logInfo = (msg) => logger.info(msg);
  const reaper = startReaper({ log: (level, msg, fields) => logger[level](fields ?? {}, msg) });
  const store = new DesiredStore(loaded);
  const groups = new Set<number>();
  const { PHPEEK_PM_API_TOKEN: _secret, ...childEnv } = options.env;
  const loop = new ReconcileLoop({
    desired: () => store.get(),
    executor: createProcessExecutor({
      baseEnv: childEnv,
      output,
      onGroup: (pgid) => groups.add(pgid),
    }),
    clock: systemClock,
    random: Math.random,
    log: {
      action: (action) => logger.info(describeAction(action)),
      event: (event) => {
        const line = describeEvent(event);
        if (line) logger[line.level](line.message);
      },
    },
    onExit: (code) => {
      const killed = killSurvivors(groups);
      if (killed > 0) logger.warn(`killed ${killed} leftover process${killed === 1 ? '' : 'es'}`);
      logger.info(`exiting with code ${code}`);
      reaper.stop();
      process.exitCode = code;
      // Whatever the children said last must reach the log reader before we go.
      const exit = () => process.exit(code);
      output.flush().then(exit, exit);
      setTimeout(exit, 2_000).unref();
    },
  });
  store.subscribe(() => loop.trigger());

  onSignal = (signal) => {
    const shuttingDown = store.get().shutdown !== undefined;
    logger.info(
      shuttingDown
        ? `${signal} received again: killing everything now`
        : `${signal} received: shutting down`,
    );
    store.requestShutdown({
      cause: signal,
      exitCode: 0,
      forcedExitCode: exitCodeForSignal(signal),
      now: systemClock.now(),
    });
  };

  let reloading: Promise<void> | undefined;
  let reloadAgain = false;
  const reload = async (why: string) => {
    const result = await loadDesiredFile(options.file, options.env);
    if (!result.ok) {
      for (const d of result.diagnostics) logger.error(formatDiagnostic(d));
      logger.error(
        `${options.file}: ${why}: invalid configuration rejected; keeping the last good one`,
      );
      return;
    }
    const changes = diffProcesses(store.get().processes, result.processes);
    logger.info(`${options.file}: ${why}: ${describeChanges(changes)}`);
    output.setFormat(result.global.logFormat);
    logger.level = result.global.logLevel;
    store.applyFile(result);
  };
  // One reload at a time; edits that arrive meanwhile fold into one more.
  onReload = (why = 'SIGHUP') => {
    if (reloading) {
      reloadAgain = true;
      return;
    }
    reloading = reload(why).finally(() => {
      reloading = undefined;
      if (reloadAgain) {
        reloadAgain = false;
        onReload('changed');
      }
    });
  };

  logger.info(
    `phpeek-pm ${reaper.mode === 'pid1' ? 'as PID 1' : `pid ${process.pid}`}: ${options.file}, ${Object.keys(loaded.processes).length} processes`,
  );
  loop.reconcile();
  if (pendingSignal) onSignal(pendingSignal);

  // Not needed for the first spawns: load the watcher after them.
  setImmediate(async () => {
    const { watchConfigFile } = await import('../desired/watch.ts');
    watchConfigFile(options.file, () => onReload('file changed'));
  });
}
