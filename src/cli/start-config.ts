/**
 * The configuration as `run` and `validate` read it: the file's text, the PHP environment it
 * implies (auto-tuned PHP-FPM variables, see src/php/php-environment.ts), then the desired state
 * parsed with that environment. Both commands go through here so `validate` reports exactly
 * what `run` would start.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { Diagnostic } from '../desired/diagnostics.ts';
import type { Env } from '../desired/interpolate.ts';
import { parseDesired, readConfigText } from '../desired/load.ts';
import type { GlobalSpec, ProcessSpec } from '../desired/types.ts';
import { readContainerLimits } from '../php/container-limits.ts';
import { type PhpEnvironment, phpEnvironment } from '../php/php-environment.ts';

export type StartConfig =
  | {
      readonly ok: true;
      readonly global: GlobalSpec;
      readonly processes: Record<string, ProcessSpec>;
      readonly php: PhpEnvironment;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface StartConfigOptions {
  /** `--php-fpm-profile`. */
  readonly phpFpmProfile?: string;
  /** Where /proc and /sys are; tests point elsewhere. */
  readonly root?: string;
}

export async function loadStartConfig(
  file: string,
  env: Env,
  options: StartConfigOptions = {},
): Promise<StartConfig> {
  const read = await readConfigText(file);
  if (!read.ok) return read;
  const php = phpEnvironment(read.text, env, {
    ...(options.phpFpmProfile === undefined ? {} : { profile: options.phpFpmProfile }),
    limits: () =>
      readContainerLimits(options.root ?? '/', {
        memoryBytes: totalmem(),
        cpus: availableParallelism(),
      }),
  });
  if (!php.ok) {
    return {
      ok: false,
      diagnostics: [{ code: 'CONFIG_FPM_PROFILE', file, path: '', message: php.error }],
    };
  }
  const parsed = parseDesired(read.text, file, php.env);
  return parsed.ok ? { ...parsed, php } : parsed;
}
