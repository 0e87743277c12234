import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fixture, isAlive, ManagerUnderTest } from '../helpers/manager.ts';
import { allProcs } from '../helpers/procfs.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('graceful shutdown', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('stops dependents first, then what they depend on, and exits 0', async () => {
    const m = new ManagerUnderTest(`
global: { log_format: json }
processes:
  db:
    command: ["sleep", "1000"]
  app:
    command: ["sleep", "1000"]
    depends_on: [db]
  web:
    command: ["sleep", "1000"]
    replicas: 2
    depends_on: { app: { condition: process_started } }
`);
    managers.push(m);
    const pids = await m.waitForInstances(['db-0', 'app-0', 'web-0', 'web-1']);
    m.signal('SIGTERM');
    const { code } = await m.exited;
    assert.equal(code, 0);
    const stopped = m.lines
      .map((l) => JSON.parse(l) as { message: string; time: string })
      .filter((r) => /stopped: killed by SIGTERM/.test(r.message))
      .map((r) => r.message.split(' ')[0]);
    assert.deepEqual(stopped.slice(0, 2).sort(), ['web-0', 'web-1']);
    assert.deepEqual(stopped.slice(2), ['app-0', 'db-0']);
    for (const pid of pids.values()) assert.equal(isAlive(pid), false);
  });

  it('kills a child that ignores SIGTERM after its stop timeout', async () => {
    const m = new ManagerUnderTest(`
processes:
  stubborn:
    command: ["sh", "${fixture('ignore-sigterm.sh')}"]
    stop: { timeout: 300ms }
  polite:
    command: ["sleep", "1000"]
`);
    managers.push(m);
    const pids = await m.waitForInstances(['stubborn-0', 'polite-0']);
    await m.waitForLine(/ready, ignoring SIGTERM/);
    m.signal('SIGTERM');
    await m.waitForLine(/kill stubborn-0 .*stop timeout passed/);
    const { code } = await m.exited;
    assert.equal(code, 0);
    assert.ok(m.lines.some((l) => /stubborn-0 \(pid \d+\) stopped: killed by SIGKILL/.test(l)));
    assert.equal(isAlive(pids.get('stubborn-0')!), false);
    // Nothing of its process group survives: its `sleep` ignored SIGTERM too.
    await waitFor('no survivors in its group', () =>
      allProcs().every((p) => p.pgid !== pids.get('stubborn-0') || p.state === 'Z'),
    );
  });

  it('bounds the whole shutdown by global.shutdown_timeout', async () => {
    const m = new ManagerUnderTest(`
global: { shutdown_timeout: 400ms }
processes:
  stubborn:
    command: ["sh", "${fixture('ignore-sigterm.sh')}"]
    stop: { timeout: 60s }
`);
    managers.push(m);
    await m.waitForLine(/ready, ignoring SIGTERM/);
    m.signal('SIGTERM');
    await m.waitForLine(/kill stubborn-0 .*/);
    const { code } = await m.exited;
    assert.equal(code, 0);
  });

  it('a second signal kills everything at once and exits 128+n', async () => {
    const m = new ManagerUnderTest(`
processes:
  stubborn:
    command: ["sh", "${fixture('ignore-sigterm.sh')}"]
    replicas: 2
    stop: { timeout: 60s }
`);
    managers.push(m);
    await m.waitForInstances(['stubborn-0', 'stubborn-1']);
    await m.waitForLine(/stubborn-1 .*ready, ignoring SIGTERM/);
    m.signal('SIGTERM');
    await m.waitForLine(/stop stubborn-1/);
    m.signal('SIGINT');
    const { code } = await m.exited;
    assert.equal(code, 130);
    assert.ok(m.lines.some((l) => /SIGINT received again: killing everything now/.test(l)));
  });

  it('does not start with an invalid file and says why', async () => {
    const m = new ManagerUnderTest(`
processes:
  web:
    command: ["sleep", "1000"]
    replicas: -1
    depends_on: [nothere]
`);
    managers.push(m);
    const { code } = await m.exited;
    assert.equal(code, 1);
    assert.ok(m.lines.some((l) => /processes\.web\.replicas/.test(l)));
    assert.ok(m.lines.some((l) => /nothere/.test(l)));
  });
});
