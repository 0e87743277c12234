import { DEFAULT_PHP } from '../../src/desired/normalize.ts';
import type { DesiredState, GlobalSpec, ProcessSpec } from '../../src/desired/types.ts';
import type { InstanceState, ObservedState } from '../../src/observed/types.ts';

export const baseGlobal: GlobalSpec = {
  hooks: { preStart: [], postStart: [], preStop: [], postStop: [] },
  php: DEFAULT_PHP,
  api: { listen: false, socket: false },
  metrics: { listen: false, path: '/metrics' },
  shutdownTimeoutMs: 30_000,
  logFormat: 'text',
  logLevel: 'info',
  restartBackoff: { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 },
  maxLogLineBytes: 16_384,
};

export function proc(name: string, overrides: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    name,
    type: 'longrun',
    critical: false,
    probes: {},
    rollout: { maxUnavailable: 1, maxSurge: 0 },
    postStart: [],
    preStop: [],
    command: ['sleep', '1000'],
    replicas: 1,
    enabled: true,
    restart: 'always',
    env: {},
    dependsOn: {},
    stop: { signal: 'SIGTERM', timeoutMs: 10_000 },
    backoff: baseGlobal.restartBackoff,
    specHash: `${name}-v1`,
    ...overrides,
  };
}

export function desiredOf(
  processes: ProcessSpec[],
  extra: Partial<DesiredState> = {},
): DesiredState {
  return {
    generation: 1,
    global: baseGlobal,
    processes: Object.fromEntries(processes.map((p) => [p.name, p])),
    ...extra,
  };
}

/** A running instance `name-index` started at t=0 with hash `name-v1`. */
export function running(
  name: string,
  index: number,
  overrides: Partial<InstanceState> = {},
): InstanceState {
  return {
    id: `${name}-${index}`,
    process: name,
    index,
    specHash: `${name}-v1`,
    phase: 'running',
    pid: 1000 + index,
    startedAt: 0,
    since: 0,
    restarts: 0,
    consecutiveFailures: 0,
    failureTimes: [],
    jitter: 0,
    probes: {},
    ...overrides,
  };
}

export function observedOf(instances: InstanceState[]): ObservedState {
  return {
    since: 0,
    processes: {},
    instances: Object.fromEntries(instances.map((i) => [i.id, i])),
  };
}
