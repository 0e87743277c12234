/**
 * The environment the configuration is read with, and the children run with: the manager's
 * own, plus the PHP-FPM pool settings of the auto-tuning profile (`PHP_FPM_MAX_CHILDREN`, ...),
 * so a pool file can say `pm.max_children = ${PHP_FPM_MAX_CHILDREN}` and the configuration can
 * use `${PHP_FPM_MAX_CHILDREN}` too.
 *
 * The profile comes from, first to last: the command line (`--php-fpm-profile`),
 * `PHP_FPM_AUTOTUNE_PROFILE`, the file's `global.php_fpm.autotune`. A variable already set in
 * the environment wins over the computed one, so `-e PHP_FPM_MAX_CHILDREN=20` still works.
 *
 * The file's profile is needed before the file can be interpolated (it may use the variables
 * it produces), so it is read from the YAML on its own first; the full parse validates it later.
 */
import { parse } from 'yaml';
import { type Env, interpolate } from '../desired/interpolate.ts';
import { FPM_PROFILES } from '../desired/php-schema.ts';
import { parseSize } from '../desired/size.ts';
import type { FpmProfile } from '../desired/types.ts';
import { formatMessage } from '../errors.ts';
import type { ContainerLimits } from './container-limits.ts';
import { type FpmTuning, fpmTuning, fpmTuningEnv } from './fpm-tuning.ts';

export const PROFILE_VARIABLE = 'PHP_FPM_AUTOTUNE_PROFILE';
const FILE_KEY = 'global.php_fpm.autotune';

export interface PhpEnvironment {
  readonly env: Env;
  /** Absent when no profile is set anywhere, or the profile is `false`. */
  readonly tuning?: FpmTuning;
  /** Where the profile came from, for the report. */
  readonly profileSource?: string;
  /** Computed variables that the environment already set, and so were not replaced. */
  readonly keptFromEnvironment: readonly string[];
}

export type PhpEnvironmentResult =
  | ({ readonly ok: true } & PhpEnvironment)
  | { readonly ok: false; readonly error: string; readonly source: string };

export interface PhpEnvironmentOptions {
  /** `--php-fpm-profile`, when given. */
  readonly profile?: string;
  /** Read only when a profile is set. */
  readonly limits: () => ContainerLimits;
}

export function phpEnvironment(
  text: string,
  env: Env,
  options: PhpEnvironmentOptions,
): PhpEnvironmentResult {
  const file = fileSettings(text, env);
  const chosen =
    options.profile !== undefined
      ? { value: options.profile, source: '--php-fpm-profile' }
      : env[PROFILE_VARIABLE]
        ? { value: env[PROFILE_VARIABLE], source: PROFILE_VARIABLE }
        : file.profile === undefined
          ? undefined
          : { value: file.profile, source: FILE_KEY };
  const value = chosen?.value;
  if (chosen === undefined || value === undefined || value === false || isOff(value)) {
    return { ok: true, env, keptFromEnvironment: [] };
  }
  if (!(FPM_PROFILES as readonly string[]).includes(value)) {
    // The file's own value is reported by the schema, with its line and column.
    if (chosen.source === FILE_KEY) return { ok: true, env, keptFromEnvironment: [] };
    return {
      ok: false,
      source: chosen.source,
      error: formatMessage(
        'CONFIG_FPM_PROFILE',
        chosen.source,
        FPM_PROFILES.join(', '),
        `"${value}"`,
      ),
    };
  }
  const tuning = fpmTuning({
    profile: value as FpmProfile,
    limits: options.limits(),
    ...(file.workerMemory === undefined ? {} : { workerMemoryBytes: file.workerMemory }),
    ...(file.reservedMemory === undefined ? {} : { reservedMemoryBytes: file.reservedMemory }),
  });
  const computed = fpmTuningEnv(tuning);
  const keptFromEnvironment = Object.keys(computed).filter((name) => env[name] !== undefined);
  return {
    ok: true,
    env: { ...computed, ...env },
    tuning,
    profileSource: chosen.source,
    keptFromEnvironment,
  };
}

/** The report `validate` prints and `run` logs. */
export function describePhpEnvironment(php: PhpEnvironment): string[] {
  if (php.tuning === undefined) return [];
  const { tuning } = php;
  return [
    `php-fpm auto-tuning: profile ${tuning.profile} (from ${php.profileSource})`,
    ...tuning.reasoning.map((line) => `  ${line}`),
    ...(tuning.warning === undefined ? [] : [`  warning: ${tuning.warning}`]),
    ...php.keptFromEnvironment.map(
      (name) => `  ${name}=${php.env[name]} is set in the environment and is kept`,
    ),
  ];
}

function isOff(value: string): boolean {
  return value === 'false' || value === 'off' || value === '';
}

interface FileSettings {
  readonly profile?: string | false;
  readonly workerMemory?: number;
  readonly reservedMemory?: number;
}

/** `global.php_fpm` as written; anything unreadable is left for the full parse to report. */
function fileSettings(text: string, env: Env): FileSettings {
  // Most files have no such key: spare them a second parse.
  if (!text.includes('php_fpm')) return {};
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return {};
  }
  const fpm = (document as { global?: { php_fpm?: Record<string, unknown> } } | null)?.global
    ?.php_fpm;
  if (typeof fpm !== 'object' || fpm === null) return {};
  const expanded = (value: unknown): string | false | undefined => {
    if (value === false) return false;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') return undefined;
    const result = interpolate(value, env);
    return result.errors.length > 0 ? undefined : result.value;
  };
  const size = (value: unknown): number | undefined => {
    const text = expanded(value);
    return typeof text === 'string'
      ? parseSize(/^\d+$/.test(text) ? Number(text) : text)
      : undefined;
  };
  const profile = expanded(fpm['autotune']);
  const workerMemory = size(fpm['worker_memory']);
  const reservedMemory = size(fpm['reserved_memory']);
  return {
    ...(profile === undefined ? {} : { profile }),
    ...(workerMemory === undefined ? {} : { workerMemory }),
    ...(reservedMemory === undefined ? {} : { reservedMemory }),
  };
}
