/**
 * Children's output and the manager's own records, on the manager's stdout and stderr.
 *
 * Every line of a child goes out tagged with its instance, line by line, in the order it was
 * written. A chunk read from a child becomes one Buffer and one write to the destination;
 * manager records go through the same sink, so lines never interleave mid-line. When the
 * destination is slow the children's pipes are paused (see `Sink`), which blocks the children
 * instead of growing memory.
 */

import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { LogFormat } from '../desired/types.ts';
import {
  chunkCapacity,
  isPlainJsonText,
  jsonLineMiddle,
  type LineSource,
  MANAGER_TAG,
  type StreamName,
  textPrefix,
} from './line-format.ts';
import { LineSplitter } from './line-splitter.ts';
import { formatManagerText, WARN_LEVEL } from './manager-format.ts';
import { type Destination, Sink } from './sink.ts';

export type { LineSource, StreamName } from './line-format.ts';
export type { Destination } from './sink.ts';

export interface OutputOptions {
  readonly format: LogFormat;
  /** Longer lines are split into several, on a UTF-8 character boundary. At least 4. */
  readonly maxLineBytes: number;
  /** Default `process.stdout`. */
  readonly stdout?: Destination;
  /**
   * Default `process.stderr`, or `process.stdout` when fd 1 and fd 2 are the same target.
   * Passing the same object as `stdout` shares one sink.
   */
  readonly stderr?: Destination;
  /** Epoch milliseconds, for the `time` of JSON lines. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * A destination failed (typically EPIPE: nobody reads our stdout any more). Its output is
   * discarded from then on; the caller decides whether to say so on the other stream.
   */
  readonly onDestinationError?: (stream: StreamName, err: Error) => void;
  /**
   * Sees every raw chunk a child writes, before line splitting (the API's log buffer keeps a
   * bounded tail of them). Must be cheap and must not keep `chunk` without copying it.
   */
  readonly tap?: (source: LineSource, chunk: Buffer) => void;
}

export interface ChildOutput {
  /** Current format; `setFormat` changes it for children and manager records alike. */
  readonly format: LogFormat;
  /**
   * Forwards a child's pipe until it ends or closes; a partial last line is written then.
   * Takes over the stream: do not read from it or set an encoding elsewhere.
   */
  attach(source: Readable, meta: LineSource): void;
  /**
   * One record from the manager's logger: `jsonLine` is pino's JSON line, `level` its numeric
   * level. Written as is in JSON mode, as a readable line in text mode; warn and above go to
   * stderr, the rest to stdout.
   */
  writeManagerRecord(level: number, jsonLine: string): void;
  /** Writes one complete, already formatted line (a newline is added if missing). */
  writeManagerLine(stream: StreamName, line: string): void;
  /** Bytes written but not yet accepted by the destinations (for tests and metrics). */
  pendingBytes(): number;
  setFormat(format: LogFormat): void;
  /** Resolves once everything written so far has left the process: call before exiting. */
  flush(): Promise<void>;
}

export function createChildOutput(opts: OutputOptions): ChildOutput {
  return new Output(opts);
}

class Output implements ChildOutput {
  format: LogFormat;
  readonly maxLineBytes: number;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly #now: () => number;
  readonly tap: ((source: LineSource, chunk: Buffer) => void) | undefined;
  /** Width tags are padded to in text mode: the longest seen so far. */
  tagWidth = MANAGER_TAG.length;
  #lastMs = Number.NaN;
  #lastIso = '';

  constructor(opts: OutputOptions) {
    this.format = opts.format;
    this.maxLineBytes = opts.maxLineBytes;
    this.#now = opts.now ?? Date.now;
    this.tap = opts.tap;
    const onError = opts.onDestinationError;
    const stdout = opts.stdout ?? process.stdout;
    const stderr =
      opts.stderr ??
      (opts.stdout === undefined && defaultFdsShareTarget() ? stdout : process.stderr);
    this.stdout = new Sink(stdout, (err) => onError?.('stdout', err));
    // One target (`2>&1`, a TTY, one pipe): one sink, so that two streams never write to it at
    // once, which could cut a line when a write to a pipe is only partly accepted.
    this.stderr =
      stderr === stdout ? this.stdout : new Sink(stderr, (err) => onError?.('stderr', err));
  }

  attach(source: Readable, meta: LineSource): void {
    if (meta.instance.length > this.tagWidth) this.tagWidth = meta.instance.length;
    new AttachedStream(this, source, meta);
  }

  writeManagerRecord(level: number, jsonLine: string): void {
    const sink = level >= WARN_LEVEL ? this.stderr : this.stdout;
    if (this.format === 'json') {
      sink.write(jsonLine.endsWith('\n') ? jsonLine : jsonLine + '\n');
    } else {
      sink.write(formatManagerText(jsonLine, textPrefix(MANAGER_TAG, this.tagWidth)));
    }
  }

  writeManagerLine(stream: StreamName, line: string): void {
    this.sinkFor(stream).write(line.endsWith('\n') ? line : line + '\n');
  }

  pendingBytes(): number {
    const out = this.stdout.pendingBytes();
    return this.stderr === this.stdout ? out : out + this.stderr.pendingBytes();
  }

  setFormat(format: LogFormat): void {
    this.format = format;
  }

  async flush(): Promise<void> {
    await Promise.all([this.stdout.flush(), this.stderr.flush()]);
  }

  sinkFor(stream: StreamName): Sink {
    return stream === 'stderr' ? this.stderr : this.stdout;
  }

