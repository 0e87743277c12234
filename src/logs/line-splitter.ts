/**
 * Cuts a child's byte stream into lines.
 *
 * Lines are handed out as byte ranges, not strings: the text path copies bytes straight to the
 * destination and never decodes them, and only the JSON path pays for a string.
 */

/**
 * Receives one line without its terminator (`\n` or `\r\n`). `buf` is only valid during the
 * call: the splitter reuses its own buffer for lines that span chunks, so copy what you keep.
 */
export type LineHandler = (buf: Buffer, start: number, end: number) => void;

const LF = 0x0a;
const CR = 0x0d;

/** Smallest limit that can always hold one whole UTF-8 character. */
export const MIN_LINE_BYTES = 4;

/**
 * Splits chunks into lines. A line longer than `maxLineBytes` comes out as several lines of at
 * most `maxLineBytes` bytes each, cut before a UTF-8 character that would straddle the limit
 * (a multibyte character is never split). Memory held between chunks is bounded by
 * `maxLineBytes + 1` bytes.
 */
export class LineSplitter {
  readonly #max: number;
  readonly #onLine: LineHandler;
  /**
   * An unfinished line carried over to the next chunk. One byte more than the limit so that a
   * line of exactly `maxLineBytes` followed by a `\r` whose `\n` comes in the next chunk is
   * not split.
   */
  #partial: Buffer | undefined;
  #partialLen = 0;

  constructor(maxLineBytes: number, onLine: LineHandler) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < MIN_LINE_BYTES) {
      throw new RangeError(
        `maxLineBytes must be an integer >= ${MIN_LINE_BYTES}, found ${maxLineBytes}`,
      );
    }
    this.#max = maxLineBytes;
    this.#onLine = onLine;
  }

  /** Bytes held for a line whose end has not arrived yet. */
  get partialBytes(): number {
    return this.#partialLen;
  }

  /** Emits every line completed by `chunk`; keeps the unfinished rest for the next call. */
  push(chunk: Buffer): void {
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        this.#append(chunk, pos, len);
        return;
      }
      if (this.#partialLen === 0) {
        this.#emit(chunk, pos, nl);
      } else {
        this.#append(chunk, pos, nl);
        const partialLen = this.#partialLen;
        this.#partialLen = 0;
        this.#emit(this.#partial!, 0, partialLen);
      }
      pos = nl + 1;
    }
  }

  /** Emits the unfinished line, if any: the stream ended without a final newline. */
  flush(): void {
    const partialLen = this.#partialLen;
    if (partialLen === 0) return;
    this.#partialLen = 0;
    this.#emit(this.#partial!, 0, partialLen);
  }

  /** One complete line: strips a `\r` before the newline and splits what is over the limit. */
  #emit(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === CR) end--;
    const max = this.#max;
    while (end - start > max) {
      const cut = utf8CutPoint(buf, start, start + max);
      this.#onLine(buf, start, cut);
      start = cut;
    }
    this.#onLine(buf, start, end);
  }

  /** Bytes with no newline among them: keep them, emitting full-length pieces as they fill. */
  #append(data: Buffer, start: number, end: number): void {
    const max = this.#max;
    while (start < end) {
      if (this.#partialLen === 0 && end - start > max + 1) {
        // More than a whole piece and at least one content byte after it: this piece is final,
        // emit it from the chunk itself instead of copying it first.
        const cut = utf8CutPoint(data, start, start + max);
        this.#onLine(data, start, cut);
        start = cut;
        continue;
      }
      this.#partial ??= Buffer.allocUnsafe(max + 1);
      const partial = this.#partial;
      const space = partial.length - this.#partialLen;
      if (space === 0) {
        // Full, and more bytes of the same line follow: its first piece is final.
        const cut = utf8CutPoint(partial, 0, max);
        this.#onLine(partial, 0, cut);
        partial.copyWithin(0, cut, this.#partialLen);
        this.#partialLen -= cut;
        continue;
      }
      const n = Math.min(space, end - start);
      data.copy(partial, this.#partialLen, start, start + n);
      this.#partialLen += n;
      start += n;
    }
  }
}

/**
 * Where to cut `buf` at or before `cut` so that no UTF-8 character is split: `cut` itself
 * unless the byte there continues a character that began at most 3 bytes earlier. Invalid
 * sequences (stray continuation bytes) are cut at `cut`. Requires `buf[cut]` to exist.
 */
export function utf8CutPoint(buf: Buffer, start: number, cut: number): number {
  if ((buf[cut]! & 0xc0) !== 0x80) return cut;
  const floor = Math.max(start + 1, cut - 3);
  for (let i = cut - 1; i >= floor; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue;
    return b >= 0xc0 ? i : cut;
  }
  return cut;
}
