/**
 * `phpeek-pm validate [-c FILE] [--json]`: loads the configuration exactly as `run` would and
 * reports on it. Exit 0 when valid, 1 with every problem listed, 2 when there is no file.
 * The report goes to stdout (it is what was asked for, and is piped into grep or jq); stderr is
 * only for the no-file case, where there is nothing to report on.
 */
import type { Diagnostic } from '../desired/diagnostics.ts';
import { formatDiagnostic } from '../desired/diagnostics.ts';
import type { Env } from '../desired/interpolate.ts';
import { locateConfig } from '../desired/locate.ts';
import type { ProcessSpec } from '../desired/types.ts';
import { type FpmTuning, fpmTuningEnv } from '../php/fpm-tuning.ts';
import { describePhpEnvironment } from '../php/php-environment.ts';
import { loadStartConfig, type StartConfigOptions } from './start-config.ts';

export interface ValidateOptions extends StartConfigOptions {
  readonly config?: string | undefined;
  readonly json: boolean;
}

export interface ValidateOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** `validate --json` output; `file` is null when no file was found. */
export interface ValidateReport {
  readonly valid: boolean;
  readonly file: string | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The PHP-FPM pool settings `run` would hand to php-fpm, when auto-tuning is on. */
  readonly phpFpm?: Omit<FpmTuning, 'reasoning'> & {
    readonly reasoning: readonly string[];
    readonly env: Readonly<Record<string, string | undefined>>;
  };
}

export async function runValidate(
  options: ValidateOptions,
  env: Env,
  out: ValidateOutput,
): Promise<number> {
  const located = locateConfig(options.config, env);
  if ('error' in located) {
    if (options.json) {
      const diagnostic: Diagnostic = {
        code: 'CONFIG_NOT_FOUND',
        file: '',
        path: '',
        message: located.error,
      };
      printJson(out, { valid: false, file: null, diagnostics: [diagnostic] });
    } else {
      out.stderr(`phpeek-pm: ${located.error}\n`);
    }
    return 2;
  }
  const { file } = located;
  const result = await loadStartConfig(file, env, options);
  const diagnostics = result.ok ? [] : result.diagnostics;
  const tuning = result.ok ? result.php.tuning : undefined;
  if (options.json) {
    const phpFpm =
      tuning && result.ok ? { ...tuning, env: tunedVariables(tuning, result.php.env) } : undefined;
    printJson(out, { valid: result.ok, file, diagnostics, ...(phpFpm ? { phpFpm } : {}) });
  } else if (result.ok) {
    out.stdout(`${file}: valid (${summary(Object.values(result.processes))})\n`);
    for (const line of describePhpEnvironment(result.php)) out.stdout(`${line}\n`);
  } else {
    for (const diagnostic of diagnostics) out.stdout(`${formatDiagnostic(diagnostic)}\n`);
    out.stdout(`${file}: invalid, ${count(diagnostics.length, 'problem')}\n`);
  }
  return result.ok ? 0 : 1;
}

/** `3 processes (1 disabled), 6 instances`: instances are the replicas of enabled processes. */
function summary(processes: readonly ProcessSpec[]): string {
  const disabled = processes.filter((p) => !p.enabled).length;
  const instances = processes.reduce((sum, p) => sum + (p.enabled ? p.replicas : 0), 0);
  const processCount = count(processes.length, 'process', 'processes');
  const disabledNote = disabled > 0 ? ` (${disabled} disabled)` : '';
  return `${processCount}${disabledNote}, ${count(instances, 'instance')}`;
}

/** The variables php-fpm will see: computed, or kept from the environment. */
function tunedVariables(tuning: FpmTuning, env: Readonly<Record<string, string | undefined>>) {
  return Object.fromEntries(Object.keys(fpmTuningEnv(tuning)).map((name) => [name, env[name]]));
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function printJson(out: ValidateOutput, report: ValidateReport): void {
  out.stdout(`${JSON.stringify(report, null, 2)}\n`);
}
