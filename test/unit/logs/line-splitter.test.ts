import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, utf8CutPoint } from '../../../src/logs/line-splitter.ts';

/** Runs `input` through a splitter cut into `chunks` at the given offsets; returns the lines. */
function splitAt(input: Buffer, max: number, cuts: readonly number[], flush = true): Buffer[] {
  const lines: Buffer[] = [];
  const splitter = new LineSplitter(max, (buf, start, end) => {
    lines.push(Buffer.from(buf.subarray(start, end)));
  });
  let prev = 0;
  for (const cut of [...cuts, input.length]) {
    splitter.push(input.subarray(prev, cut));
    prev = cut;
  }
  if (flush) splitter.flush();
  return lines;
}

/** Every chunking worth trying: whole, every 2-way cut, every 3-way cut (small inputs), bytewise. */
function* chunkings(length: number): Generator<number[]> {
  yield [];
  for (let i = 1; i < length; i++) yield [i];
  if (length <= 24) {
    for (let i = 1; i < length; i++) for (let j = i + 1; j < length; j++) yield [i, j];
  }
  yield Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
}

interface Case {
  readonly name: string;
  readonly input: string | Buffer;
  readonly max: number;
  readonly lines: readonly string[];
  /** Lines emitted before `flush()`, when they differ from `lines`. */
  readonly beforeFlush?: readonly string[];
}

const cases: readonly Case[] = [
  { name: 'a single line', input: 'hello\n', max: 16, lines: ['hello'] },
  { name: 'several lines', input: 'a\nbb\nccc\n', max: 16, lines: ['a', 'bb', 'ccc'] },
  { name: 'empty lines are kept', input: '\n\na\n\n', max: 16, lines: ['', '', 'a', ''] },
  { name: 'nothing in, nothing out', input: '', max: 16, lines: [] },
  {
    name: 'a partial last line comes out on flush',
    input: 'a\nlast',
    max: 16,
    lines: ['a', 'last'],
    beforeFlush: ['a'],
  },
  { name: 'CRLF loses its CR', input: 'a\r\nbb\r\n', max: 16, lines: ['a', 'bb'] },
  { name: 'a lone CRLF is an empty line', input: '\r\n', max: 16, lines: [''] },
  { name: 'a CR inside a line is content', input: 'a\rb\n', max: 16, lines: ['a\rb'] },
  {
    name: 'a CR ending a partial line is dropped on flush',
    input: 'abc\r',
    max: 16,
    lines: ['abc'],
    beforeFlush: [],
  },
  { name: 'a line of exactly the limit', input: 'abcd\n', max: 4, lines: ['abcd'] },
  {
    name: 'a line of exactly the limit with CRLF is not split',
    input: 'abcd\r\nef\n',
    max: 4,
    lines: ['abcd', 'ef'],
  },
  { name: 'one byte over the limit', input: 'abcde\n', max: 4, lines: ['abcd', 'e'] },
  {
    name: 'a long line is split into pieces',
    input: 'abcdefghij\nk\n',
    max: 4,
    lines: ['abcd', 'efgh', 'ij', 'k'],
  },
  {
    name: 'a long partial line is split and flushed',
    input: 'abcdefghij',
    max: 4,
    lines: ['abcd', 'efgh', 'ij'],
    beforeFlush: ['abcd', 'efgh'],
  },
  {
    name: 'a CR over the limit but not before a newline is content',
    input: 'abcd\rx\n',
    max: 4,
    lines: ['abcd', '\rx'],
  },
  {
    name: 'multibyte characters are never cut (limit 4)',
    input: 'aé€😀\n',
    max: 4,
    lines: ['aé', '€', '😀'],
  },
  {
    name: 'multibyte characters are never cut (limit 5)',
    input: 'aé€😀\n',
    max: 5,
    lines: ['aé', '€', '😀'],
  },
  {
    name: 'multibyte characters that fit exactly',
    input: 'aé€😀\n',
    max: 6,
    lines: ['aé€', '😀'],
  },
  {
    name: 'a long line of 4-byte characters',
    input: '😀😀😀😀😀\n',
    max: 7,
    lines: ['😀', '😀', '😀', '😀', '😀'],
  },
  {
    name: 'multibyte text over several lines',
    input: 'żółć\nçava\n日本語\n',
    max: 64,
    lines: ['żółć', 'çava', '日本語'],
  },
];

