import type { LogFeed, LogLine } from '../api/control-plane.ts';
import type { LineSource } from './line-format.ts';

/** Raw bytes kept per instance and stream: enough for a few hundred typical lines. */
const TAIL_BYTES = 32 * 1024;

interface Tail {
  readonly source: LineSource;
  /** The newest bytes, at most TAIL_BYTES; may start mid-line (the first line is dropped). */
  bytes: Buffer;
  /** When the newest chunk arrived. */
  at: number;
  /** A partial line carried between chunks for live subscribers. */
  partial: string;
}

/**
 * A bounded tail of every instance's output, for `GET .../logs`. It keeps raw bytes and splits
 * them into lines only when asked, so the output hot path pays one bounded copy per chunk.
 * Live subscribers of a process get its lines as they come.
 */
export class LogBuffer implements LogFeed {
  private readonly tails = new Map<string, Tail>();
  private readonly listeners = new Map<string, Set<(line: LogLine) => void>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Feed for ChildOutput's `tap`. */
  readonly record = (source: LineSource, chunk: Buffer): void => {
    const key = `${source.instance}\0${source.stream}`;
    let tail = this.tails.get(key);
    if (tail === undefined) {
      tail = { source, bytes: Buffer.alloc(0), at: 0, partial: '' };
      this.tails.set(key, tail);
    }
    tail.at = this.now();
    const kept = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : chunk;
    const room = TAIL_BYTES - kept.length;
    tail.bytes = Buffer.concat([tail.bytes.subarray(Math.max(0, tail.bytes.length - room)), kept]);
    const listeners = this.listeners.get(source.process);
    if (listeners?.size) this.emitLines(tail, chunk, listeners);
  };

  /** Drops the tails of instances that no longer exist (call after a forget). */
  prune(liveInstances: ReadonlySet<string>): void {
    for (const [key, tail] of this.tails)
      if (!liveInstances.has(tail.source.instance)) this.tails.delete(key);
  }

  tail(process: string, n: number): readonly LogLine[] {
    const lines: LogLine[] = [];
    for (const tail of this.tails.values()) {
      if (tail.source.process !== process) continue;
      const text = tail.bytes.toString('utf8').split('\n');
      // The first piece may be the end of a line whose start was dropped; the last is partial.
      const whole = text.slice(tail.bytes.length >= TAIL_BYTES ? 1 : 0).filter((l) => l.length > 0);
      for (const message of whole.slice(-n)) lines.push(this.line(tail, message));
    }
    return lines.slice(-n);
  }

  subscribe(process: string, listener: (line: LogLine) => void): () => void {
    let set = this.listeners.get(process);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(process, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(process);
    };
  }

  private emitLines(tail: Tail, chunk: Buffer, listeners: Set<(line: LogLine) => void>): void {
    const parts = (tail.partial + chunk.toString('utf8')).split('\n');
    tail.partial = (parts.pop() ?? '').slice(-TAIL_BYTES);
    for (const message of parts) {
      const line = this.line(tail, message.endsWith('\r') ? message.slice(0, -1) : message);
      for (const listener of listeners) listener(line);
    }
  }

  private line(tail: Tail, message: string): LogLine {
    return {
      at: tail.at,
      process: tail.source.process,
      instance: tail.source.instance,
      stream: tail.source.stream,
      message,
    };
  }
}
