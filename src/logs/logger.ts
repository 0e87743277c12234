/**
 * The manager's own logger: pino writing into the same output as the children.
 *
 * No transport, no worker thread, no pino-pretty: start-up time and memory matter for PID 1.
 * pino gets a plain object destination; the output formats the record for the current mode.
 */

import { type Logger, pino } from 'pino';
import type { LogLevel } from '../desired/types.ts';
import type { ChildOutput } from './output.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Change later with `logger.level = ...`. */
  readonly level: LogLevel;
  /** Where records go; its format (changeable with `setFormat`) decides how they look. */
  readonly output: ChildOutput;
}

/**
 * JSON records look like the children's lines:
 * `{"level":"info","time":"<ISO>","process":"phpeek-pm",...fields,"message":"..."}`.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const { output } = opts;
  const destination = {
    // Asks pino to set `lastLevel` before each write, so records can be routed by level
    // without parsing them (pino's multistream relies on the same).
    [pino.symbols.needsMetadataGsym]: true,
    lastLevel: 0,
    write(line: string): void {
      output.writeManagerRecord(this.lastLevel, line);
    },
  };
  return pino(
    {
      level: opts.level,
      base: { process: 'phpeek-pm' },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
