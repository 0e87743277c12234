/**
 * What the API shows, computed from the control plane's snapshots. Pure: the caller passes the
 * snapshots and `now` (only used for the next fire time of a schedule).
 */
import type { Static } from '@sinclair/typebox';
import type { ProcessSources } from '../desired/store.ts';
import type { DesiredState, ProbeTarget, ProcessSpec } from '../desired/types.ts';
import type {
  ExitRecord,
  InstanceState,
  ObservedState,
  ProbeStatus,
  RunRecord,
} from '../observed/types.ts';
import type { Blocked, Plan } from '../reconciler/actions.ts';
import { isReady } from '../reconciler/outcome.ts';
import { nextRunAt } from '../reconciler/schedule.ts';
import type { ControlPlane, LogLine, ManagerEvent } from './control-plane.ts';
import type {
  ConfigView,
  DesiredView,
  EventView,
  ExitView,
  InstanceView,
  LogLineView,
  NotReady,
  ProbeStatusView,
  ProcessView,
  RunView,
  ScheduleView,
} from './schemas.ts';

export interface Snapshot {
  readonly desired: DesiredState;
  readonly observed: ObservedState;
  readonly plan: Plan;
  readonly sources: (name: string) => ProcessSources;
  readonly now: number;
}

export function snapshotOf(control: ControlPlane, now: number): Snapshot {
  return {
    desired: control.desired(),
    observed: control.observed(),
    plan: control.plan(),
    sources: (name) => control.sources(name),
    now,
  };
}

export function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : iso(ms));

/** Every declared process, by name. */
export function processViews(snapshot: Snapshot): Static<typeof ProcessView>[] {
  const blocked = blockedById(snapshot.plan);
  const byProcess = new Map<string, InstanceState[]>();
  for (const instance of Object.values(snapshot.observed.instances)) {
    const list = byProcess.get(instance.process);
    if (list === undefined) byProcess.set(instance.process, [instance]);
    else list.push(instance);
  }
  return Object.keys(snapshot.desired.processes)
    .sort()
    .map((name) => viewOf(snapshot, name, byProcess.get(name) ?? [], blocked));
}

export function processView(
  snapshot: Snapshot,
  name: string,
): Static<typeof ProcessView> | undefined {
  if (!Object.hasOwn(snapshot.desired.processes, name)) return undefined;
  const instances = Object.values(snapshot.observed.instances).filter((i) => i.process === name);
  return viewOf(snapshot, name, instances, blockedById(snapshot.plan));
}

function blockedById(plan: Plan): Map<string, Blocked> {
  const map = new Map<string, Blocked>();
  for (const b of plan.blocked) if (!map.has(b.id)) map.set(b.id, b);
  return map;
}

function viewOf(
  snapshot: Snapshot,
  name: string,
  observed: readonly InstanceState[],
  blocked: ReadonlyMap<string, Blocked>,
): Static<typeof ProcessView> {
  const spec = snapshot.desired.processes[name]!;
  const sources = snapshot.sources(name);
  const instances = observed.map((i) => instanceView(i, spec, blocked.get(i.id)));
  const seen = new Set(observed.map((i) => i.id));
  // Desired instances that do not exist yet, because the planner holds them back.
  for (const b of blocked.values()) {
    if (b.process === name && !seen.has(b.id)) instances.push(pendingView(b));
  }
  instances.sort((a, b) => a.index - b.index || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    name,
    type: spec.type,
    replicas: spec.replicas,
    replicasSource: sources.replicas,
    maxReplicas: spec.maxReplicas ?? null,
    enabled: spec.enabled,
    enabledSource: sources.enabled,
    running: observed.filter((i) => i.phase === 'running').length,
    ready: observed.filter((i) => isReady(i, spec)).length,
    schedule: scheduleView(snapshot, name, spec),
    instances,
  };
}

