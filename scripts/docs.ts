// Writes the generated parts of docs/configuration.md (from the configuration schema) and
// docs/api.md (from the API's OpenAPI document). `npm run docs`; with --check, changes nothing
// and exits 1 when a file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiReference } from './docs/api-reference.ts';
import { configReference } from './docs/config-reference.ts';
import { withGenerated } from './docs/markdown.ts';

const GENERATED_DOCS = {
  'docs/configuration.md': async () => configReference(),
  'docs/api.md': apiReference,
} as const;

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, generate] of Object.entries(GENERATED_DOCS)) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = withGenerated(before, await generate(), file);
  if (after === before) continue;
  if (check) {
    console.error(`${file} is out of date: run \`npm run docs\``);
    stale++;
  } else {
    writeFileSync(path, after);
    console.log(`wrote ${file}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
