import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../src/desired/diagnostics.ts';
import { parseDesired } from '../../src/desired/load.ts';

const root = join(import.meta.dirname, '..', '..');

/** Every ```yaml block of a Markdown file that declares processes. */
function yamlBlocks(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => /^processes:/m.test(b));
}

const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('configuration examples in the docs are valid', () => {
  for (const file of docs) {
    yamlBlocks(file).forEach((block, i) => {
      it(`${file}, example ${i + 1}`, () => {
        const result = parseDesired(block, `${file}#${i + 1}`, {});
        assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
      });
    });
  }
});