function instanceView(
  instance: InstanceState,
  spec: ProcessSpec,
  blocked: Blocked | undefined,
): Static<typeof InstanceView> {
  const probes: Record<string, Static<typeof ProbeStatusView>> = {};
  for (const [kind, status] of Object.entries(instance.probes)) {
    if (status !== undefined) probes[kind] = probeView(status);
  }
  const reason =
    blocked?.reason ?? (instance.phase === 'stopping' ? (instance.stopReason ?? null) : null);
  return {
    id: instance.id,
    index: instance.index,
    phase: instance.phase,
    pid: instance.pid ?? null,
    ready: isReady(instance, spec),
    restarts: instance.restarts,
    startedAt: isoOrNull(instance.startedAt),
    lastExit: instance.lastExit === undefined ? null : exitView(instance.lastExit),
    probes,
    reason,
    ...(blocked?.until === undefined ? {} : { until: iso(blocked.until) }),
    outdated: instance.specHash !== spec.specHash,
    ...(instance.retiredFrom === undefined ? {} : { retiredFrom: instance.retiredFrom }),
    ...(instance.scheduledFor === undefined ? {} : { scheduledFor: iso(instance.scheduledFor) }),
  };
}

function pendingView(blocked: Blocked): Static<typeof InstanceView> {
  const index = Number(/-(\d+)$/.exec(blocked.id)?.[1] ?? Number.NaN);
  return {
    id: blocked.id,
    index: Number.isSafeInteger(index) ? index : -1,
    phase: 'pending',
    pid: null,
    ready: false,
    restarts: 0,
    startedAt: null,
    lastExit: null,
    probes: {},
    reason: blocked.reason,
    ...(blocked.until === undefined ? {} : { until: iso(blocked.until) }),
    outdated: false,
  };
}

function probeView(status: ProbeStatus): Static<typeof ProbeStatusView> {
  return {
    state: status.state,
    successes: status.successes,
    failures: status.failures,
    lastMessage: status.lastMessage,
    lastAt: status.lastAt > 0 ? iso(status.lastAt) : null,
    lastDurationMs: status.lastDurationMs,
  };
}

function exitView(exit: ExitRecord): Static<typeof ExitView> {
  return {
    code: exit.code,
    signal: exit.signal,
    at: iso(exit.at),
    requested: exit.requested,
    ...(exit.spawnError === undefined ? {} : { spawnError: exit.spawnError }),
    ...(exit.stopCause === undefined ? {} : { stopCause: exit.stopCause }),
  };
}

function scheduleView(
  snapshot: Snapshot,
  name: string,
  spec: ProcessSpec,
): Static<typeof ScheduleView> | null {
  const schedule = spec.schedule;
  if (schedule === undefined) return null;
  const observed = snapshot.observed.processes[name];
  let next: number | undefined;
  try {
    next = spec.enabled ? nextRunAt(schedule, snapshot.now) : undefined;
  } catch {
    // Validation rejects expressions croner cannot read; a view never fails over one.
    next = undefined;
  }
  return {
    cron: schedule.cron,
    timezone: schedule.timezone ?? null,
    concurrency: schedule.concurrency,
    timeoutMs: schedule.timeoutMs ?? null,
    lastFireAt: isoOrNull(observed?.lastFireAt),
    nextFireAt: isoOrNull(next),
    history: (observed?.history ?? []).map(runView),
  };
}

function runView(run: RunRecord): Static<typeof RunView> {
  return {
    instance: run.instance,
    scheduledFor: iso(run.scheduledFor),
    startedAt: isoOrNull(run.startedAt),
    finishedAt: iso(run.finishedAt),
    code: run.code,
    signal: run.signal,
    outcome: run.outcome,
    ...(run.detail === undefined ? {} : { detail: run.detail }),
  };
}

