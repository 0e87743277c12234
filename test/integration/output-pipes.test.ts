import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManagerUnderTest } from '../helpers/manager.ts';

/**
 * Children write to /dev/stdout, /dev/stderr and /proc/self/fd/N as php-fpm (`error_log =
 * /proc/self/fd/2`) and nginx (`access_log /dev/stdout`) do: that needs real pipes, which a
 * socketpair is not (opening one by path fails with ENXIO).
 */
describe("children's stdout and stderr are pipes", () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('a process and a hook can open them by path', async () => {
    const m = new ManagerUnderTest(`
global:
  hooks:
    pre_start:
      - ["sh", "-c", "echo hook-by-path > /dev/stdout && echo hook-fd > /proc/self/fd/2"]
processes:
  writer:
    command:
      - sh
      - -c
      - |
        echo "fd1 is $(readlink /proc/self/fd/1)"
        echo out-by-path > /dev/stdout
        echo err-by-path > /dev/stderr
        echo err-by-fd > /proc/self/fd/2
        exec sleep 1000
`);
    managers.push(m);
    await m.waitForLine(/writer-0 .*err-by-fd/);
    const text = m.lines.join('\n');
    assert.match(text, /writer-0 +\| fd1 is pipe:\[\d+\]/);
    for (const line of ['out-by-path', 'err-by-path', 'err-by-fd']) {
      assert.match(text, new RegExp(`writer-0 +\\| ${line}`), m.tail());
    }
    assert.match(text, /hook:pre_start +\| hook-by-path/);
    assert.match(text, /hook:pre_start +\| hook-fd/);
    assert.doesNotMatch(text, /No such device or address/);
  });
});
