import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { canUnshare, fixture, ManagerUnderTest } from '../helpers/manager.ts';
import { descendants } from '../helpers/procfs.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('as PID 1 of a PID namespace', {
  skip: canUnshare ? false : 'needs root and unshare --pid',
}, () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('reaps every orphan and never loses an exit code of its own children', async () => {
    const m = new ManagerUnderTest(
      `
global: { log_format: json }
processes:
  storm:
    command: ["sh", "${fixture('orphan-storm.sh')}"]
    replicas: 2
  coded:
    command: ["sh", "${fixture('crash-after.sh')}", "0.05", "7"]
    replicas: 20
    restart: on-failure
    restart_backoff: { initial: 0 }
`,
      { pid1: true },
    );
    managers.push(m);
    await m.waitForLine(/as PID 1/);
    // Each of the 20 instances exits with 7 and is restarted at once, again and again, while
    // the storm leaves orphans behind: collect 200 exits.
    const exits = () =>
      m.lines.filter((l) => l.includes('"exited with code') || l.includes('exited with code'));
    await waitFor(
      '200 exits of coded instances',
      () => exits().filter((l) => l.includes('coded-')).length >= 200,
      60_000,
    );
    const codes = new Set(
      exits()
        .filter((l) => l.includes('coded-'))
        .map((l) => /exited with code (\d+)/.exec(l)?.[1]),
    );
    assert.deepEqual([...codes], ['7'], 'every exit of ours must carry its real code');

    // While the storm goes on, a zombie may exist for an instant before SIGCHLD is handled;
    // none may stay. A zombie seen now must be gone (reaped) a second later, five times over.
    const manager = m.managerPid();
    const zombies = () =>
      new Set(
        descendants(manager)
          .filter((p) => p.state === 'Z')
          .map((p) => `${p.pid}:${p.starttime}`),
      );
    for (let i = 0; i < 5; i++) {
      const seen = zombies();
      await new Promise((r) => setTimeout(r, 1_000));
      const lingering = [...zombies()].filter((z) => seen.has(z));
      assert.deepEqual(lingering, [], 'zombies not reaped within a second');
    }

    m.signal('SIGTERM');
    const { code } = await m.exited;
    assert.equal(code, 0);
    const reaped = m.lines.map((l) => /reaped (\d+) orphan/.exec(l)?.[1]).find(Boolean);
    assert.ok(Number(reaped) > 0, `expected orphans to be reaped, saw ${reaped}`);
  });
});

describe('as a subreaper (not PID 1)', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('leaves no process of its own behind when it exits', async () => {
    const m = new ManagerUnderTest(
      `
processes:
  leaker:
    command: 'setsid sleep 1000 & sleep 1000 & echo spawned; wait'
`,
    );
    managers.push(m);
    await m.waitForLine(/spawned/);
    const manager = m.managerPid();
    await waitFor('3 processes under the manager', () => descendants(manager).length >= 3);
    const before = descendants(manager).map((p) => p.pid);
    m.signal('SIGTERM');
    await m.exited;
    await waitFor('every process gone', () =>
      before.every((pid) => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }),
    );
  });
});