/** The desired state of one process as the API changed it (PATCH and action responses). */
export function desiredView(control: ControlPlane, name: string): Static<typeof DesiredView> {
  const desired = control.desired();
  const spec = desired.processes[name]!;
  const sources = control.sources(name);
  return {
    name,
    generation: desired.generation,
    replicas: spec.replicas,
    replicasSource: sources.replicas,
    maxReplicas: spec.maxReplicas ?? null,
    enabled: spec.enabled,
    enabledSource: sources.enabled,
    restartRequests: sources.restarts,
  };
}

/**
 * Ready when every enabled long-running process without a schedule has all its desired
 * replicas ready, and no shutdown has begun.
 */
export function readiness(
  desired: DesiredState,
  observed: ObservedState,
): { ready: true } | { ready: false; body: Static<typeof NotReady> } {
  const reasons: string[] = [];
  const processes: { name: string; replicas: number; ready: number }[] = [];
  if (desired.shutdown !== undefined) reasons.push('shutting down');
  for (const [name, spec] of Object.entries(desired.processes)) {
    if (!spec.enabled || spec.type !== 'longrun' || spec.schedule !== undefined) continue;
    let ready = 0;
    for (let i = 0; i < spec.replicas; i++) {
      if (isReady(observed.instances[`${name}-${i}`], spec)) ready++;
    }
    if (ready < spec.replicas) {
      processes.push({ name, replicas: spec.replicas, ready });
      reasons.push(`${name}: ${ready}/${spec.replicas} ready`);
    }
  }
  if (reasons.length === 0) return { ready: true };
  processes.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { ready: false, body: { status: 'not ready', reasons, processes } };
}

const REDACTED = '<redacted>';

/**
 * The effective desired state with where each API-changeable field came from. Environment
 * values and HTTP probe header values are redacted: they commonly hold credentials, and the API
 * may be reachable by local users who cannot read the children's environment otherwise.
 */
export function configView(
  control: ControlPlane,
  secrets: readonly string[] = [],
): Static<typeof ConfigView> {
  const desired = control.desired();
  const processes: Record<string, Static<typeof ConfigView>['processes'][string]> = {};
  for (const name of Object.keys(desired.processes).sort()) {
    const spec = desired.processes[name]!;
    processes[name] = {
      ...(scrub(redactSpec(spec), secrets) as Record<string, unknown>),
      sources: control.sources(name),
    };
  }
  const { api, ...global } = desired.global;
  const { token, ...apiRest } = api;
  return {
    file: control.configFile(),
    generation: desired.generation,
    shuttingDown: desired.shutdown !== undefined,
    global: {
      ...(scrub(global, secrets) as Record<string, unknown>),
      api: { ...apiRest, ...(token === undefined ? {} : { token: REDACTED }) },
    },
    processes,
  };
}

function redactSpec(spec: ProcessSpec): Record<string, unknown> {
  const probes: Record<string, unknown> = {};
  for (const [kind, probe] of Object.entries(spec.probes)) {
    if (probe !== undefined) probes[kind] = { ...probe, target: redactTarget(probe.target) };
  }
  return {
    ...spec,
    env: Object.fromEntries(Object.keys(spec.env).map((k) => [k, REDACTED])),
    probes,
  };
}

/** Any string holding a secret (e.g. the token interpolated into a command) is redacted. */
function scrub(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return secrets.some((s) => value.includes(s)) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets)]));
  }
  return value;
}

function redactTarget(target: ProbeTarget): ProbeTarget {
  if (target.type !== 'http') return target;
  return {
    ...target,
    headers: Object.fromEntries(Object.keys(target.headers).map((k) => [k, REDACTED])),
  };
}

export function eventView(event: ManagerEvent): Static<typeof EventView> {
  return {
    seq: event.seq,
    at: iso(event.at),
    type: event.type,
    ...(event.process === undefined ? {} : { process: event.process }),
    ...(event.instance === undefined ? {} : { instance: event.instance }),
    message: event.message,
    ...(event.data === undefined ? {} : { data: event.data }),
  };
}

export function logLineView(line: LogLine): Static<typeof LogLineView> {
  return { at: iso(line.at), instance: line.instance, stream: line.stream, message: line.message };
}
