/**
 * The memory and CPUs this container may use, read the way the kernel enforces them: cgroup v2
 * (`memory.max`, `cpu.max`), else cgroup v1 (`memory.limit_in_bytes`, `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us`), else the host's figures. A limit on an ancestor cgroup applies too, so
 * every level from our cgroup up to the mount's root is read and the smallest limit wins.
 *
 * Everything is read under `root` (normally `/`), so tests lay out directories like cgroup v1
 * and v2 mounts and read them as they would the real ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Limit {
  readonly value: number;
  /** Where the value came from, for the report: `cgroup v2 /sys/fs/cgroup/memory.max`. */
  readonly source: string;
}

export interface ContainerLimits {
  /** Bytes. */
  readonly memory: Limit;
  /** CPUs, possibly fractional (`cpu.max` of `150000 100000` is 1.5). */
  readonly cpus: Limit;
}

export interface HostFigures {
  readonly memoryBytes: number;
  readonly cpus: number;
}

/** cgroup v1 writes "no limit" as a page-rounded LONG_MAX; anything this large is no limit. */
const V1_UNLIMITED = 2 ** 60;

export function readContainerLimits(root: string, host: HostFigures): ContainerLimits {
  const memberships = readMemberships(root);
  const v2 = cgroupV2Dirs(root, memberships);
  const v1Memory = cgroupV1Dirs(root, memberships, ['memory']);
  const v1Cpu = cgroupV1Dirs(root, memberships, ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']);

  const memory =
    smallest(v2, 'memory.max', (text) => (text === 'max' ? undefined : Number(text)), 'v2') ??
    smallest(
      v1Memory,
      'memory.limit_in_bytes',
      (text) => (Number(text) >= V1_UNLIMITED ? undefined : Number(text)),
      'v1',
    );
  const cpus = smallest(v2, 'cpu.max', cpuMaxV2, 'v2') ?? smallestV1Quota(v1Cpu);
  return {
    memory: capByHost(memory, host.memoryBytes, 'host memory'),
    cpus: capByHost(cpus, host.cpus, 'host CPUs'),
  };
}

/** A cgroup limit above what the host has (a cgroup may say 64 GiB on an 8 GiB machine). */
function capByHost(limit: Limit | undefined, hostValue: number, what: string): Limit {
  if (limit === undefined || limit.value > hostValue) return { value: hostValue, source: what };
  return limit;
}

interface Membership {
  /** Empty for the cgroup v2 line (`0::/path`). */
  readonly controllers: readonly string[];
  readonly path: string;
}

function readMemberships(root: string): Membership[] {
  const text = readText(join(root, 'proc/self/cgroup')) ?? '';
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, controllers = '', ...rest] = line.split(':');
      return {
        controllers: controllers === '' ? [] : controllers.split(','),
        path: rest.join(':'),
      };
    });
}

/**
 * Directories from our cgroup up to the mount's root. In a container the mount's root is
 * usually our own cgroup already and /proc/self/cgroup may show a host path that does not exist
 * under the mount: then only the mount's root is read.
 */
function ancestry(mount: string, path: string): string[] {
  const parts = path.split('/').filter((p) => p.length > 0 && p !== '..');
  const dirs: string[] = [];
  for (let i = parts.length; i >= 0; i--) {
    const dir = join(mount, ...parts.slice(0, i));
    if (existsSync(dir)) dirs.push(dir);
  }
  return dirs;
}

function cgroupV2Dirs(root: string, memberships: readonly Membership[]): string[] {
  const unified = memberships.find((m) => m.controllers.length === 0);
  if (unified === undefined) return [];
  // Pure v2 mounts at /sys/fs/cgroup; hybrid hosts mount it at /sys/fs/cgroup/unified, usually
  // without the memory and cpu controllers, and then nothing is found there.
  for (const mount of ['sys/fs/cgroup', 'sys/fs/cgroup/unified']) {
    const dir = join(root, mount);
    if (existsSync(join(dir, 'cgroup.controllers'))) return ancestry(dir, unified.path);
  }
  return [];
}

function cgroupV1Dirs(
  root: string,
  memberships: readonly Membership[],
  mountNames: readonly string[],
): string[] {
  const wanted = mountNames[0] as string;
  const membership = memberships.find((m) => m.controllers.includes(wanted));
  if (membership === undefined) return [];
  for (const name of mountNames) {
    const mount = join(root, 'sys/fs/cgroup', name);
    if (existsSync(mount)) return ancestry(mount, membership.path);
  }
  return [];
}

function smallest(
  dirs: readonly string[],
  file: string,
  parse: (text: string) => number | undefined,
  version: string,
): Limit | undefined {
  let best: Limit | undefined;
  for (const dir of dirs) {
    const text = readText(join(dir, file));
    if (text === undefined) continue;
    const value = parse(text);
    if (value === undefined || !Number.isFinite(value) || value <= 0) continue;
    if (best === undefined || value < best.value) {
      best = { value, source: `cgroup ${version} ${join(dir, file)} (${text})` };
    }
  }
  return best;
}

/** `cpu.max` is "<quota> <period>" or "max <period>". */
function cpuMaxV2(text: string): number | undefined {
  const [quota, period] = text.split(/\s+/);
  if (quota === undefined || quota === 'max' || period === undefined) return undefined;
  return Number(quota) / Number(period);
}

function smallestV1Quota(dirs: readonly string[]): Limit | undefined {
  let best: Limit | undefined;
  for (const dir of dirs) {
    const quota = Number(readText(join(dir, 'cpu.cfs_quota_us')));
    const period = Number(readText(join(dir, 'cpu.cfs_period_us')));
    // -1 is "no quota".
    if (!(quota > 0 && period > 0)) continue;
    const value = quota / period;
    if (best === undefined || value < best.value) {
      best = { value, source: `cgroup v1 ${join(dir, 'cpu.cfs_quota_us')} (${quota}/${period})` };
    }
  }
  return best;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
