import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createChildOutput } from '../../src/logs/output.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Largest chunk a pipe read hands us (libuv reads at most 64 KiB at a time). */
const READ_CHUNK = 65536;
const HWM = 16384;

function flood(lines: number, width: number): ChildProcess {
  return spawn(process.execPath, [fixture('flood.mjs'), String(lines), String(width)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/**
 * A destination slower than any child: every write takes at least a timer tick. It checks as it
 * goes that each write holds whole lines only, numbered 1, 2, 3... without a gap.
 */
class SlowChecker extends Writable {
  lines = 0;
  cutWrites = 0;
  badLines = 0;
  readonly #prefix: Buffer;
  readonly #lineBytes: number;
  readonly #onWrite: () => void;

  constructor(prefix: string, width: number, onWrite: () => void) {
    super({ highWaterMark: HWM });
    this.#prefix = Buffer.from(prefix + 'seq ');
    this.#lineBytes = prefix.length + width;
    this.#onWrite = onWrite;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.#onWrite();
    // An empty write is how the output waits for a flush; it holds no line.
    if (chunk.length > 0 && chunk[chunk.length - 1] !== 0x0a) this.cutWrites++;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.lines++;
      const p = this.#prefix;
      const ok =
        nl + 1 - start === this.#lineBytes &&
        chunk.compare(p, 0, p.length, start, start + p.length) === 0 &&
        Number.parseInt(chunk.toString('latin1', start + p.length, start + p.length + 12), 10) ===
          this.lines;
      if (!ok) this.badLines++;
      start = nl + 1;
    }
    setTimeout(() => {
      // Still writing this chunk: the source must be paused now.
      this.#onWrite();
      cb();
    }, 1);
  }
}

/** Forwards `child`'s stdout into a `SlowChecker`, sampling what the output buffers meanwhile. */
async function forwardSlowly(child: ChildProcess, width: number) {
  const prefix = 'flood-1   | ';
  let maxPending = 0;
  let sawPaused = false;
  let output: ReturnType<typeof createChildOutput>;
  const dest = new SlowChecker(prefix, width, () => {
    maxPending = Math.max(maxPending, output.pendingBytes());
    if (child.stdout!.isPaused()) sawPaused = true;
  });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  output = createChildOutput({ format: 'text', maxLineBytes: 16384, stdout: dest, stderr });
  output.attach(child.stdout!, { process: 'flood', instance: 'flood-1', stream: 'stdout' });
  const [code] = await once(child, 'close');
  await output.flush();
  // Without backpressure the pending bytes would be most of what the child wrote.
  const bound = HWM + 2 * READ_CHUNK * (1 + (prefix.length + 1) / width);
  return { code, dest, sawPaused, maxPending, bound };
}

describe('a child flooding its stdout', () => {
  it('into a slow destination: bounded buffering, every line whole and in order', async () => {
    const lines = 2_000_000;
    const width = 100; // 200 MB
    const r = await forwardSlowly(flood(lines, width), width);
    assert.equal(r.code, 0);
    assert.equal(r.dest.lines, lines);
    assert.equal(r.dest.badLines, 0, 'lines lost, cut or out of order');
    assert.equal(r.dest.cutWrites, 0, 'a write ended mid-line');
    assert.ok(r.sawPaused, 'the child stream was never paused: the test did not congest');
    assert.ok(r.maxPending <= r.bound, `pending bytes reached ${r.maxPending}, bound ${r.bound}`);
  });

  it('stays bounded when the child exits and its own child keeps flooding the pipe', async () => {
    // Node resumes a child's stdio streams when the child exits; the grandchild still writes.
    const lines = 1_000_000;
    const width = 100;
    // The shell exits while the grandchild is still flooding a congested pipe.
    const script = `"${process.execPath}" "${fixture('flood.mjs')}" ${lines} ${width} & sleep 0.5`;
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pausedAtExit = false;
    child.once('exit', () => {
      pausedAtExit = child.stdout!.isPaused();
    });
    const r = await forwardSlowly(child, width);
    assert.ok(pausedAtExit, 'the stream was not paused when the child exited: nothing tested');
    assert.equal(r.dest.lines, lines);
    assert.equal(r.dest.badLines, 0, 'lines lost, cut or out of order');
    assert.ok(r.maxPending <= r.bound, `pending bytes reached ${r.maxPending}, bound ${r.bound}`);
  });

  it('into a real pipe read late by another process: bounded, whole and in order', async () => {
    const lines = 500_000;
    // The reader starts after the pipe has long been full, then checks the sequence.
    const reader = spawn(
      'sh',
      [
        '-c',
        `sleep 1; exec awk -F'"message":"seq ' '{ if ($2 + 0 != NR) bad++ } END { print NR, bad + 0 }'`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let report = '';
    reader.stdout!.on('data', (d: Buffer) => {
      report += d.toString();
    });
    const output = createChildOutput({
      format: 'json',
      maxLineBytes: 16384,
      stdout: reader.stdin!,
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    const child = flood(lines, 100);
    output.attach(child.stdout!, { process: 'flood', instance: 'flood-1', stream: 'stdout' });
    let maxPending = 0;
    let chunks = 0;
    let sawPaused = false;
    // Registered after attach: runs right after each chunk was written.
    child.stdout!.on('data', () => {
      chunks++;
      maxPending = Math.max(maxPending, output.pendingBytes());
      if (child.stdout!.isPaused()) sawPaused = true;
    });

    const [code] = await once(child, 'close');
    await output.flush();
    reader.stdin!.end();
    await once(reader, 'close');

    assert.equal(code, 0);
    assert.equal(report.trim(), `${lines} 0`);
    assert.ok(chunks > 100);
    assert.ok(sawPaused, 'the child stream was never paused: the test did not congest');
    // A JSON line here is about 2.1 times its input line.
    const bound = HWM + 2 * (READ_CHUNK * 2.1);
    assert.ok(maxPending <= bound, `pending bytes reached ${maxPending}, bound ${bound}`);
  });
});

describe('a child that exits', () => {
  it('gets its partial last line flushed, and its long line split on character boundaries', async () => {
    const characters = 100_000;
    const child = spawn(process.execPath, [fixture('long-line.mjs'), String(characters)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    const dest = new Writable({
      write(chunk: Buffer, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    });
    const max = 16384;
    const output = createChildOutput({
      format: 'json',
      maxLineBytes: max,
      stdout: dest,
      stderr: dest,
    });
    output.attach(child.stdout!, { process: 'long', instance: 'long-1', stream: 'stdout' });
    await once(child, 'close');
    await output.flush();

    const messages: string[] = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).message);
    const last = messages.pop();
    assert.equal(last, 'the end, without a newline');
    const alphabet = ['a', 'é', '€', '😀'];
    let expected = '';
    for (let i = 0; i < characters; i++) expected += alphabet[i % alphabet.length];
    assert.ok(messages.length > 1, 'the long line was not split');
    messages.forEach((m, i) => {
      assert.ok(Buffer.byteLength(m) <= max, 'a piece is over the limit');
      if (i < messages.length - 1) {
        assert.ok(Buffer.byteLength(m) > max - 4, 'a piece is shorter than needed');
      }
      assert.ok(!m.includes('\ufffd'), 'a character was cut');
    });
    assert.equal(messages.join(''), expected);
  });
});
