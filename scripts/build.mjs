// Builds what `bin/phpeek-pm` runs: the native reaper addon (node-gyp, only when its source
// changed) and one bundled ESM file, so that start-up reads a single module.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'phpeek_reaper.node');
const source = join(root, 'native', 'reaper.c');

if (existsSync(source) && (!existsSync(addon) || statSync(addon).mtimeMs < statSync(source).mtimeMs)) {
  const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  try {
    execFileSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    // The manager still runs without the addon; it then logs that orphans are not reaped.
    console.error('phpeek-pm: building the native reaper failed; orphan reaping is disabled');
  }
}

const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: join(root, 'dist', 'phpeek-pm.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);" },
});
