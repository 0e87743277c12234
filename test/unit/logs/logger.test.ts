import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/logs/logger.ts';
import { formatManagerText, formatValue } from '../../../src/logs/manager-format.ts';
import { createChildOutput } from '../../../src/logs/output.ts';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
  lines(): string[] {
    return this.text === '' ? [] : this.text.trimEnd().split('\n');
  }
}

function setup(format: 'text' | 'json', level: 'info' | 'debug' = 'info') {
  const stdout = new Capture();
  const stderr = new Capture();
  const output = createChildOutput({ format, maxLineBytes: 16384, stdout, stderr });
  const logger = createLogger({ level, output });
  return { output, logger, stdout, stderr };
}

const P = 'phpeek-pm | ';

describe('formatManagerText', () => {
  const cases: readonly { name: string; record: object; expected: string }[] = [
    {
      name: 'a message alone',
      record: { level: 'info', time: 't', process: 'phpeek-pm', message: 'ready' },
      expected: `${P}INFO  ready\n`,
    },
    {
      name: 'extra fields as key=value, in record order',
      record: {
        level: 'info',
        time: 't',
        process: 'phpeek-pm',
        instance: 'worker-2',
        pid: 1234,
        ok: true,
        gone: null,
        message: 'started worker-2 (pid 1234): scale up 1 -> 2',
      },
      expected: `${P}INFO  started worker-2 (pid 1234): scale up 1 -> 2 instance=worker-2 pid=1234 ok=true gone=null\n`,
    },
    {
      name: 'values that need quoting are JSON',
      record: {
        level: 'warn',
        message: 'm',
        reason: 'exit code 1',
        empty: '',
        q: 'a"b',
        eq: 'a=b',
      },
      expected: `${P}WARN  m reason="exit code 1" empty="" q="a\\"b" eq="a=b"\n`,
    },
    {
      name: 'objects and arrays are JSON',
      record: { level: 'debug', message: 'm', spec: { replicas: 2 }, argv: ['php', '-v'] },
      expected: `${P}DEBUG m spec={"replicas":2} argv=["php","-v"]\n`,
    },
    {
      name: 'a message with newlines stays on one line',
      record: { level: 'error', message: 'line one\nline two' },
      expected: `${P}ERROR line one\\nline two\n`,
    },
    {
      name: 'a numeric level',
      record: { level: 50, message: 'm' },
      expected: `${P}ERROR m\n`,
    },
    {
      name: 'an error: its message inline, its own fields, its stack below, each line tagged',
      record: {
        level: 'error',
        message: 'spawn failed',
        err: {
          type: 'Error',
          message: 'ENOENT',
          stack: 'Error: ENOENT\n    at a (x.js:1:1)\n    at b (y.js:2:2)',
          code: 'ENOENT',
        },
      },
      expected:
        `${P}ERROR spawn failed err=ENOENT err.code=ENOENT\n` +
        `${P}    at a (x.js:1:1)\n` +
        `${P}    at b (y.js:2:2)\n`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(formatManagerText(JSON.stringify(c.record) + '\n', P), c.expected);
    });
  }

  it('keeps a line that is not JSON', () => {
    assert.equal(formatManagerText('not json\n', P), `${P}not json\n`);
  });

  it('formatValue leaves plain tokens bare', () => {
    assert.equal(formatValue('worker-2'), 'worker-2');
    assert.equal(formatValue('/usr/bin/php'), '/usr/bin/php');
    assert.equal(formatValue('two words'), '"two words"');
    assert.equal(formatValue(1.5), '1.5');
    assert.equal(formatValue(undefined), 'undefined');
  });
});

describe('createLogger in JSON mode', () => {
  it('writes pino lines tagged as the manager, with an ISO time and a level name', () => {
    const { logger, stdout } = setup('json');
    logger.info({ instance: 'worker-2', pid: 1234 }, 'started worker-2');
    const [line] = stdout.lines();
    const record = JSON.parse(line!);
    assert.equal(record.level, 'info');
    assert.equal(record.process, 'phpeek-pm');
    assert.equal(record.message, 'started worker-2');
    assert.equal(record.instance, 'worker-2');
    assert.equal(record.pid, 1234);
    assert.match(record.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(line!.startsWith('{"level":"info","time":"'));
  });

  it('sends warn and above to stderr, the rest to stdout', () => {
    const { logger, stdout, stderr } = setup('json', 'debug');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    assert.deepEqual(
      stdout.lines().map((l) => JSON.parse(l).message),
      ['d', 'i'],
    );
    assert.deepEqual(
      stderr.lines().map((l) => JSON.parse(l).message),
      ['w', 'e', 'f'],
    );
  });

  it('honours the level, and a level changed later', () => {
    const { logger, stdout } = setup('json');
    logger.debug('hidden');
    logger.level = 'debug';
    logger.debug('shown');
    logger.level = 'error';
    logger.info('hidden again');
    assert.deepEqual(
      stdout.lines().map((l) => JSON.parse(l).message),
      ['shown'],
    );
  });

  it('keeps the bindings of child loggers', () => {
    const { logger, stdout } = setup('json');
    logger.child({ component: 'reaper' }).info('adopted');
    const record = JSON.parse(stdout.lines()[0]!);
    assert.equal(record.component, 'reaper');
    assert.equal(record.process, 'phpeek-pm');
  });
});

describe('createLogger in text mode', () => {
  it('writes readable lines with key=value fields', () => {
    const { logger, stdout } = setup('text');
    logger.info(
      { instance: 'worker-2', pid: 1234 },
      'started worker-2 (pid 1234): scale up 1 -> 2',
    );
    assert.equal(
      stdout.text,
      'phpeek-pm | INFO  started worker-2 (pid 1234): scale up 1 -> 2 instance=worker-2 pid=1234\n',
    );
  });

  it('writes an Error with its stack, each line tagged', () => {
    const { logger, stderr } = setup('text');
    logger.error(new Error('boom'), 'failed');
    const lines = stderr.lines();
    assert.equal(lines[0], 'phpeek-pm | ERROR failed err=boom');
    assert.ok(lines.length > 1);
    for (const line of lines.slice(1)) assert.match(line, /^phpeek-pm \| {5}at /);
  });

  it('aligns with the instances attached so far', () => {
    const { output, logger, stdout } = setup('text');
    output.attach(new PassThrough(), {
      process: 'scheduler',
      instance: 'scheduler-1',
      stream: 'stdout',
    });
    logger.info('aligned');
    assert.equal(stdout.text, 'phpeek-pm   | INFO  aligned\n');
  });

  it('follows the output when its format changes', () => {
    const { output, logger, stdout } = setup('text');
    logger.info('as text');
    output.setFormat('json');
    logger.info('as json');
    const [text, json] = stdout.lines();
    assert.equal(text, 'phpeek-pm | INFO  as text');
    assert.equal(JSON.parse(json!).message, 'as json');
  });
});
