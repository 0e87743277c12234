import { systemClock } from '../clock.ts';
import { formatDiagnostic } from '../desired/diagnostics.ts';
import { describeChanges, diffProcesses } from '../desired/diff.ts';
import { ConfigReloader, fileVersion } from '../desired/reloader.ts';
import { DesiredStore } from '../desired/store.ts';
import { createProcessExecutor } from '../executors/process-executor.ts';
import { startReaper } from '../executors/reaper.ts';
import { killSurvivors } from '../executors/survivors.ts';
import { EventHub } from '../logs/event-hub.ts';
import { LogBuffer } from '../logs/log-buffer.ts';
import { createLogger } from '../logs/logger.ts';
import { createChildOutput } from '../logs/output.ts';
import { describePhpEnvironment } from '../php/php-environment.ts';
import { describeSetup, prepareWorkdir } from '../php/setup.ts';
import { ReconcileLoop } from '../reconciler/loop.ts';
import { createControlPlane } from './control-plane.ts';
import { describeAction, describeEvent } from './describe.ts';
import { GlobalHookRunner } from './global-hooks.ts';
import { actionEvent, observedEvent } from './manager-events.ts';
import { createProbeSync } from './probe-sync.ts';
import { type ListenerOverrides, type MetricsFeed, startServers } from './servers.ts';
import { exitCodeForSignal, installSignalHandlers } from './signals.ts';
import { loadStartConfig } from './start-config.ts';

export interface RunOptions {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Listener settings from the environment, over the file's (see main.ts). */
  readonly listeners: ListenerOverrides;
  readonly version: string;
  /** `--php-fpm-profile`, over PHP_FPM_AUTOTUNE_PROFILE and the file. */
  readonly phpFpmProfile?: string;
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
  const loaded = await loadStartConfig(options.file, options.env, {
    ...(options.phpFpmProfile === undefined ? {} : { phpFpmProfile: options.phpFpmProfile }),
  });
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) process.stderr.write(`phpeek-pm: ${formatDiagnostic(d)}\n`);
    process.stderr.write(`phpeek-pm: ${options.file}: invalid configuration, not starting\n`);
    process.exit(1);
  }

  // Started after the first spawns (see the end); the loop's callbacks feed them once they run.
  let servers: { close(): Promise<void> } | undefined;
  let metrics: MetricsFeed | undefined;
  const logBuffer = new LogBuffer();
  const events = new EventHub();
  const output = createChildOutput({
    format: loaded.global.logFormat,
    maxLineBytes: loaded.global.maxLogLineBytes,
    tap: logBuffer.record,
  });
  const logger = createLogger({ level: loaded.global.logLevel, output });
  const reaper = startReaper({ log: (level, msg, fields) => logger[level](fields ?? {}, msg) });
  const store = new DesiredStore(loaded);
  const groups = new Set<number>();
  // The manager's environment plus the auto-tuned PHP-FPM variables, computed once at start.
  const env = loaded.php.env;
  const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !PRIVATE_ENV.has(k)));

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
      action: (action) => {
        const message = describeAction(action);
        logger.info(message);
        events.publish(actionEvent(action, message));
        metrics?.onAction(action);
      },
      blocked: (entry) => {
        const message = `${entry.id} ${entry.reason}`;
        logger.info(message);
        events.publish({
          type: 'blocked',
          process: entry.process,
          instance: entry.id,
          message,
          data: entry,
        });
      },
      event: (event, before, after) => {
        const line = describeEvent(event, before, after);
        if (line) logger[line.level](line.message);
        if (line && line.level !== 'debug') events.publish(observedEvent(event, line.message));
        metrics?.onEvent(event, before, after);
      },
    },
    onCriticalFailure: (code, reason) => {
      if (store.get().shutdown) return;
      requestShutdown(reason, code, code, systemClock.now());
    },
    onReconciled: (desired, observed, seconds) => {
      hooks.afterReconcile(desired, observed);
      probes.sync(desired, observed);
      metrics?.observeReconcile(seconds);
    },
    onExit: async (code) => {
      probes.stop();
      await servers?.close();
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
  const probes = createProbeSync(systemClock, (attempt) => loop.reportProbe(attempt), childEnv);
  store.subscribe(() => loop.trigger());

  const reloader = new ConfigReloader({
    file: options.file,
    env,
    initialVersion,
    apply: (next, why) => {
      const changes = diffProcesses(store.get().processes, next.processes);
      const message = `${options.file}: ${why}: ${describeChanges(changes)}`;
      metrics?.onReload(changes.length > 0 ? 'applied' : 'unchanged');
      events.publish({ type: 'reload', message, data: changes });
      logger.info(message);
      if (next.global.php.autotune !== store.get().global.php.autotune) {
        logger.warn(
          'global.php_fpm.autotune changed: PHP-FPM tuning is computed at start; restart to apply it',
        );
      }
      output.setFormat(next.global.logFormat);
      logger.level = next.global.logLevel;
      store.applyFile(next);
    },
    reject: (result, why) => {
      metrics?.onReload('rejected');
      events.publish({
        type: 'reload',
        message: `${why}: invalid configuration rejected`,
        data: result.diagnostics,
      });
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
  const phpFpmReport = describePhpEnvironment(loaded.php);
  for (const line of phpFpmReport) logger.info(line);
  if (loaded.php.tuning?.warning) logger.warn(`php-fpm auto-tuning: ${loaded.php.tuning.warning}`);
  const setupStarted = performance.now();
  const setup = await prepareWorkdir(loaded.global.php, { uid: process.getuid?.() ?? 0 });
  logger.info(describeSetup(setup, loaded.global.php.workdir, performance.now() - setupStarted));
  for (const warning of setup.warnings) logger.warn(`setup: ${warning}`);
  const preStart = await hooks.preStart();
  if (!preStart.ok) {
    logger.error(`${preStart.error}: not starting`);
    await output.flush();
    process.exit(1);
  }
  loop.reconcile();
  if (early.signal) handlers.shutdown(early.signal);
  if (early.reload) handlers.reload();

  const control = createControlPlane({
    store,
    loop,
    reloader,
    events,
    logs: logBuffer,
    file: options.file,
    env,
    now: systemClock.now,
    version: options.version,
    phpFpm: phpFpmReport,
  });
  // Not needed for the first spawns: the servers and the watcher come after them.
  setImmediate(async () => {
    const started = await startServers(control, store.get().global, options.listeners, {
      log: (level, msg) => logger[level](msg),
      logger: logger.child({ component: 'api' }),
    });
    servers = started;
    metrics = started.metrics;
  });
  setImmediate(async () => {
    const { watchConfigFile } = await import('../desired/watch.ts');
    watchConfigFile(
      options.file,
      () => reloader.request('file changed'),
      () => reloader.request('changed during start-up'),
    );
  });
}
