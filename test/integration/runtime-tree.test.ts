/**
 * The image's manager is only what the Dockerfile copies from the build stage, without
 * node_modules. Rebuild that tree from the built repository and run it: the bundle and its
 * chunks loaded on demand (the API) must need nothing else.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  copyInstructions,
  dockerfileInstructions,
  readRepoFile,
  repoRoot,
} from '../helpers/deploy-files.ts';
import { waitFor } from '../helpers/wait-for.ts';

const addon = join(repoRoot, 'build', 'Release', 'phpeek_reaper.node');
const dir = mkdtempSync(join(tmpdir(), 'phpeek-pm-tree-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The files the runtime stage copies from the build stage (/src is the repository). */
function buildRuntimeTree(): string {
  const copies = copyInstructions(dockerfileInstructions(readRepoFile('Dockerfile')));
  let home: string | undefined;
  for (const copy of copies.filter((c) => c.from === 'build')) {
    for (const source of copy.sources) {
      const from = join(repoRoot, source.replace(/^\/src\//, ''));
      const to = join(
        dir,
        copy.destination.endsWith('/') && !source.endsWith('/')
          ? join(copy.destination, source.split('/').at(-1)!)
          : copy.destination,
      );
      mkdirSync(dirname(to), { recursive: true });
      cpSync(from, to, { recursive: true });
      if (source === '/src/bin/') home = dirname(to);
    }
  }
  assert.ok(home, 'the runtime stage copies bin/');
  return home;
}

function get(socket: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the manager tree of the Docker image', {
  skip: existsSync(addon) ? false : 'the native addon is not built (npm run build)',
}, () => {
  const home = buildRuntimeTree();
  const bin = join(home, 'bin', 'phpeek-pm');

  it('has no node_modules and validates a file', () => {
    assert.equal(existsSync(join(home, 'node_modules')), false);
    const result = spawnSync(
      process.execPath,
      [bin, 'validate', '-c', 'examples/demo/phpeek-pm.yaml'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /valid/);
  });

  it('runs, serves the API from its on-demand chunks, and stops cleanly', async () => {
    const config = join(dir, 'phpeek-pm.yaml');
    const socket = join(dir, 'api.sock');
    writeFileSync(config, 'processes:\n  sleeper:\n    command: ["sleep", "30"]\n');
    const child = spawn(process.execPath, [bin, 'run', '-c', config], {
      env: {
        ...process.env,
        PHPEEK_PM_API_LISTEN: 'false',
        PHPEEK_PM_API_SOCKET: socket,
        PHPEEK_PM_METRICS_LISTEN: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor('the API socket', () => existsSync(socket));
      assert.equal((await get(socket, '/livez')).status, 200);
      const openapi = await get(socket, '/api/v1/openapi.json');
      assert.equal(openapi.status, 200, openapi.body);
      assert.match(output, /zombie reaper started/, output);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
  });
});
