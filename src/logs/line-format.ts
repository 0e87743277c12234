/**
 * How one line of a child looks on the manager's stdout/stderr. Pure helpers: the output
 * builds whole chunks of lines with them.
 */

export type StreamName = 'stdout' | 'stderr';

/** Who wrote a line. */
export interface LineSource {
  /** Process name from the configuration, e.g. `worker`. */
  readonly process: string;
  /** Instance name, e.g. `worker-2`. */
  readonly instance: string;
  readonly stream: StreamName;
}

/** Tag of the manager's own lines in text mode and its `process` field in JSON mode. */
export const MANAGER_TAG = 'phpeek-pm';

/**
 * Text mode prefix: the tag padded to `width`, then ` | `, as docker compose does, so that the
 * lines of all instances start in the same column.
 */
export function textPrefix(tag: string, width: number): string {
  return tag.padEnd(width) + ' | ';
}

/**
 * The constant part of a child's JSON line between the time and the message:
 * `{"time":"<iso>` + this + `"<message>"}`. Computed once per attached stream.
 */
export function jsonLineMiddle(source: LineSource): string {
  return (
    '","process":' +
    JSON.stringify(source.process) +
    ',"instance":' +
    JSON.stringify(source.instance) +
    ',"stream":"' +
    source.stream +
    '","message":'
  );
}

/**
 * Upper bound of the bytes a chunk turns into when every line of `chunk` (plus the `carried`
 * bytes of a line begun in an earlier chunk) gains `perLine` bytes of framing. The splitter
 * cuts long lines into pieces of at least `maxLineBytes - 3` bytes, which bounds how many extra
 * lines cutting adds. Exact for text mode; for JSON it holds unless a line needs escaping.
 */
export function chunkCapacity(
  chunk: Buffer,
  carried: number,
  maxLineBytes: number,
  perLine: number,
): number {
  let lines = 1;
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
  const bytes = chunk.length + carried;
  lines += Math.floor(bytes / (maxLineBytes - 3));
  return bytes + lines * perLine;
}

/**
 * True when the bytes `buf[start, end)` can stand inside a JSON string as they are: printable
 * ASCII without `"` or `\`. Most log lines are; the others go through `JSON.stringify`.
 */
export function isPlainJsonText(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x80) return false;
  }
  return true;
}