describe('LineSplitter', () => {
  for (const c of cases) {
    it(c.name + ', however the input is chunked', () => {
      const input = typeof c.input === 'string' ? Buffer.from(c.input) : c.input;
      for (const cuts of chunkings(input.length)) {
        const lines = splitAt(input, c.max, cuts).map((b) => b.toString());
        assert.deepEqual(lines, c.lines, `chunked at ${JSON.stringify(cuts)}`);
        const early = splitAt(input, c.max, cuts, false).map((b) => b.toString());
        assert.deepEqual(early, c.beforeFlush ?? c.lines, `before flush, chunked at ${cuts}`);
      }
    });
  }

  it('splits invalid UTF-8 at the limit, losing no byte', () => {
    const input = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xff, 0x0a]);
    for (const cuts of chunkings(input.length)) {
      const lines = splitAt(input, 4, cuts);
      assert.deepEqual(
        lines.map((b) => [...b]),
        [
          [0x80, 0x80, 0x80, 0x80],
          [0x80, 0x80, 0xff],
        ],
      );
    }
  });

  it('matches a reference splitter on random text, chunking and limits', () => {
    const random = seeded(42);
    const alphabet = ['a', 'b', ' ', '\n', '\n', '\r\n', '\r', 'é', '€', '😀', '日'];
    for (let round = 0; round < 300; round++) {
      const max = 4 + Math.floor(random() * 12);
      let text = '';
      const length = Math.floor(random() * 80);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const input = Buffer.from(text);
      const cuts: number[] = [];
      for (let i = 1; i < input.length; i++) if (random() < 0.2) cuts.push(i);
      const lines = splitAt(input, max, cuts);
      assert.deepEqual(
        lines.map((b) => b.toString()),
        referenceLines(text, max),
        `text ${JSON.stringify(text)}, max ${max}, cuts ${cuts}`,
      );
      for (const line of lines) {
        assert.ok(line.length <= max);
        assert.ok(!line.toString().includes('\ufffd'), 'a character was cut');
      }
    }
  });

  it('holds at most maxLineBytes + 1 bytes of a line without a newline', () => {
    let emitted = 0;
    const splitter = new LineSplitter(1000, (_buf, start, end) => {
      emitted += end - start;
    });
    for (let i = 0; i < 100; i++) {
      splitter.push(Buffer.alloc(7919, 'x'));
      assert.ok(splitter.partialBytes <= 1001);
    }
    splitter.flush();
    assert.equal(splitter.partialBytes, 0);
    assert.equal(emitted, 791900);
  });

  it('rejects a limit that cannot hold one character', () => {
    assert.throws(() => new LineSplitter(3, () => {}), RangeError);
    assert.throws(() => new LineSplitter(16.5, () => {}), RangeError);
  });
});

describe('utf8CutPoint', () => {
  const euro = Buffer.from('ab€cd'); // € is bytes 2..4
  it('keeps a cut that falls between characters', () => {
    assert.equal(utf8CutPoint(euro, 0, 2), 2);
    assert.equal(utf8CutPoint(euro, 0, 5), 5);
  });
  it('moves a cut inside a character back to its first byte', () => {
    assert.equal(utf8CutPoint(euro, 0, 3), 2);
    assert.equal(utf8CutPoint(euro, 0, 4), 2);
  });
});

/** The same rules on whole strings, one code point at a time. */
function referenceLines(text: string, max: number): string[] {
  const parts = text.split('\n');
  const last = parts.pop()!;
  if (last !== '') parts.push(last);
  const out: string[] = [];
  for (let part of parts) {
    if (part.endsWith('\r')) part = part.slice(0, -1);
    let piece = '';
    let bytes = 0;
    for (const ch of part) {
      const n = Buffer.byteLength(ch);
      if (bytes + n > max) {
        out.push(piece);
        piece = '';
        bytes = 0;
      }
      piece += ch;
      bytes += n;
    }
    out.push(piece);
  }
  return out;
}

/** mulberry32: deterministic, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
