/**
 * Text mode for the manager's own records: pino's JSON line turned into
 * `phpeek-pm | INFO  started worker-2 (pid 1234) instance=worker-2 pid=1234`.
 * Manager records are rare, so parsing the JSON back is cheaper than a second serializer.
 */

/** Fields shown in their own place on the line, not as `key=value`. */
const OWN_KEYS = new Set(['level', 'time', 'process', 'message']);

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** pino's numeric level of warn: records at or above it go to stderr. */
export const WARN_LEVEL = 40;

/**
 * One readable line (or several, when the record carries an error stack, one per stack frame)
 * for a pino JSON record, each starting with `prefix`. A line that is not JSON is kept as is.
 */
export function formatManagerText(jsonLine: string, prefix: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return prefix + jsonLine.trimEnd() + '\n';
  }
  const level = record['level'];
  const levelName =
    typeof level === 'string' ? level.toUpperCase() : (LEVEL_NAMES[Number(level)] ?? String(level));
  let out = prefix + levelName.padEnd(5) + ' ' + oneLine(String(record['message'] ?? ''));
  let stack = '';
  for (const key in record) {
    if (OWN_KEYS.has(key)) continue;
    const value = record[key];
    if (isSerializedError(value)) {
      out += ' ' + key + '=' + formatValue(value.message);
      for (const errKey in value) {
        if (errKey === 'message' || errKey === 'stack' || errKey === 'type') continue;
        out += ' ' + key + '.' + errKey + '=' + formatValue(value[errKey]);
      }
      if (typeof value.stack === 'string') stack += value.stack;
      continue;
    }
    out += ' ' + key + '=' + formatValue(value);
  }
  out += '\n';
  if (stack !== '') {
    // The first line of a stack repeats the message; the frames follow, already indented.
    const frames = stack.split('\n');
    for (let i = 1; i < frames.length; i++) out += prefix + frames[i] + '\n';
  }
  return out;
}

/** `key=value` value: bare when unambiguous, JSON otherwise (quoted strings, objects). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return /^[^\s"'=\\]+$/.test(value) ? value : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}

/** A record is one line in text mode; only an error stack adds lines, each tagged. */
function oneLine(message: string): string {
  return message.includes('\n') ? message.replace(/\r?\n/g, '\\n') : message;
}

interface SerializedError {
  readonly message: unknown;
  readonly stack?: unknown;
  readonly [key: string]: unknown;
}

/** What pino's `err` serializer makes of an Error: `{ type, message, stack, ...props }`. */
function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'message' in value &&
    'stack' in value &&
    'type' in value
  );
}
