import { constants } from 'node:os';

/** Signals that ask the manager to stop; a second one during shutdown forces it. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/** tini's convention: death by signal n is exit status 128 + n. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export interface SignalHandlers {
  shutdown(signal: NodeJS.Signals): void;
  reload(): void;
}

/**
 * Installs every handler PID 1 needs. Without a handler, PID 1 ignores SIGTERM (the kernel
 * drops signals with default action to init), and Node's default SIGUSR1 opens the inspector
 * to anyone in the container, so SIGUSR1/SIGUSR2 get a handler that only logs.
 */
export function installSignalHandlers(handlers: SignalHandlers, log: (msg: string) => void): void {
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => handlers.shutdown(signal));
  process.on('SIGHUP', () => handlers.reload());
  for (const signal of ['SIGUSR1', 'SIGUSR2'] as const) {
    process.on(signal, () => log(`${signal} received and ignored`));
  }
}
