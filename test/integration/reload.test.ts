import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManagerUnderTest, type SaveStyle } from '../helpers/manager.ts';
import { waitFor } from '../helpers/wait-for.ts';

const config = (replicas: number, extra = '') => `
version: 1
global: { log_level: debug, shutdown_timeout: 5s }
processes:
  worker:
    command: ["sleep", "1000"]
    replicas: ${replicas}
  steady:
    command: ["sleep", "999"]
${extra}`;

const ids = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${name}-${i}`);

describe('applying file edits live', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  for (const style of ['in-place', 'rename', 'vim', 'configmap'] as SaveStyle[]) {
    it(`scales 2 -> 5 -> 1 on a ${style} save, touching nothing else`, async () => {
      const m = new ManagerUnderTest(config(2), { configMap: style === 'configmap' });
      managers.push(m);
      const first = await m.waitForInstances([...ids('worker', 2), 'steady-0']);

      m.writeConfig(config(5), style);
      const scaledUp = await m.waitForInstances([...ids('worker', 5), 'steady-0']);
      for (const id of ['worker-0', 'worker-1', 'steady-0']) {
        assert.equal(
          scaledUp.get(id),
          first.get(id),
          `${id} was restarted by a scale up\n${m.tail()}`,
        );
      }

      m.writeConfig(config(1), style);
      const scaledDown = await m.waitForInstances(['worker-0', 'steady-0']);
      assert.equal(scaledDown.get('worker-0'), first.get('worker-0'));
      assert.equal(scaledDown.get('steady-0'), first.get('steady-0'));
      // The log line may reach us after the processes are gone: wait for it.
      await m.waitForLine(/stop worker-4 .*scaled down to 1 replica/);
    });
  }

  it('replaces a changed process only, adds and removes processes', async () => {
    const m = new ManagerUnderTest(config(2));
    managers.push(m);
    const first = await m.waitForInstances([...ids('worker', 2), 'steady-0']);
    const changed = `
version: 1
global: { log_level: debug }
processes:
  worker:
    command: ["sleep", "1000"]
    replicas: 2
    env: { CHANGED: "yes" }
  added:
    command: ["sleep", "998"]
`;
    m.writeConfig(changed);
    // Replaced one at a time (rollout.max_unavailable 1): wait for both, not just the first.
    const replaced = (now: Map<string, number>) =>
      ids('worker', 2).every((id) => now.has(id) && now.get(id) !== first.get(id)) &&
      now.has('added-0');
    await waitFor('both workers replaced and added-0 running', () => replaced(m.instances()));
    await m.waitForLine(/steady.*removed|stop steady-0.*removed from the configuration/);
    // The unchanged process kept nothing of the old workers: exactly two run.
    const now = m.instances();
    assert.deepEqual(
      [...now.keys()].filter((id) => id.startsWith('worker')).sort(),
      ids('worker', 2),
      m.tail(),
    );
  });

  it('rejects an invalid edit with a located error and stops nothing', async () => {
    const m = new ManagerUnderTest(config(2));
    managers.push(m);
    const first = await m.waitForInstances([...ids('worker', 2), 'steady-0']);
    const mark = m.lines.length;
    m.writeConfig(config(2).replace('replicas: 2', 'replicas: many'));
    await m.waitForLine(/processes\.worker\.replicas.*expected.*found "many"/, 10_000, mark);
    await m.waitForLine(/invalid configuration rejected; keeping the last good one/, 10_000, mark);
    m.writeConfig('processes: [unclosed');
    await m.waitForLine(/YAML|yaml/, 10_000, mark);
    assert.deepEqual(m.instances(), first);
    // A valid edit afterwards is applied as usual.
    m.writeConfig(config(3));
    await m.waitForInstances([...ids('worker', 3), 'steady-0']);
  });

  it('reloads on SIGHUP', async () => {
    const m = new ManagerUnderTest(config(1));
    managers.push(m);
    await m.waitForInstances(['worker-0', 'steady-0']);
    // Written without a save event the watcher could see: only SIGHUP applies it.
    m.writeConfig(config(3), 'in-place');
    m.signal('SIGHUP');
    await m.waitForInstances([...ids('worker', 3), 'steady-0']);
  });
});
