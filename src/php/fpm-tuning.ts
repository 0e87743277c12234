/**
 * PHP-FPM pool settings from the container's limits and a profile. Pure: the limits come in
 * (container-limits.ts reads them), the settings and the reasoning come out, and the reasoning
 * is what `validate` and the start-up log print, so a user can check every number.
 *
 * The pool size is what memory allows, `(limit - reserved) / memory per worker`, capped by
 * what the CPUs can use (`cpus x workers per CPU`: PHP requests mostly wait on I/O, so several
 * workers per CPU keep it busy), and at least 1.
 */

import { DEFAULT_RESERVED_MEMORY_BYTES } from '../desired/normalize.ts';
import { formatSize } from '../desired/size.ts';
import type { FpmProfile } from '../desired/types.ts';
import type { ContainerLimits } from './container-limits.ts';

export type FpmPm = 'static' | 'dynamic' | 'ondemand';

export interface FpmProfileSettings {
  readonly pm: FpmPm;
  /** Typical resident memory of one worker of an application of this kind. */
  readonly workerMemoryBytes: number;
  /** Upper bound of workers per CPU. */
  readonly workersPerCpu: number;
  /** Upper bound of workers whatever the machine (dev: a laptop's container). */
  readonly maxWorkers?: number;
  /** Recycle a worker after this many requests (bounds slow leaks); 0 never. */
  readonly maxRequests: number;
  /** dynamic: idle workers kept, as fractions of max_children. */
  readonly minSpareRatio: number;
  readonly maxSpareRatio: number;
  /** ondemand: an idle worker exits after this many seconds. */
  readonly idleTimeoutSeconds: number;
}

const MiB = 2 ** 20;

/**
 * - dev: a few workers started on demand, whatever the machine;
 * - light: small sites; workers on demand, idle ones exit;
 * - medium: the usual application; a dynamic pool with a moderate spare;
 * - heavy: steady high traffic; a static pool sized to the memory;
 * - bursty: traffic that jumps; a dynamic pool with a large spare ready.
 */
export const FPM_PROFILE_SETTINGS: Readonly<Record<FpmProfile, FpmProfileSettings>> = {
  dev: {
    pm: 'ondemand',
    workerMemoryBytes: 64 * MiB,
    workersPerCpu: 2,
    maxWorkers: 4,
    maxRequests: 500,
    minSpareRatio: 0.25,
    maxSpareRatio: 0.5,
    idleTimeoutSeconds: 10,
  },
  light: {
    pm: 'ondemand',
    workerMemoryBytes: 48 * MiB,
    workersPerCpu: 4,
    maxRequests: 500,
    minSpareRatio: 0.25,
    maxSpareRatio: 0.5,
    idleTimeoutSeconds: 10,
  },
  medium: {
    pm: 'dynamic',
    workerMemoryBytes: 64 * MiB,
    workersPerCpu: 8,
    maxRequests: 1000,
    minSpareRatio: 0.2,
    maxSpareRatio: 0.5,
    idleTimeoutSeconds: 10,
  },
  heavy: {
    pm: 'static',
    workerMemoryBytes: 96 * MiB,
    workersPerCpu: 16,
    maxRequests: 2000,
    minSpareRatio: 0.5,
    maxSpareRatio: 1,
    idleTimeoutSeconds: 10,
  },
  bursty: {
    pm: 'dynamic',
    workerMemoryBytes: 64 * MiB,
    workersPerCpu: 12,
    maxRequests: 1000,
    minSpareRatio: 0.4,
    maxSpareRatio: 0.8,
    idleTimeoutSeconds: 10,
  },
};

export interface FpmTuningInput {
  readonly profile: FpmProfile;
  readonly limits: ContainerLimits;
  readonly workerMemoryBytes?: number;
  readonly reservedMemoryBytes?: number;
}

