/**
 * Configuration file -> the `global` and `processes` parts of the desired state, or every
 * problem found, each with file, path, line and column. Stages, each reporting as much as it
 * can: YAML syntax (stops here on error: the tree cannot be trusted), `${...}` interpolation,
 * coercion of interpolated numbers and booleans, schema, process names, dependencies, and the
 * rules between fields (probes, schedules, oneshots, rollouts; see lifecycle-problems.ts).
 */
import { readFile } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { formatMessage } from '../errors.ts';
import { coerceInterpolated } from './coerce.ts';
import { dependencyGraphOfFile, dependencyProblems } from './dependencies.ts';
import {
  type Diagnostic,
  formatPath,
  type Problem,
  sortDiagnostics,
  toPointer,
} from './diagnostics.ts';
import type { Env } from './interpolate.ts';
import { lifecycleProblems } from './lifecycle-problems.ts';
import { normalizeConfig } from './normalize.ts';
import { processNameProblems } from './process-name.ts';
import { ConfigFileSchema } from './schema.ts';
import { schemaProblems } from './schema-problems.ts';
import { type Position, readSource } from './source.ts';
import type { GlobalSpec, ProcessSpec } from './types.ts';

export type DesiredParseResult =
  | {
      readonly ok: true;
      readonly global: GlobalSpec;
      readonly processes: Record<string, ProcessSpec>;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Pure and synchronous: the text, the name to report it under, the variables for `${...}`. */
export function parseDesired(text: string, file: string, env: Env): DesiredParseResult {
  const read = readSource(text, env);
  if (!read.ok) return failed(file, read.problems, () => undefined);
  const source = read.document;
  const value = coerceInterpolated(ConfigFileSchema, source.value, source.wholeExpressions);
  // A failed `${...}` already has its problem; the "" it left would only add a second one.
  const interpolationFailed = new Set(source.problems.map((p) => toPointer(p.path)));
  const problems = [
    ...source.problems,
    ...[
      ...schemaProblems(ConfigFileSchema, value, source.originals),
      ...lifecycleProblems(value),
    ].filter((p) => !interpolationFailed.has(toPointer(p.path))),
    ...processNameProblems((value as { processes?: unknown } | null)?.processes),
    ...dependencyProblems(dependencyGraphOfFile(value)),
  ];
  if (problems.length > 0 || !Value.Check(ConfigFileSchema, value)) {
    return failed(file, problems, source.position);
  }
  const normalized = normalizeConfig(value, (path) => source.numberTexts.get(toPointer(path)));
  return { ok: true, ...normalized };
}

/** Reads and parses `file`; an unreadable file is a CONFIG_READ diagnostic, never a throw. */
export async function loadDesiredFile(file: string, env: Env): Promise<DesiredParseResult> {
  const read = await readConfigText(file);
  return read.ok ? parseDesired(read.text, file, env) : read;
}

/** The file's text, or the CONFIG_READ diagnostic saying why it cannot be read. */
export async function readConfigText(
  file: string,
): Promise<
  { readonly ok: true; readonly text: string } | { readonly ok: false; diagnostics: Diagnostic[] }
> {
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (error) {
    const message = formatMessage('CONFIG_READ', file, readFailure(error));
    return { ok: false, diagnostics: [{ code: 'CONFIG_READ', file, path: '', message }] };
  }
}

function failed(
  file: string,
  problems: readonly Problem[],
  position: (path: Problem['path']) => Position | undefined,
): DesiredParseResult {
  const diagnostics = problems.map((problem): Diagnostic => {
    const at =
      problem.line === undefined
        ? position(problem.path)
        : { line: problem.line, column: problem.column ?? 1 };
    return {
      code: problem.code,
      file,
      path: formatPath(problem.path),
      ...(at === undefined ? {} : { line: at.line, column: at.column }),
      message: problem.message,
    };
  });
  return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}

function readFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return (error as Error).message;
  }
}
