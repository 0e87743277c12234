import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readContainerLimits } from '../../../src/php/container-limits.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/cgroup');
const host = { memoryBytes: 16 * 2 ** 30, cpus: 8 };
const MiB = 2 ** 20;

describe('readContainerLimits', () => {
  const cases: [string, string, number, number, RegExp, RegExp][] = [
    [
      'cgroup v2 in a container namespace: the limits at the mount root',
      'v2-container',
      512 * MiB,
      1.5,
      /cgroup v2 .*sys\/fs\/cgroup\/memory\.max \(536870912\)$/,
      /cgroup v2 .*cpu\.max \(150000 100000\)$/,
    ],
    [
      'cgroup v2 nested as Kubernetes does: the pod limits the container, the smallest wins',
      'v2-nested',
      1024 * MiB,
      2.5,
      /pod-1\.slice\/memory\.max/,
      /ctr-1\.scope\/cpu\.max/,
    ],
    ['cgroup v2 without limits: the host', 'v2-unlimited', 16 * 2 ** 30, 8, /^host/, /^host/],
    [
      'cgroup v1 in a container: a host path in /proc/self/cgroup falls back to the mount root',
      'v1-container',
      256 * MiB,
      0.5,
      /cgroup v1 .*memory\.limit_in_bytes/,
      /cgroup v1 .*cpu,cpuacct\/cpu\.cfs_quota_us \(50000\/100000\)/,
    ],
    ['cgroup v1 without limits: the host', 'v1-unlimited', 16 * 2 ** 30, 8, /^host/, /^host/],
    [
      'a hybrid host: v1 memory under our own cgroup, cgroup2 without controllers ignored',
      'hybrid',
      768 * MiB,
      8,
      /process_api\/abc\/memory\.limit_in_bytes/,
      /^host/,
    ],
    ['no /proc or /sys at all: the host', 'does-not-exist', 16 * 2 ** 30, 8, /^host/, /^host/],
  ];
  for (const [name, dir, memory, cpus, memorySource, cpuSource] of cases) {
    it(name, () => {
      const limits = readContainerLimits(join(fixtures, dir), host);
      assert.equal(limits.memory.value, memory);
      assert.equal(limits.cpus.value, cpus);
      assert.match(limits.memory.source, memorySource);
      assert.match(limits.cpus.source, cpuSource);
    });
  }

  it('a cgroup limit larger than the host is the host', () => {
    const limits = readContainerLimits(join(fixtures, 'v2-nested'), {
      memoryBytes: 512 * MiB,
      cpus: 2,
    });
    assert.deepEqual(
      [limits.memory.value, limits.memory.source, limits.cpus.value, limits.cpus.source],
      [512 * MiB, 'host memory', 2, 'host CPUs'],
    );
  });
});
