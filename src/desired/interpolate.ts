/**
 * `${VAR}` expansion in string values of the configuration, with the environment passed in by
 * the caller (never `process.env` directly, so tests and the API can supply their own).
 *
 *   ${VAR}          value of VAR; unset is an error
 *   ${VAR:-word}    word when VAR is unset or empty      ${VAR-word}  only when unset
 *   ${VAR:?message} error with message when unset/empty  ${VAR?message} only when unset
 *   $$              a literal `$`
 *
 * `word` and `message` are expanded too, and only when used. A `$` not followed by `{` or `$`
 * is kept as is: `command: "echo $HOME"` reaches `/bin/sh -c` untouched and the shell expands
 * it when the process starts, with the process's own environment.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface Interpolation {
  readonly value: string;
  /** One sentence per problem; the caller adds the file and path. */
  readonly errors: readonly string[];
}

const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([\s\S]*))?$/;

export function interpolate(text: string, env: Env): Interpolation {
  const errors: string[] = [];
  const value = expand(text, env, errors);
  return { value, errors };
}

/**
 * True when the whole string is one `${...}` expression, e.g. `replicas: ${WORKERS:-2}`. Only
 * such values may turn into a number or boolean where the schema expects one.
 */
export function isWholeExpression(text: string): boolean {
  return text.startsWith('${') && closingBrace(text, 2) === text.length - 1;
}

function expand(text: string, env: Env, errors: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next !== '{') {
      out += '$';
      i = dollar + 1;
    } else {
      const close = closingBrace(text, dollar + 2);
      if (close < 0) {
        errors.push(`unterminated "\${" in ${JSON.stringify(text)}: expected a closing "}"`);
        return out + text.slice(dollar);
      }
      out += expandExpression(text.slice(dollar + 2, close), env, errors);
      i = close + 1;
    }
  }
  return out;
}

function expandExpression(body: string, env: Env, errors: string[]): string {
  const match = EXPRESSION.exec(body);
  if (!match) {
    errors.push(
      `expected \${NAME}, \${NAME:-default} or \${NAME:?message} with NAME of letters, digits and "_", found "\${${body}}"`,
    );
    return '';
  }
  const [, name = '', operator, word = ''] = match;
  const value = env[name];
  const missing = operator?.startsWith(':')
    ? value === undefined || value === ''
    : value === undefined;
  if (!missing) return value ?? '';
  switch (operator) {
    case undefined:
      errors.push(`variable ${name} is not set (write \${${name}:-default} to give a default)`);
      return '';
    case ':-':
    case '-':
      return expand(word, env, errors);
    default: {
      const message = expand(word, env, errors);
      const state = value === undefined ? 'not set' : 'empty';
      errors.push(
        message === ''
          ? `variable ${name} is required but ${state}`
          : `variable ${name} is required but ${state}: ${message}`,
      );
      return '';
    }
  }
}

/** Index of the `}` closing an expression whose body starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    const ch = text[j];
    if (ch === '$' && (text[j + 1] === '$' || text[j + 1] === '{')) {
      if (text[j + 1] === '{') depth++;
      j++;
    } else if (ch === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}
