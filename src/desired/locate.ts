/**
 * Which configuration file to use: `-c FILE`, else `$PHPEEK_PM_CONFIG`, else the first of
 * `./phpeek-pm.yaml` and `/etc/phpeek-pm/phpeek-pm.yaml` that exists. A file named explicitly
 * (by `-c` or the variable) that does not exist is an error, never a silent fallback to
 * another file.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatMessage } from '../errors.ts';
import type { Env } from './interpolate.ts';

export const DEFAULT_CONFIG_PATHS = ['phpeek-pm.yaml', '/etc/phpeek-pm/phpeek-pm.yaml'] as const;

export type LocatedConfig =
  | { readonly file: string }
  | {
      /** CONFIG_NOT_FOUND message listing the places looked in. */
      readonly error: string;
      readonly lookedIn: readonly string[];
    };

export interface LocateOptions {
  /** Relative candidates are looked up from here; default the process's working directory. */
  readonly cwd?: string;
  /** Injected for tests. */
  readonly isFile?: (path: string) => boolean;
}

export function locateConfig(
  explicit: string | undefined,
  env: Env,
  options: LocateOptions = {},
): LocatedConfig {
  const isFile = options.isFile ?? fileExists;
  const chosen = explicit ?? (env['PHPEEK_PM_CONFIG'] || undefined);
  const candidates = chosen === undefined ? DEFAULT_CONFIG_PATHS : [chosen];
  const paths = candidates.map((c) => (options.cwd === undefined ? c : resolve(options.cwd, c)));
  const file = paths.find(isFile);
  if (file !== undefined) return { file };
  const source = chosen !== undefined && explicit === undefined ? ' (from PHPEEK_PM_CONFIG)' : '';
  return { error: formatMessage('CONFIG_NOT_FOUND', paths.join(', ') + source), lookedIn: paths };
}

/** Anything but a directory: `-c /dev/stdin` and `-c <(generate-config)` are fine. */
function fileExists(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}