  /** ISO time of `now()`, computed once per millisecond at most. */
  isoNow(): string {
    const ms = this.#now();
    if (ms !== this.#lastMs) {
      this.#lastMs = ms;
      this.#lastIso = new Date(ms).toISOString();
    }
    return this.#lastIso;
  }
}

const EMPTY = Buffer.alloc(0);

/** `"`, `"`, `}`, `\n`: what a plain JSON line adds around its message besides the head. */
const JSON_LINE_TAIL = 4;

/**
 * One child pipe being forwarded. Each chunk read becomes one Buffer of complete lines, written
 * with a single `write`. Each line is a per-chunk head (text: the padded tag; JSON: the object
 * up to `"message":`) followed by the line's bytes: copied as they are in text mode, and in
 * JSON mode too unless they need escaping.
 */
class AttachedStream {
  readonly #output: Output;
  readonly #source: Readable;
  readonly #sink: Sink;
  readonly #splitter: LineSplitter;
  readonly #instance: string;
  readonly #jsonMiddle: string;
  readonly #meta: LineSource;
  #done = false;

  #json = false;
  /** Text: the padded tag. JSON: the object up to `"message":`. */
  #head = EMPTY;
  /** What `#head` was built for: the tag width (text) or the ISO time (JSON). */
  #headFor: number | string = -1;
  /** The batch being built from the current chunk. */
  #out = EMPTY;
  #outLen = 0;

  constructor(output: Output, source: Readable, meta: LineSource) {
    this.#output = output;
    this.#source = source;
    this.#sink = output.sinkFor(meta.stream);
    this.#instance = meta.instance;
    this.#meta = meta;
    this.#jsonMiddle = jsonLineMiddle(meta);
    this.#splitter = new LineSplitter(output.maxLineBytes, this.#onLine);
    source.on('data', this.#onData);
    source.on('end', this.#finish);
    // 'close' also covers a pipe destroyed without 'end'.
    source.on('close', this.#finish);
    // A read error on a child's pipe must not take PID 1 down; 'close' follows it.
    source.on('error', ignore);
  }

  readonly #onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#output.tap?.(this.#meta, buf);
    this.#begin(buf);
    this.#splitter.push(buf);
    this.#end();
    this.#sink.holdBack(this.#source);
  };

  readonly #finish = (): void => {
    if (this.#done) return;
    this.#done = true;
    if (this.#splitter.partialBytes > 0) {
      this.#begin(EMPTY);
      this.#splitter.flush();
      this.#end();
    }
    this.#sink.forget(this.#source);
    this.#source.off('data', this.#onData);
  };

  #begin(chunk: Buffer): void {
    const output = this.#output;
    this.#json = output.format === 'json';
    if (this.#json) {
      // Every line of a chunk was read at the same moment: one timestamp per chunk.
      const iso = output.isoNow();
      if (this.#headFor !== iso) {
        this.#headFor = iso;
        this.#head = Buffer.from('{"time":"' + iso + this.#jsonMiddle);
      }
    } else if (this.#headFor !== output.tagWidth) {
      this.#headFor = output.tagWidth;
      this.#head = Buffer.from(textPrefix(this.#instance, output.tagWidth));
    }
    const perLine = this.#head.length + (this.#json ? JSON_LINE_TAIL : 1);
    const carried = this.#splitter.partialBytes;
    this.#out = Buffer.allocUnsafe(chunkCapacity(chunk, carried, output.maxLineBytes, perLine));
    this.#outLen = 0;
  }

  #end(): void {
    if (this.#outLen > 0) this.#sink.write(this.#out.subarray(0, this.#outLen));
    this.#out = EMPTY;
  }

  readonly #onLine = (buf: Buffer, start: number, end: number): void => {
    const head = this.#head;
    if (!this.#json) {
      const out = this.#out;
      let len = this.#outLen;
      len += head.copy(out, len);
      len += buf.copy(out, len, start, end);
      out[len++] = 0x0a;
      this.#outLen = len;
      return;
    }
    if (isPlainJsonText(buf, start, end)) {
      const out = this.#reserve(head.length + end - start + JSON_LINE_TAIL);
      let len = this.#outLen;
      len += head.copy(out, len);
      out[len++] = 0x22;
      len += buf.copy(out, len, start, end);
      out[len++] = 0x22;
      out[len++] = 0x7d;
      out[len++] = 0x0a;
      this.#outLen = len;
      return;
    }
    const message = JSON.stringify(buf.toString('utf8', start, end));
    const out = this.#reserve(head.length + Buffer.byteLength(message) + 2);
    let len = this.#outLen;
    len += head.copy(out, len);
    len += out.write(message, len);
    out[len++] = 0x7d;
    out[len++] = 0x0a;
    this.#outLen = len;
  };

  /**
   * The batch buffer with room for `bytes` more. Only escaped JSON lines can outgrow the
   * estimate made at the start of the chunk.
   */
  #reserve(bytes: number): Buffer {
    const needed = this.#outLen + bytes;
    if (needed <= this.#out.length) return this.#out;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#out.length * 2));
    this.#out.copy(grown, 0, 0, this.#outLen);
    this.#out = grown;
    return grown;
  }
}

function ignore(): void {}

/** True when fd 1 and fd 2 are the same file, pipe or terminal. */
function defaultFdsShareTarget(): boolean {
  try {
    const out = fstatSync(1);
    const err = fstatSync(2);
    return out.dev === err.dev && out.ino === err.ino;
  } catch {
    return false;
  }
}
