import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_LISTEN } from '../../src/api/listeners.ts';
import { formatDiagnostic } from '../../src/desired/diagnostics.ts';
import { parseDesired } from '../../src/desired/load.ts';
import {
  copyInstructions,
  dockerfileInstructions,
  dockerIgnored,
  publicGetRoutes,
  readRepoFile,
  repoRoot,
} from '../helpers/deploy-files.ts';

const instructions = dockerfileInstructions(readRepoFile('Dockerfile'));
const stages = [...new Set(instructions.map((i) => i.stage))];
// `runtime` is the image users build on; the last stage adds the example to it and inherits
// its ENTRYPOINT, CMD, STOPSIGNAL and HEALTHCHECK.
const runtime = 'runtime';
const example = stages.at(-1)!;
const inRuntime = (keyword: string) =>
  instructions.filter((i) => i.stage === runtime && i.keyword === keyword);

it('the default target is the example, built on the runtime stage', () => {
  assert.ok(stages.includes(runtime));
  assert.match(
    instructions.find((i) => i.stage === example && i.keyword === 'FROM')?.args ?? '',
    /^runtime AS example$/,
  );
  for (const keyword of ['ENTRYPOINT', 'CMD', 'STOPSIGNAL', 'HEALTHCHECK']) {
    assert.equal(
      instructions.filter((i) => i.stage === example && i.keyword === keyword).length,
      0,
      `${keyword} comes from the runtime stage`,
    );
  }
});
const copies = copyInstructions(instructions);
const ignorePatterns = readRepoFile('.dockerignore').split('\n');

/** `ENV A=1 B=2` of the runtime stage, as the example's configuration will see them. */
function runtimeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of inRuntime('ENV')) {
    for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
      env[key!] = value!.replace(/^"|"$/g, '');
    }
  }
  return env;
}

describe('Dockerfile', () => {
  it('runs phpeek-pm itself as PID 1: exec-form ENTRYPOINT, `run` by default', () => {
    assert.deepEqual(
      inRuntime('ENTRYPOINT').map((i) => JSON.parse(i.args)),
      [['phpeek-pm']],
    );
    assert.deepEqual(
      inRuntime('CMD').map((i) => JSON.parse(i.args)),
      [['run']],
    );
  });

  it('stops with SIGTERM, the signal phpeek-pm shuts down on', () => {
    assert.deepEqual(
      inRuntime('STOPSIGNAL').map((i) => i.args),
      ['SIGTERM'],
    );
  });

  it('checks health on a public route of the API, at the address the API listens on', async () => {
    const [check] = inRuntime('HEALTHCHECK');
    assert.ok(check, 'a HEALTHCHECK');
    const url = /http:\/\/(\S+?)(\/[a-z]+)\b/.exec(check.args);
    assert.ok(url, `a URL in ${check.args}`);
    const [, address, path] = url;
    assert.ok((await publicGetRoutes()).has(path!), `${path} is a GET route without a token`);
    // The address, or the default of the variable that overrides it.
    const fallback = /\$\{PHPEEK_PM_API_LISTEN:-([^}]+)\}/.exec(address!)?.[1] ?? address;
    assert.equal(fallback, DEFAULT_LISTEN);
  });

  it('copies only files that exist in the repository and reach the build context', () => {
    const local = copies.filter((c) => c.from === undefined);
    assert.ok(local.length > 0);
    for (const copy of local) {
      for (const source of copy.sources) {
        assert.ok(existsSync(join(repoRoot, source)), `${source} exists`);
        assert.ok(!dockerIgnored(ignorePatterns, source), `${source} is not in .dockerignore`);
      }
    }
  });

  it('gives the runtime the tree bin/phpeek-pm loads: bin, dist, the addon, package.json', () => {
    const fromBuild = copies.filter((c) => c.stage === runtime && c.from === 'build');
    const copied = (path: string) =>
      fromBuild.some((c) => c.sources.some((s) => s.replace(/\/$/, '') === `/src/${path}`));
    for (const path of ['bin', 'dist', 'package.json', 'build/Release/phpeek_reaper.node']) {
      assert.ok(copied(path), `${path} is copied from the build stage`);
    }
    // The entry loads the bundle from there; that the bundle then finds the addon is checked
    // by running the copied tree (test/integration/runtime-tree.test.ts).
    assert.match(readRepoFile('bin/phpeek-pm'), /'\.\.\/dist\/phpeek-pm\.js'/);
  });

  it('builds with every file the build needs copied into the build stage', () => {
    const built = copies.filter((c) => c.stage === 'build' && c.from === undefined);
    const sources = built.flatMap((c) => c.sources.map((s) => s.replace(/\/$/, '')));
    for (const needed of ['package.json', 'package-lock.json', 'binding.gyp', 'native', 'src']) {
      assert.ok(sources.includes(needed), `${needed} is copied into the build stage`);
    }
    assert.ok(
      instructions.some((i) => i.stage === 'build' && /node scripts\/build\.mjs/.test(i.args)),
      'the build stage runs scripts/build.mjs',
    );
  });

  it('ships a configuration that validates with the image environment', () => {
    const config = copies.find((c) => c.destination === '/etc/phpeek-pm/phpeek-pm.yaml');
    assert.ok(config, 'a COPY to /etc/phpeek-pm/phpeek-pm.yaml');
    const source = config.sources[0]!;
    const result = parseDesired(readRepoFile(source), source, runtimeEnv());
    assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
    assert.equal(result.global.api.listen, DEFAULT_LISTEN, 'the HEALTHCHECK address');
  });
});

describe('dockerIgnored', () => {
  it('follows the last matching pattern, for a path or any of its parents', () => {
    const patterns = ['node_modules', 'examples/*/storage/*', '!examples/*/storage/.gitignore'];
    assert.equal(dockerIgnored(patterns, 'node_modules/yaml/index.js'), true);
    assert.equal(dockerIgnored(patterns, 'src/main.ts'), false);
    assert.equal(dockerIgnored(patterns, 'examples/laravel/storage/db.sqlite'), true);
    assert.equal(dockerIgnored(patterns, 'examples/laravel/storage/.gitignore'), false);
  });
});
