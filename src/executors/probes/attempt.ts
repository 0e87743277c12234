import { performance } from 'node:perf_hooks';

/** The raw outcome of one probe attempt. Thresholds are applied elsewhere. */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly message: string;
  /** From the start of the attempt until its outcome was known. */
  readonly durationMs: number;
}

/** Settles the attempt; calls after the first are ignored. */
export type Finish = (ok: boolean, message: string) => void;

/**
 * Releases what an attempt holds (a socket, a child's process group). Called only when the
 * attempt is cut short by its timeout or by the abort signal, after its outcome is settled.
 */
export type Cancel = () => void;

/** Longest message kept from a probe's own output or an HTTP body. */
const MESSAGE_CHARS = 200;

/**
 * Runs one attempt with a deadline. `start` begins the I/O and reports through `finish`; on
 * timeout or abort the outcome is a failure and `cancel` tears the I/O down. Callbacks that
 * come later (a socket's 'error' after destroy) find the attempt settled and change nothing.
 */
export function runAttempt(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  start: (finish: Finish) => Cancel,
): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const began = performance.now();
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let cancel: Cancel | undefined;

    const finish: Finish = (ok, message) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      // The signal may outlive many attempts (one per worker): never leave a listener behind.
      signal?.removeEventListener('abort', onAbort);
      resolve({ ok, message, durationMs: performance.now() - began });
    };
    const cut = (message: string) => {
      if (settled) return;
      finish(false, message);
      cancel?.();
    };
    const onAbort = () => cut('aborted');

    if (signal?.aborted) {
      finish(false, 'aborted');
      return;
    }
    try {
      cancel = start(finish);
    } catch (error) {
      finish(false, errorMessage(error));
      return;
    }
    if (settled) {
      // Settled synchronously (a bad port, an unparsable URL): nothing may be left running.
      cancel();
      return;
    }
    timer = setTimeout(() => cut(`timed out after ${timeoutMs} ms`), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The first non-empty line of `text`, cut to a length that fits in a log line. */
export function firstLine(text: string): string {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '') {
      return trimmed.length > MESSAGE_CHARS ? `${trimmed.slice(0, MESSAGE_CHARS)}…` : trimmed;
    }
  }
  return '';
}

/** Keeps the first `limit` bytes of a stream and counts the rest, so memory stays bounded. */
export class StreamHead {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly limit = 1024) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.limit) return;
    const part =
      chunk.length > this.limit - this.kept ? chunk.subarray(0, this.limit - this.kept) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    if (this.kept === 0) return '';
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}
