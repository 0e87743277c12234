import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createChildOutput, type OutputOptions } from '../../../src/logs/output.ts';

/** A destination that records every write; with `hold`, writes stay pending until `release`. */
class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  #held: (() => void)[] = [];
  hold = false;

  constructor(highWaterMark = 16384) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.hold) this.#held.push(() => cb());
    else cb();
  }

  release(): void {
    this.hold = false;
    for (const cb of this.#held.splice(0)) cb();
  }

  get writes(): string[] {
    return this.chunks.map((c) => c.toString());
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

function setup(overrides: Partial<OutputOptions> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const output = createChildOutput({
    format: 'text',
    maxLineBytes: 16384,
    stdout,
    stderr,
    now: () => T0,
    ...overrides,
  });
  return { output, stdout, stderr };
}

function source(): PassThrough {
  return new PassThrough();
}

/** Lets 'data', 'end' and 'close' handlers run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('text mode', () => {
  it('tags every line with the instance, padded to the manager tag', async () => {
    const { output, stdout } = setup();
    const src = source();
    output.attach(src, { process: 'web', instance: 'web-1', stream: 'stdout' });
    src.end('GET /\nGET /health\n');
    await settle();
    assert.equal(stdout.text, 'web-1     | GET /\nweb-1     | GET /health\n');
  });

  it('pads to the longest instance name seen so far', async () => {
    const { output, stdout } = setup();
    const a = source();
    const b = source();
    output.attach(a, { process: 'web', instance: 'web-1', stream: 'stdout' });
    output.attach(b, { process: 'queue-worker', instance: 'queue-worker-1', stream: 'stdout' });
    a.write('one\n');
    await settle();
    b.write('two\n');
    await settle();
    assert.equal(stdout.text, 'web-1          | one\nqueue-worker-1 | two\n');
  });

  it('sends stderr lines to stderr and stdout lines to stdout', async () => {
    const { output, stdout, stderr } = setup();
    const out = source();
    const err = source();
    output.attach(out, { process: 'app', instance: 'app-1', stream: 'stdout' });
    output.attach(err, { process: 'app', instance: 'app-1', stream: 'stderr' });
    out.end('to stdout\n');
    err.end('to stderr\n');
    await settle();
    assert.equal(stdout.text, 'app-1     | to stdout\n');
    assert.equal(stderr.text, 'app-1     | to stderr\n');
  });

  it('writes all the lines of a chunk with one write, and only whole lines', async () => {
    const { output, stdout } = setup();
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.write('a\nb\nc\nhalf');
    await settle();
    src.write(' done\n');
    await settle();
    assert.deepEqual(stdout.writes, [
      'app-1     | a\napp-1     | b\napp-1     | c\n',
      'app-1     | half done\n',
    ]);
  });

  it('passes bytes through undecoded', async () => {
    const { output, stdout } = setup();
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    const raw = Buffer.from([0x66, 0xff, 0xfe, 0x0a]);
    src.end(raw);
    await settle();
    assert.deepEqual(
      Buffer.concat(stdout.chunks),
      Buffer.concat([Buffer.from('app-1     | '), raw]),
    );
  });
});

describe('JSON mode', () => {
  it('writes one object per line with time, process, instance, stream and message', async () => {
    const { output, stdout, stderr } = setup({ format: 'json' });
    const out = source();
    const err = source();
    output.attach(out, { process: 'worker', instance: 'worker-2', stream: 'stdout' });
    output.attach(err, { process: 'worker', instance: 'worker-2', stream: 'stderr' });
    out.end('the line\n');
    err.end('oops\n');
    await settle();
    assert.equal(
      stdout.text,
      '{"time":"2024-01-02T03:04:05.678Z","process":"worker","instance":"worker-2",' +
        '"stream":"stdout","message":"the line"}\n',
    );
    assert.equal(
      stderr.text,
      '{"time":"2024-01-02T03:04:05.678Z","process":"worker","instance":"worker-2",' +
        '"stream":"stderr","message":"oops"}\n',
    );
  });

  it('escapes whatever the line holds', async () => {
    const { output, stdout } = setup({ format: 'json' });
    const src = source();
    output.attach(src, { process: 'p"q', instance: 'p"q-1', stream: 'stdout' });
    const messages = ['say "hi"', 'back\\slash', 'tab\there', '\u001b[31mred\u001b[0m', 'żółć 😀'];
    src.end(messages.join('\n') + '\n');
    await settle();
    const lines = stdout.text.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).message),
      messages,
    );
    assert.equal(JSON.parse(lines[0]!).process, 'p"q');
  });

  it('handles lines that grow six-fold when escaped, among plain ones', async () => {
    const { output, stdout } = setup({ format: 'json' });
    const src = source();
    output.attach(src, { process: 'p', instance: 'p-1', stream: 'stdout' });
    const messages = ['plain', '\u0001'.repeat(5000), 'plain again', '"'.repeat(3000), 'end'];
    src.end(messages.join('\n') + '\n');
    await settle();
    assert.equal(stdout.writes.length, 1);
    assert.deepEqual(
      stdout.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).message),
      messages,
    );
  });

  it('turns invalid UTF-8 into replacement characters', async () => {
    const { output, stdout } = setup({ format: 'json' });
    const src = source();
    output.attach(src, { process: 'p', instance: 'p-1', stream: 'stdout' });
    src.end(Buffer.from([0x61, 0xff, 0x62, 0x0a]));
    await settle();
    assert.equal(JSON.parse(stdout.text).message, 'a\ufffdb');
  });
});

describe('line handling', () => {
  it('flushes a partial last line when the stream ends', async () => {
    const { output, stdout } = setup();
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.write('first\nno newline at the end');
    src.end();
    await settle();
    assert.equal(stdout.text, 'app-1     | first\napp-1     | no newline at the end\n');
  });

  it('flushes a partial last line when the pipe is destroyed', async () => {
    const { output, stdout } = setup();
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.write('cut short');
    await settle();
    src.destroy(new Error('EIO'));
    await settle();
    assert.equal(stdout.text, 'app-1     | cut short\n');
  });

  it('splits long lines at the limit', async () => {
    const { output, stdout } = setup({ format: 'json', maxLineBytes: 8 });
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.end('0123456789abcdef€€\r\n');
    await settle();
    const messages = stdout.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).message);
    assert.deepEqual(messages, ['01234567', '89abcdef', '€€']);
  });

  it('switches format for the following chunks', async () => {
    const { output, stdout } = setup();
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.write('as text\n');
    await settle();
    output.setFormat('json');
    assert.equal(output.format, 'json');
    src.write('as json\n');
    await settle();
    output.setFormat('text');
    src.end('text again\n');
    await settle();
    const [text, json, again] = stdout.text.trimEnd().split('\n');
    assert.equal(text, 'app-1     | as text');
    assert.equal(JSON.parse(json!).message, 'as json');
    assert.equal(again, 'app-1     | text again');
  });
});

describe('backpressure', () => {
  it('pauses sources while the destination is congested and resumes them on drain', async () => {
    const { output, stdout } = setup();
    stdout.hold = true;
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.write(Buffer.alloc(20000, 'x\n'));
    await settle();
    assert.equal(src.isPaused(), true);
    assert.ok(output.pendingBytes() > 16384);
    src.write('more\n');
    await settle();
    const writesWhilePaused = stdout.writes.length;
    stdout.release();
    await settle();
    assert.equal(src.isPaused(), false);
    assert.ok(stdout.writes.length > writesWhilePaused, 'the held-back chunk was written');
    assert.ok(stdout.text.endsWith('app-1     | more\n'));
    assert.equal(output.pendingBytes(), 0);
  });

  it('pauses every source of a congested stream, not the other stream', async () => {
    const { output, stdout } = setup();
    stdout.hold = true;
    const a = source();
    const b = source();
    const c = source();
    output.attach(a, { process: 'a', instance: 'a-1', stream: 'stdout' });
    output.attach(b, { process: 'b', instance: 'b-1', stream: 'stdout' });
    output.attach(c, { process: 'c', instance: 'c-1', stream: 'stderr' });
    a.write(Buffer.alloc(20000, 'x\n'));
    await settle();
    b.write('b\n');
    c.write('c\n');
    await settle();
    assert.equal(a.isPaused(), true);
    assert.equal(b.isPaused(), true);
    assert.equal(c.isPaused(), false);
    stdout.release();
    await settle();
    assert.equal(a.isPaused(), false);
    assert.equal(b.isPaused(), false);
  });

  it('treats one destination given for both streams as one', async () => {
    const both = new Capture();
    both.hold = true;
    const output = createChildOutput({
      format: 'text',
      maxLineBytes: 16384,
      stdout: both,
      stderr: both,
    });
    const out = source();
    const err = source();
    output.attach(out, { process: 'a', instance: 'a-1', stream: 'stdout' });
    output.attach(err, { process: 'a', instance: 'a-1', stream: 'stderr' });
    out.write(Buffer.alloc(20000, 'x\n'));
    await settle();
    err.write('e\n');
    await settle();
    assert.equal(err.isPaused(), true, 'stderr is held back by the congested shared target');
    assert.equal(output.pendingBytes(), both.writableLength);
    both.release();
    await settle();
    assert.equal(err.isPaused(), false);
  });

  it('flush() waits until the destination has taken everything', async () => {
    const { output, stdout } = setup();
    stdout.hold = true;
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.end('last words\n');
    await settle();
    let flushed = false;
    const done = output.flush().then(() => {
      flushed = true;
    });
    await settle();
    assert.equal(flushed, false);
    stdout.release();
    await done;
    assert.equal(output.pendingBytes(), 0);
  });
});

describe('a failed destination', () => {
  it('is reported, then discards output and never holds sources back', async () => {
    const errors: string[] = [];
    const { output, stdout } = setup({
      onDestinationError: (stream, err) => errors.push(`${stream}: ${err.message}`),
    });
    stdout.hold = true;
    const src = source();
    output.attach(src, { process: 'app', instance: 'app-1', stream: 'stdout' });
    src.write(Buffer.alloc(20000, 'x\n'));
    await settle();
    assert.equal(src.isPaused(), true);
    stdout.destroy(new Error('EPIPE'));
    await settle();
    assert.deepEqual(errors, ['stdout: EPIPE']);
    assert.equal(src.isPaused(), false);
    src.end('dropped\n');
    output.writeManagerLine('stdout', 'dropped too');
    await settle();
    assert.equal(output.pendingBytes(), 0);
    await output.flush();
  });
});

describe('writeManagerLine', () => {
  it('writes a complete line, adding the newline if missing', () => {
    const { output, stdout, stderr } = setup();
    output.writeManagerLine('stdout', 'plain');
    output.writeManagerLine('stderr', 'already ended\n');
    assert.equal(stdout.text, 'plain\n');
    assert.equal(stderr.text, 'already ended\n');
  });
});
