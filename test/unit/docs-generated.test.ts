import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { apiReference } from '../../scripts/docs/api-reference.ts';
import { configReference } from '../../scripts/docs/config-reference.ts';
import { generatedPart } from '../../scripts/docs/markdown.ts';
import { parseDuration } from '../../src/desired/duration.ts';
import {
  DEFAULT_BACKOFF,
  DEFAULT_GLOBAL,
  DEFAULT_HOOK,
  DEFAULT_STOP,
} from '../../src/desired/normalize.ts';
import { DEFAULT_PROBE_TIMING } from '../../src/desired/normalize-probes.ts';
import { durationText } from '../../src/desired/schema-doc.ts';

const root = join(import.meta.dirname, '..', '..');

/** Fails with the first line that differs, and how to fix it. */
function assertUpToDate(file: string, expected: string): void {
  const actual = generatedPart(readFileSync(join(root, file), 'utf8'));
  assert.ok(actual !== undefined, `${file} has lost its generated-part markers`);
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = a.findIndex((l, i) => l !== e[i]);
  const at = line === -1 ? a.length : line;
  assert.fail(
    `${file} is out of date: run \`npm run docs\`\n` +
      `  first difference in the generated part, line ${at + 1}:\n` +
      `  file:      ${JSON.stringify(a[at] ?? '(end)')}\n` +
      `  generated: ${JSON.stringify(e[at] ?? '(end)')}`,
  );
}

describe('generated references', () => {
  it('docs/configuration.md lists the keys the schema accepts', () => {
    assertUpToDate('docs/configuration.md', configReference());
  });

  it('docs/api.md lists the routes of the OpenAPI document', async () => {
    assertUpToDate('docs/api.md', await apiReference());
  });

  it('the configuration reference shows the defaults normalize.ts applies', () => {
    const reference = configReference();
    // Each key's item, on one line.
    const items = reference.split('\n- ').map((item) => item.replace(/\s+/g, ' '));
    const itemOf = (path: string) => items.find((item) => item.startsWith(`**\`${path}\`** (`));
    const cases: [string, string][] = [
      ['global.shutdown_timeout', durationText(DEFAULT_GLOBAL.shutdownTimeoutMs)],
      ['global.api.listen', String(DEFAULT_GLOBAL.api.listen)],
      ['global.restart_backoff.max', durationText(DEFAULT_BACKOFF.maxMs)],
      ['processes.<name>.stop.timeout', durationText(DEFAULT_STOP.timeoutMs)],
      ['processes.<name>.probes.liveness.period', durationText(DEFAULT_PROBE_TIMING.periodMs)],
      ['processes.<name>.post_start[].timeout', durationText(DEFAULT_HOOK.timeoutMs)],
    ];
    for (const [path, value] of cases) {
      const item = itemOf(path);
      assert.ok(item?.includes(`default \`${value}\``), `${path} with default ${value}: ${item}`);
    }
  });
});

describe('durationText', () => {
  it('writes milliseconds as the file writes durations, and parses back', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [500, '500ms'],
      [1500, '1500ms'],
      [30_000, '30s'],
      [60_000, '1m'],
      [90_000, '1m30s'],
      [3_600_000, '1h'],
      [3_661_000, '1h1m1s'],
    ];
    for (const [ms, text] of cases) {
      assert.equal(durationText(ms), text);
      assert.equal(parseDuration(text), ms);
    }
  });
});
