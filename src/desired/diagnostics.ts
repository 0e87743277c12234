/**
 * Problems found in a configuration file, and how they read for a person. A check produces a
 * `Problem` (a path inside the document, no file, no position); the loader turns it into a
 * `Diagnostic` by adding the file name and the line and column the path starts at.
 */
import type { ErrorCode } from '../errors.ts';

/** A path inside the document: mapping keys and list indexes, outermost first. */
export type DocPath = readonly (string | number)[];

export interface Problem {
  readonly code: ErrorCode;
  readonly path: DocPath;
  readonly message: string;
  /** Known only for YAML syntax errors; everything else is located through its path. */
  readonly line?: number;
  readonly column?: number;
}

/** One user-facing problem. Stable shape: `validate --json` and the API print it as is. */
export interface Diagnostic {
  readonly code: ErrorCode;
  readonly file: string;
  /** Dotted path such as `processes.worker.replicas`; empty for the document as a whole. */
  readonly path: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  readonly message: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `processes.app.command[1]`; keys that would read ambiguously are quoted: `env["A.B"]`. */
export function formatPath(path: DocPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** RFC 6901 JSON pointer, the form TypeBox reports error paths in. */
export function toPointer(path: DocPath): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Inverse of `toPointer`; every segment comes back as a string. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `phpeek-pm.yaml:12:5 processes.worker.replicas: expected ..., found ...` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  return d.path === '' ? `${where}: ${d.message}` : `${where} ${d.path}: ${d.message}`;
}

/** File order: by line, then column; diagnostics without a position come first. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

/** A short description of a value found in the file, for `found ...`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
