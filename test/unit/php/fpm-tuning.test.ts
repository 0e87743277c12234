import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FpmProfile } from '../../../src/desired/types.ts';
import type { ContainerLimits } from '../../../src/php/container-limits.ts';
import { FPM_PROFILE_SETTINGS, fpmTuning, fpmTuningEnv } from '../../../src/php/fpm-tuning.ts';

const MiB = 2 ** 20;
const limits = (memoryMiB: number, cpus: number): ContainerLimits => ({
  memory: { value: memoryMiB * MiB, source: 'test' },
  cpus: { value: cpus, source: 'test' },
});

describe('fpmTuning', () => {
  // [name, profile, memory MiB, cpus, pm, max, start, min spare, max spare, max requests]
  const cases: [
    string,
    FpmProfile,
    number,
    number,
    string,
    number,
    number,
    number,
    number,
    number,
  ][] = [
    [
      'medium in 512 MiB / 1.5 CPUs: memory decides',
      'medium',
      512,
      1.5,
      'dynamic',
      6,
      2,
      1,
      3,
      1000,
    ],
    ['medium in 8 GiB / 2 CPUs: CPUs decide', 'medium', 8192, 2, 'dynamic', 16, 5, 3, 8, 1000],
    ['light is on demand with 48 MiB workers', 'light', 512, 4, 'ondemand', 8, 3, 2, 4, 500],
    ['heavy is a static pool of 96 MiB workers', 'heavy', 2048, 4, 'static', 20, 15, 10, 20, 2000],
    ['bursty keeps a large spare', 'bursty', 2048, 2, 'dynamic', 24, 14, 10, 19, 1000],
    ['dev is capped at 4 whatever the machine', 'dev', 32768, 16, 'ondemand', 4, 1, 1, 2, 500],
    [
      'a container too small for one worker still runs one',
      'medium',
      128,
      1,
      'dynamic',
      1,
      1,
      1,
      1,
      1000,
    ],
    ['a fraction of a CPU still allows workers', 'medium', 1024, 0.25, 'dynamic', 2, 1, 1, 1, 1000],
  ];
  for (const [name, profile, memory, cpus, pm, max, start, minSpare, maxSpare, requests] of cases) {
    it(name, () => {
      const t = fpmTuning({ profile, limits: limits(memory, cpus) });
      assert.deepEqual(
        [t.pm, t.maxChildren, t.startServers, t.minSpareServers, t.maxSpareServers, t.maxRequests],
        [pm, max, start, minSpare, maxSpare, requests],
      );
    });
  }

  it('every profile and size gives a pool php-fpm accepts', () => {
    for (const profile of Object.keys(FPM_PROFILE_SETTINGS) as FpmProfile[]) {
      for (const memory of [64, 128, 256, 300, 512, 1000, 4096, 65536]) {
        for (const cpus of [0.1, 0.5, 1, 3, 64]) {
          const t = fpmTuning({ profile, limits: limits(memory, cpus) });
          const where = `${profile} ${memory} MiB ${cpus} CPUs`;
          assert.ok(t.maxChildren >= 1, where);
          assert.ok(t.minSpareServers >= 1, where);
          assert.ok(t.minSpareServers <= t.startServers, where);
          assert.ok(t.startServers <= t.maxSpareServers, where);
          assert.ok(t.maxSpareServers <= t.maxChildren, where);
        }
      }
    }
  });

  it('worker and reserved memory from the file replace the profile and the default', () => {
    const t = fpmTuning({
      profile: 'medium',
      limits: limits(1024, 8),
      workerMemoryBytes: 100 * MiB,
      reservedMemoryBytes: 24 * MiB,
    });
    assert.equal(t.maxChildren, 10);
    assert.match(t.reasoning.join('\n'), /\(1 GiB - 24 MiB reserved\) \/ 100 MiB per worker = 10/);
  });

  it('the reasoning shows every number and where the limits came from', () => {
    const t = fpmTuning({
      profile: 'medium',
      limits: {
        memory: { value: 512 * MiB, source: 'cgroup v2 /sys/fs/cgroup/memory.max (536870912)' },
        cpus: { value: 1.5, source: 'cgroup v2 /sys/fs/cgroup/cpu.max (150000 100000)' },
      },
    });
    assert.deepEqual(t.reasoning, [
      'memory 512 MiB from cgroup v2 /sys/fs/cgroup/memory.max (536870912); 1.5 CPUs from cgroup v2 /sys/fs/cgroup/cpu.max (150000 100000)',
      'by memory: (512 MiB - 128 MiB reserved) / 64 MiB per worker = 6',
      'by CPU: 1.5 CPUs x 8 per CPU = 12',
      'pm = dynamic, pm.max_children = 6, pm.start_servers = 2, pm.min_spare_servers = 1, pm.max_spare_servers = 3, pm.max_requests = 1000',
    ]);
    assert.equal(t.warning, undefined);
  });

  it('a container too small for one worker says so', () => {
    const t = fpmTuning({ profile: 'medium', limits: limits(128, 1) });
    assert.match(t.warning ?? '', /128 MiB leaves no room for a 64 MiB worker/);
  });

  it('the environment a pool file reads', () => {
    const t = fpmTuning({ profile: 'light', limits: limits(512, 4) });
    assert.deepEqual(fpmTuningEnv(t), {
      PHP_FPM_PM: 'ondemand',
      PHP_FPM_MAX_CHILDREN: '8',
      PHP_FPM_START_SERVERS: '3',
      PHP_FPM_MIN_SPARE_SERVERS: '2',
      PHP_FPM_MAX_SPARE_SERVERS: '4',
      PHP_FPM_MAX_REQUESTS: '500',
      PHP_FPM_PROCESS_IDLE_TIMEOUT: '10s',
    });
  });
});
