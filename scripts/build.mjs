// Builds what `bin/phpeek-pm` runs: the native reaper addon (node-gyp, only when its source
// changed) and one bundled ESM file, so that start-up reads a single module.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'phpeek_reaper.node');
const source = join(root, 'native', 'reaper.c');

if (
  existsSync(source) &&
  (!existsSync(addon) || statSync(addon).mtimeMs < statSync(source).mtimeMs)
) {
  const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  // Build against the headers of the Node.js that runs us when they are installed beside it
  // (Debian's nodejs, official images): node-gyp would otherwise try to download them.
  const prefix = dirname(dirname(process.execPath));
  const localHeaders = existsSync(join(prefix, 'include', 'node', 'node_api.h'));
  const nodedir = process.env.npm_config_nodedir ?? (localHeaders ? prefix : undefined);
  try {
    execFileSync(process.execPath, [gyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (error) {
    // The manager still runs without the addon; it then logs that orphans are not reaped.
    process.stderr.write(error.stderr ?? '');
    console.error('phpeek-pm: building the native reaper failed; orphan reaping is disabled');
  }
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const esbuild = await import('esbuild');
rmSync(join(root, 'dist'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outdir: join(root, 'dist'),
  entryNames: 'phpeek-pm',
  chunkNames: 'chunks/[name]-[hash]',
  // Code loaded on demand (the watcher, later the API) becomes its own chunk, read only when used.
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { PHPEEK_PM_VERSION: JSON.stringify(version) },
  // Bundled CJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);",
  },
});
