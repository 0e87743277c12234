/**
 * Annotations for the configuration reference, docs/configuration.md, which
 * scripts/docs/config-reference.ts writes from the schema. Nothing else reads them: validation
 * and its messages use `description`, `code` and `suggest` (schema-problems.ts), so documenting
 * a key never changes what an error says.
 */
import type { TSchema } from '@sinclair/typebox';

export interface KeyDoc {
  /** What the key does, in Markdown. */
  readonly doc?: string;
  /**
   * The value in effect when the key is absent, in Markdown. A function when it comes from
   * normalize.ts: it is called only when the reference is written, so a schema module never
   * needs normalize.ts evaluated first (normalize.ts reads the schemas' constants).
   */
  readonly defaultText?: string | (() => string);
  /** The type in a word or two when its structure would say it badly (`duration`). */
  readonly docType?: string;
  /** The placeholder for the keys of a mapping, `name` in `processes.<name>`. */
  readonly docKey?: string;
}

/**
 * `schema` with the documentation of one place it is used. A copy: a schema shared by many
 * keys (a duration) keeps no annotation of any one of them.
 */
export function documented<T extends TSchema>(schema: T, doc: KeyDoc): T {
  return { ...schema, ...doc };
}

/** `` `30s` ``: a value as the file would write it, in Markdown. */
export function codeText(value: string | number | boolean): string {
  return `\`${value}\``;
}

/** Milliseconds as the file writes a duration: `500ms`, `10s`, `1m`, `1m30s`. */
export function durationText(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return `${ms}ms`;
  const parts: string[] = [];
  let seconds = ms / 1000;
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds > 0) parts.push(`${seconds}s`);
  return parts.join('');
}

/** A default duration from normalize.ts, in Markdown. */
export const durationDefault = (ms: () => number) => () => codeText(durationText(ms()));

/** A default value from normalize.ts, in Markdown. */
export const valueDefault = (value: () => string | number | boolean) => () => codeText(value());
