/**
 * One destination (the manager's fd 1 or fd 2) shared by every writer of that stream, with the
 * backpressure that keeps a flooding child from growing the manager's memory.
 */

/**
 * What output is written to: `process.stdout`, a `net.Socket`, any `Writable`. It must emit
 * `drain` after a `write` that returned false. `writableLength`, when present, is what
 * `pendingBytes` reports.
 */
export type Destination = NodeJS.WritableStream & { readonly writableLength?: number };

/** The part of a `Readable` that a sink needs to hold a source back. */
export interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/**
 * Writes whole chunks of lines to one destination. When the destination's buffer is over its
 * high-water mark, the sink is *congested*: sources are paused (`holdBack`) so that the kernel
 * pipe between a child and the manager fills and the child blocks in `write(2)`, and they are
 * resumed on `drain`. A chunk that was already read is always written, so what the sink buffers
 * is bounded by the destination's high-water mark plus one chunk per source.
 */
export class Sink {
  readonly #dest: Destination;
  readonly #paused = new Set<Pausable>();
  readonly #onError: ((err: Error) => void) | undefined;
  #congested = false;
  #broken = false;

  constructor(dest: Destination, onError?: (err: Error) => void) {
    this.#dest = dest;
    this.#onError = onError;
    // A closed stdout (EPIPE: the log collector went away) must not kill PID 1. From then on
    // output is dropped, and children keep being read so that they never block forever.
    dest.on('error', (err: Error) => {
      if (this.#broken) return;
      this.#broken = true;
      this.#releaseAll();
      this.#onError?.(err);
    });
  }

  /** True while sources should stay paused. */
  get congested(): boolean {
    return this.#congested;
  }

  /** The destination failed; everything written is now discarded. */
  get broken(): boolean {
    return this.#broken;
  }

  write(data: string | Buffer): void {
    if (this.#broken) return;
    if (!this.#dest.write(data) && !this.#congested) {
      this.#congested = true;
      this.#dest.once('drain', this.#drained);
    }
  }

  /**
   * Pauses `source` until the destination drains, if the destination is congested. Called after
   * every chunk, not only when congestion starts: someone else may resume a paused stream (Node
   * resumes a child's stdio when the child exits, while a grandchild may still write to it).
   */
  holdBack(source: Pausable): void {
    if (!this.#congested) return;
    source.pause();
    this.#paused.add(source);
  }

  /** `source` is gone; stop tracking it. */
  forget(source: Pausable): void {
    this.#paused.delete(source);
  }

  /** Bytes accepted but not yet handed to the kernel. */
  pendingBytes(): number {
    return this.#broken ? 0 : (this.#dest.writableLength ?? 0);
  }

  /** Resolves once everything written so far has left the process (or the destination broke). */
  flush(): Promise<void> {
    if (this.#broken || this.pendingBytes() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      // Writable calls write callbacks in order, so an empty write's callback marks the end of
      // everything before it. Errors resolve too: there is nothing left to wait for.
      this.#dest.write('', () => resolve());
    });
  }

  readonly #drained = (): void => {
    this.#congested = false;
    this.#releaseAll();
  };

  #releaseAll(): void {
    for (const source of this.#paused) source.resume();
    this.#paused.clear();
  }
}
