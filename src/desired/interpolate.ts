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
 *
 * Per-instance variables (`${PHPEEK_PM_REPLICA}`, ...) have no value when the file is read;
 * where the caller says they are filled in later, a plain `${NAME}` of them is left as written.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface InterpolateOptions {
  /** Variables that only exist per instance, set by the manager when it starts one. */
  readonly perInstance?: ReadonlySet<string>;
  /** True where per-instance variables are filled in later: `${NAME}` is kept as written. */
  readonly keepPerInstance?: boolean;
}

export interface Interpolation {
  readonly value: string;
  /** One sentence per problem; the caller adds the file and path. */
  readonly errors: readonly string[];
}

const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([\s\S]*))?$/;

export function interpolate(
  text: string,
  env: Env,
  options: InterpolateOptions = {},
): Interpolation {
  const errors: string[] = [];
  const value = expand(text, { env, options, errors });
  return { value, errors };
}

interface Context {
  readonly env: Env;
  readonly options: InterpolateOptions;
  readonly errors: string[];
}

/**
 * True when the whole string is one `${...}` expression, e.g. `replicas: ${WORKERS:-2}`. Only
 * such values may turn into a number or boolean where the schema expects one.
 */
export function isWholeExpression(text: string): boolean {
  return text.startsWith('${') && closingBrace(text, 2) === text.length - 1;
}

function expand(text: string, context: Context): string {
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
        context.errors.push(
          `unterminated "\${" in ${JSON.stringify(text)}: expected a closing "}"`,
        );
        return out + text.slice(dollar);
      }
      out += expandExpression(text.slice(dollar + 2, close), context);
      i = close + 1;
    }
  }
  return out;
}

function expandExpression(body: string, context: Context): string {
  const { env, options, errors } = context;
  const match = EXPRESSION.exec(body);
  if (!match) {
    errors.push(
      `expected \${NAME}, \${NAME:-default} or \${NAME:?message} with NAME of letters, digits and "_", found "\${${body}}"`,
    );
    return '';
  }
  const [, name = '', operator, word = ''] = match;
  if (options.perInstance?.has(name) && options.keepPerInstance) {
    if (operator === undefined) return `\${${name}}`;
    errors.push(
      `${name} is filled in for each instance and is never unset: write \${${name}}, found "\${${body}}"`,
    );
    return '';
  }
  const value = env[name];
  const missing = operator?.startsWith(':')
    ? value === undefined || value === ''
    : value === undefined;
  if (!missing) return value ?? '';
  switch (operator) {
    case undefined:
      errors.push(
        options.perInstance?.has(name)
          ? `variable ${name} is not set: it is filled in for each instance only in probe targets; a process finds it in its environment (in a command string, write $${name} for the shell)`
          : `variable ${name} is not set (write \${${name}:-default} to give a default)`,
      );
      return '';
    case ':-':
    case '-':
      return expand(word, context);
    default: {
      const message = expand(word, context);
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
