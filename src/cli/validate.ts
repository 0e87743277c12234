/**
 * `phpeek-pm validate [-c FILE] [--json]`: loads the configuration exactly as `run` would and
 * reports on it. Exit 0 when valid, 1 with every problem listed, 2 when there is no file.
 * The report goes to stdout (it is what was asked for, and is piped into grep or jq); stderr is
 * only for the no-file case, where there is nothing to report on.
 */
import type { Diagnostic } from '../desired/diagnostics.ts';
import { formatDiagnostic } from '../desired/diagnostics.ts';
import type { Env } from '../desired/interpolate.ts';
import { loadDesiredFile } from '../desired/load.ts';
import { locateConfig } from '../desired/locate.ts';
import type { ProcessSpec } from '../desired/types.ts';

export interface ValidateOptions {
  readonly config?: string;
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
  const result = await loadDesiredFile(file, env);
  const diagnostics = result.ok ? [] : result.diagnostics;
  if (options.json) {
    printJson(out, { valid: result.ok, file, diagnostics });
  } else if (result.ok) {
    out.stdout(`${file}: valid (${summary(Object.values(result.processes))})\n`);
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

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function printJson(out: ValidateOutput, report: ValidateReport): void {
  out.stdout(`${JSON.stringify(report, null, 2)}\n`);
}
