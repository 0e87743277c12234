import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ManagerUnderTest, repoRoot } from '../helpers/manager.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = promisify(execFile);
const bin = join(repoRoot, 'bin', 'phpeek-pm');

const config = (replicas: number, env = 'a') => `
processes:
  worker:
    command: ["sleep", "1000"]
    replicas: ${replicas}
    env: { FLAVOUR: "${env}" }
  other:
    command: ["sleep", "999"]
`;

/** Runs the CLI against the manager's socket; resolves with stdout, rejects with stderr. */
async function cli(socket: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, ...args, '--socket', socket]);
  return stdout;
}

describe('API and CLI against a running manager', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('scale through the API, then the file: newest write of a field wins', async () => {
    const socket = join(repoRoot, '.tmp', `api-${process.pid}-a.sock`);
    const m2 = new ManagerUnderTest(config(1), { env: { PHPEEK_PM_API_SOCKET: socket } });
    managers.push(m2);
    await m2.waitForLine(/API on unix:/);
    await m2.waitForInstances(['worker-0', 'other-0']);

    assert.match(await cli(socket, 'scale', 'worker', '4'), /worker: replicas 4/);
    const four = await m2.waitForInstances([
      'worker-0',
      'worker-1',
      'worker-2',
      'worker-3',
      'other-0',
    ]);
    const status = await cli(socket, 'status');
    assert.match(status, /worker\s+longrun\s+4 \(api\)\s+4\s+4/);

    // The file changes another field of worker: the API's replicas stay, instances are replaced.
    m2.writeConfig(config(1, 'b'));
    await waitFor(
      'worker replaced with the API replicas kept',
      () => {
        const now = m2.instances();
        return (
          now.size === 5 && ['worker-0', 'worker-3'].every((id) => now.get(id) !== four.get(id))
        );
      },
      20_000,
    );

    // The file changes replicas: newer than the API's write, so the file wins.
    m2.writeConfig(config(2, 'b'));
    await m2.waitForInstances(['worker-0', 'worker-1', 'other-0']);
    assert.match(await cli(socket, 'status', '-o', 'json'), /"replicasSource": "file"/);
  });

  it('plan -c shows what a file would change, without changing anything', async () => {
    const socket = join(repoRoot, '.tmp', `api-${process.pid}.sock`);
    const m = new ManagerUnderTest(config(1), { env: { PHPEEK_PM_API_SOCKET: socket } });
    managers.push(m);
    await m.waitForLine(/API on unix:/);
    const before = await m.waitForInstances(['worker-0', 'other-0']);
    const candidate = join(m.dir, 'candidate.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(candidate, config(3).replace(/ {2}other:[\s\S]*$/, ''));
    const out = await cli(socket, 'plan', '-c', candidate);
    assert.match(out, /~ worker: scaled 1 -> 3/);
    assert.match(out, /- other: removed/);
    assert.match(out, /\+ spawn worker-1: scaled up to 3 replicas/);
    assert.match(out, /- stop other-0: removed from the configuration/);
    assert.deepEqual(m.instances(), before);
  });

  it('an unknown process is one clear line and a non-zero exit', async () => {
    const socket = join(repoRoot, '.tmp', `api-${process.pid}-b.sock`);
    const m = new ManagerUnderTest(config(1), { env: { PHPEEK_PM_API_SOCKET: socket } });
    managers.push(m);
    await m.waitForLine(/API on unix:/);
    await assert.rejects(
      cli(socket, 'scale', 'nope', '2'),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /^phpeek-pm: .*nope.*\(API_PROCESS_NOT_FOUND\)\n$/);
        return true;
      },
    );
  });

  it('a manager that is not running is reported as such', async () => {
    await assert.rejects(
      cli('/nonexistent/api.sock', 'status'),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(
          error.stderr,
          /cannot reach phpeek-pm at \/nonexistent\/api.sock: is it running\?/,
        );
        return true;
      },
    );
  });
});
