import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fixture, ManagerUnderTest } from '../helpers/manager.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('restarting exited processes', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('restarts a crashing process with an exponential backoff', async () => {
    const m = new ManagerUnderTest(`
global: { log_format: json }
processes:
  crasher:
    command: ["sh", "${fixture('crash-after.sh')}", "0", "3"]
    restart_backoff: { initial: 100ms, max: 2s }
`);
    managers.push(m);
    await m.waitForLine(/restart 4\)/, 15_000);
    const starts = m.lines
      .filter((l) => l.includes('"start crasher-0'))
      .map((l) => Date.parse(JSON.parse(l).time));
    assert.ok(starts.length >= 5, `expected 5 starts, saw ${starts.length}`);
    // The gap between starts is the run time plus the delay: never less than the delay,
    // which doubles from 100 ms.
    for (let n = 1; n < 5; n++) {
      const gap = starts[n]! - starts[n - 1]!;
      const minimum = 100 * 2 ** (n - 1);
      assert.ok(
        gap >= minimum - 5,
        `restart ${n} came after ${gap} ms, before its ${minimum} ms backoff`,
      );
    }
    const crashes = m.lines.filter(
      (l) => l.includes('crasher-0') && l.includes('exited with code 3'),
    );
    assert.ok(crashes.length >= 4);
  });

  it('restart: never leaves an exited process down, on-failure only restarts failures', async () => {
    const m = new ManagerUnderTest(`
processes:
  once:
    command: ["sh", "${fixture('crash-after.sh')}", "0", "5"]
    restart: never
  clean:
    command: ["sh", "${fixture('crash-after.sh')}", "0", "0"]
    restart: on-failure
  failing:
    command: ["sh", "${fixture('crash-after.sh')}", "0", "1"]
    restart: on-failure
    restart_backoff: { initial: 0 }
`);
    managers.push(m);
    await m.waitForLine(/start failing-0: restart: exited with code 1 \(restart 3\)/);
    assert.equal(m.lines.filter((l) => /start once-0/.test(l)).length, 1);
    assert.equal(m.lines.filter((l) => /start clean-0/.test(l)).length, 1);
  });

  it('reports a command that cannot start and retries it', async () => {
    const m = new ManagerUnderTest(`
processes:
  missing:
    command: ["/nonexistent/binary"]
    restart_backoff: { initial: 50ms }
  nodir:
    command: ["sleep", "100"]
    working_dir: /nonexistent/dir
    restart: never
`);
    managers.push(m);
    await m.waitForLine(/missing-0 failed to start: command not found: \/nonexistent\/binary/);
    await m.waitForLine(/start missing-0: restart: failed to start/);
    await m.waitForLine(/nodir-0 failed to start: working_dir \/nonexistent\/dir does not exist/);
  });

  it('gives each instance its identity in the environment', async () => {
    const m = new ManagerUnderTest(
      `
processes:
  echo:
    command: 'echo "name=$PHPEEK_PM_PROCESS_NAME id=$PHPEEK_PM_INSTANCE_ID replica=$PHPEEK_PM_REPLICA x=$X"; sleep 100'
    replicas: 2
    env: { X: "\${TEST_VALUE:-fallback}" }
`,
      { env: { TEST_VALUE: 'from-env' } },
    );
    managers.push(m);
    await m.waitForLine(/^echo-1\s+\| name=echo id=echo-1 replica=1 x=from-env$/);
    await m.waitForLine(/^echo-0\s+\| name=echo id=echo-0 replica=0 x=from-env$/);
    await waitFor('both running', () => m.instances().size === 2);
  });
});