export interface FpmTuning {
  readonly profile: FpmProfile;
  readonly pm: FpmPm;
  readonly maxChildren: number;
  readonly startServers: number;
  readonly minSpareServers: number;
  readonly maxSpareServers: number;
  readonly maxRequests: number;
  readonly processIdleTimeout: string;
  /** How each number was reached, one sentence a line. */
  readonly reasoning: readonly string[];
  /** Set when the container is too small for the profile. */
  readonly warning?: string;
}

export function fpmTuning(input: FpmTuningInput): FpmTuning {
  const settings = FPM_PROFILE_SETTINGS[input.profile];
  const { memory, cpus } = input.limits;
  const workerMemory = input.workerMemoryBytes ?? settings.workerMemoryBytes;
  const reserved = input.reservedMemoryBytes ?? DEFAULT_RESERVED_MEMORY_BYTES;
  const available = Math.max(0, memory.value - reserved);
  const byMemory = Math.floor(available / workerMemory);
  const byCpu = Math.max(1, Math.floor(cpus.value * settings.workersPerCpu));
  const cap = Math.min(byCpu, settings.maxWorkers ?? Number.POSITIVE_INFINITY);
  const maxChildren = Math.max(1, Math.min(byMemory, cap));

  // php-fpm refuses a pool unless min_spare <= start <= max_spare <= max_children.
  const minSpare = clamp(Math.round(maxChildren * settings.minSpareRatio), 1, maxChildren);
  const maxSpare = clamp(Math.round(maxChildren * settings.maxSpareRatio), minSpare, maxChildren);
  const start = minSpare + Math.floor((maxSpare - minSpare) / 2);

  const cpuText = `${round(cpus.value)} CPU${cpus.value === 1 ? '' : 's'}`;
  const reasoning = [
    `memory ${formatSize(memory.value)} from ${memory.source}; ${cpuText} from ${cpus.source}`,
    `by memory: (${formatSize(memory.value)} - ${formatSize(reserved)} reserved) / ${formatSize(workerMemory)} per worker = ${byMemory}`,
    `by CPU: ${cpuText} x ${settings.workersPerCpu} per CPU = ${byCpu}${
      settings.maxWorkers === undefined
        ? ''
        : `, at most ${settings.maxWorkers} for ${input.profile}`
    }`,
    `pm = ${settings.pm}, pm.max_children = ${maxChildren}, pm.start_servers = ${start}, pm.min_spare_servers = ${minSpare}, pm.max_spare_servers = ${maxSpare}, pm.max_requests = ${settings.maxRequests}`,
  ];
  return {
    profile: input.profile,
    pm: settings.pm,
    maxChildren,
    startServers: start,
    minSpareServers: minSpare,
    maxSpareServers: maxSpare,
    maxRequests: settings.maxRequests,
    processIdleTimeout: `${settings.idleTimeoutSeconds}s`,
    reasoning,
    ...(byMemory >= 1
      ? {}
      : {
          warning: `${formatSize(memory.value)} leaves no room for a ${formatSize(workerMemory)} worker after ${formatSize(reserved)} reserved: running 1 worker`,
        }),
  };
}

/** The variables a pool configuration reads: `pm.max_children = ${PHP_FPM_MAX_CHILDREN}`. */
export function fpmTuningEnv(tuning: FpmTuning): Record<string, string> {
  return {
    PHP_FPM_PM: tuning.pm,
    PHP_FPM_MAX_CHILDREN: String(tuning.maxChildren),
    PHP_FPM_START_SERVERS: String(tuning.startServers),
    PHP_FPM_MIN_SPARE_SERVERS: String(tuning.minSpareServers),
    PHP_FPM_MAX_SPARE_SERVERS: String(tuning.maxSpareServers),
    PHP_FPM_MAX_REQUESTS: String(tuning.maxRequests),
    PHP_FPM_PROCESS_IDLE_TIMEOUT: tuning.processIdleTimeout,
  };
}

function clamp(n: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, n));
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}
