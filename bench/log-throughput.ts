/**
 * Throughput of children's output through src/logs, text and JSON, to /dev/null and to a pipe.
 *
 *   node --import tsx bench/log-throughput.ts [megabytes=256] [lineBytes=100]
 *
 * Destinations:
 * - `devnull-sync`: synchronous writes to /dev/null, which is what `process.stdout` is when fd 1
 *   is a file or /dev/null (Node's SyncWriteStream): the cost of the formatting path alone.
 * - `pipe`: a `net.Socket` on a pipe read by `cat >/dev/null`, which is what `process.stdout` is
 *   under Docker or Kubernetes (fd 1 a pipe).
 * - `sonic-pipe`: SonicBoom (async, buffer mode) on a FIFO read by `cat`, the alternative to
 *   `process.stdout` for fd 1.
 * - `child-pipe`: end to end, a real child (test/fixtures/flood.mjs) writing into the manager,
 *   which writes to a pipe: includes the child's own cost and the kernel pipe read.
 *
 * Megabytes are the children's bytes (input), not the formatted output. Each figure is the
 * median of three runs.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sonicBoom, { type SonicBoom as SonicBoomClass } from 'sonic-boom';
import type { LogFormat } from '../src/desired/types.ts';
import { createChildOutput, type Destination } from '../src/logs/output.ts';

// The CommonJS module is the class itself; its typings describe an ES default export.
const SonicBoom = sonicBoom as unknown as typeof SonicBoomClass;

const megabytes = Number(process.argv[2] ?? 256);
const lineBytes = Number(process.argv[3] ?? 100);
const totalBytes = megabytes * 1024 * 1024;

/** 64 KiB of numbered-looking lines, as a pipe read would hand them over. */
function makeChunk(): Buffer {
  const line = 'GET /api/items?page=1 200 0.012s '
    .padEnd(lineBytes - 1, 'x')
    .slice(0, lineBytes - 1);
  const lines = Math.floor(65536 / lineBytes);
  return Buffer.from((line + '\n').repeat(lines));
}

function syntheticSource(chunk: Buffer): { source: Readable; bytes: number; lines: number } {
  const count = Math.ceil(totalBytes / chunk.length);
  let sent = 0;
  const source = new Readable({
    highWaterMark: 65536,
    read() {
      while (sent < count) {
        sent++;
        if (!this.push(chunk)) return;
      }
      this.push(null);
    },
  });
  const linesPerChunk = chunk.length / lineBytes;
  return { source, bytes: count * chunk.length, lines: count * linesPerChunk };
}

/** Like Node's SyncWriteStream: what process.stdout is on a file or /dev/null. */
function devNullSync(): { dest: Destination; close(): Promise<void> } {
  const fd = openSync('/dev/null', 'w');
  const dest = new Writable({
    highWaterMark: 16384,
    write(chunk: Buffer, _enc, cb) {
      writeSync(fd, chunk);
      cb();
    },
  });
  return { dest, close: async () => closeSync(fd) };
}

function catPipe(): { dest: Destination; close(): Promise<void> } {
  const cat: ChildProcess = spawn('sh', ['-c', 'exec cat >/dev/null'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  return {
    dest: cat.stdin!,
    close: async () => {
      cat.stdin!.end();
      await once(cat, 'close');
    },
  };
}

/** SonicBoom on a FIFO, adapted to what the sink expects (drain, writableLength, flush). */
function sonicPipe(): { dest: Destination; close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'phpeek-bench-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const cat = spawn('sh', ['-c', `exec cat <'${fifo}' >/dev/null`], { stdio: 'inherit' });
  const sonic = new SonicBoom({ dest: fifo, sync: false, contentMode: 'buffer' });
  const adapter = Object.assign(new EventEmitter(), {
    get writableLength(): number {
      return (sonic as unknown as { _len: number })._len;
    },
    write(data: string | Buffer, cb?: () => void): boolean {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      const ok = buf.length === 0 ? true : (sonic.write(buf as unknown as string) as boolean);
      if (cb) sonic.flush(() => cb());
      return ok;
    },
  });
  sonic.on('drain', () => adapter.emit('drain'));
  sonic.on('error', (err: Error) => adapter.emit('error', err));
  return {
    dest: adapter as unknown as Destination,
    close: async () => {
      sonic.end();
      await once(cat, 'close');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Result {
  readonly format: LogFormat;
  readonly destination: string;
  readonly seconds: number;
  readonly lines: number;
  readonly bytes: number;
}

async function runSynthetic(
  format: LogFormat,
  name: string,
  open: () => { dest: Destination; close(): Promise<void> },
): Promise<Result> {
  const { dest, close } = open();
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const output = createChildOutput({ format, maxLineBytes: 16384, stdout: dest, stderr: sink });
  const { source, bytes, lines } = syntheticSource(makeChunk());
  const start = process.hrtime.bigint();
  output.attach(source, { process: 'worker', instance: 'worker-1', stream: 'stdout' });
  await once(source, 'end');
  await output.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return { format, destination: name, seconds, lines, bytes };
}

async function runChild(format: LogFormat): Promise<Result> {
  const { dest, close } = catPipe();
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const output = createChildOutput({ format, maxLineBytes: 16384, stdout: dest, stderr: sink });
  const lines = Math.floor(totalBytes / lineBytes);
  const fixture = fileURLToPath(new URL('../test/fixtures/flood.mjs', import.meta.url));
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [fixture, String(lines), String(lineBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  output.attach(child.stdout!, { process: 'worker', instance: 'worker-1', stream: 'stdout' });
  await once(child, 'close');
  await output.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await close();
  return { format, destination: 'child-pipe', seconds, lines, bytes: lines * lineBytes };
}

function report(r: Result): void {
  const mb = r.bytes / 1024 / 1024 / r.seconds;
  const lps = r.lines / r.seconds;
  console.log(
    `${r.format.padEnd(5)} ${r.destination.padEnd(13)} ${(lps / 1e6).toFixed(2).padStart(6)} M lines/s ` +
      `${mb.toFixed(0).padStart(6)} MB/s   (${r.seconds.toFixed(2)} s)`,
  );
}

async function median(run: () => Promise<Result>): Promise<Result> {
  const results: Result[] = [];
  for (let i = 0; i < 3; i++) results.push(await run());
  results.sort((a, b) => a.seconds - b.seconds);
  return results[1]!;
}

console.log(`${megabytes} MB of ${lineBytes}-byte lines, node ${process.version}, median of 3`);
for (const format of ['text', 'json'] as const) {
  report(await median(() => runSynthetic(format, 'devnull-sync', devNullSync)));
  report(await median(() => runSynthetic(format, 'pipe', catPipe)));
  report(await median(() => runSynthetic(format, 'sonic-pipe', sonicPipe)));
  report(await median(() => runChild(format)));
}
