import { castDraft, type Draft, produce } from 'immer';
import type { ObservedEvent } from './events.ts';
import { nextProbeStatus, unknownProbe } from './probe-status.ts';
import type { InstanceState, ObservedState, RunRecord } from './types.ts';

/** Failure times kept per instance: enough for any sensible `max_restarts`. */
const FAILURE_TIMES_KEPT = 1000;

/**
 * The observed state after one event. Pure: the same state and event always give the same
 * result. Events about an instance we do not know, or about an older pid than the one we track,
 * are ignored: they can arrive late after a forget or a replacement.
 */
export function reduceObserved(state: ObservedState, event: ObservedEvent): ObservedState {
  return produce(state, (draft) => applyEvent(draft, event));
}

/** Several events in order, as one immutable update (a reconcile emits many at once). */
export function reduceObservedAll(
  state: ObservedState,
  events: readonly ObservedEvent[],
): ObservedState {
  if (events.length === 0) return state;
  return produce(state, (draft) => {
    for (const event of events) applyEvent(draft, event);
  });
}

function applyEvent(draft: Draft<ObservedState>, event: ObservedEvent): void {
  if (event.type === 'run-skipped') {
    const record: RunRecord = {
      instance: '',
      scheduledFor: event.scheduledFor,
      finishedAt: event.at,
      code: null,
      signal: null,
      outcome: 'skipped',
      detail: event.reason,
    };
    const proc = processOf(draft, event.process);
    proc.lastFireAt = event.scheduledFor;
    pushHistory(proc.history, record, event.historyLimit);
    return;
  }
  const current = instanceFor(draft, event);
  switch (event.type) {
    case 'spawn-issued': {
      const keep = current !== undefined && current.specHash === event.specHash;
      const crashed = current?.lastExit !== undefined && !current.lastExit.requested;
      const next: InstanceState = {
        id: event.id,
        process: event.process,
        index: event.index,
        specHash: event.specHash,
        phase: 'starting',
        since: event.at,
        restarts: keep ? current.restarts + (crashed ? 1 : 0) : 0,
        consecutiveFailures: keep ? current.consecutiveFailures : 0,
        failureTimes: keep ? current.failureTimes : [],
        jitter: current?.jitter ?? 0,
        probes: {},
        ...(keep && current.lastExit ? { lastExit: current.lastExit } : {}),
        ...(event.scheduledFor === undefined ? {} : { scheduledFor: event.scheduledFor }),
      };
      draft.instances[event.id] = castDraft(next);
      if (event.scheduledFor !== undefined) {
        processOf(draft, event.process).lastFireAt = event.scheduledFor;
      }
      return;
    }
    case 'spawned': {
      if (current?.phase !== 'starting') return;
      current.phase = 'running';
      current.pid = event.pid;
      current.startedAt = event.at;
      current.since = event.at;
      return;
    }
    case 'spawn-failed': {
      if (current?.phase !== 'starting') return;
      current.phase = 'exited';
      current.pid = undefined;
      current.since = event.at;
      current.jitter = event.jitter;
      recordFailure(current, event.at);
      current.lastExit = {
        code: null,
        signal: null,
        at: event.at,
        spawnError: event.error,
        requested: false,
      };
      if (current.scheduledFor !== undefined && event.historyLimit !== undefined) {
        pushHistory(
          processOf(draft, current.process).history,
          {
            instance: current.id,
            scheduledFor: current.scheduledFor,
            finishedAt: event.at,
            code: null,
            signal: null,
            outcome: 'failed',
            detail: event.error,
          },
          event.historyLimit,
        );
      }
      return;
    }
    case 'stop-issued': {
      if (current === undefined || (current.phase !== 'running' && current.phase !== 'starting'))
        return;
      current.phase = 'stopping';
      current.since = event.at;
      current.killAt = event.killAt;
      current.killSent = false;
      current.stopReason = event.reason;
      current.stopCause = event.cause;
      return;
    }
    case 'kill-issued': {
      if (current === undefined || (current.phase !== 'stopping' && current.phase !== 'running'))
        return;
      if (current.phase === 'running') {
        current.phase = 'stopping';
        current.since = event.at;
        current.stopReason = event.reason;
        current.stopCause = 'requested';
      }
      current.killAt = event.at;
      current.killSent = true;
      return;
    }
    case 'exited': {
      if (current === undefined || current.pid !== event.pid || current.phase === 'exited') return;
      const cause = current.phase === 'stopping' ? (current.stopCause ?? 'requested') : undefined;
      const requested = cause === 'requested';
      const ranFor = event.at - (current.startedAt ?? event.at);
      if (requested) {
        current.consecutiveFailures = 0;
      } else {
        if (ranFor >= event.resetAfterMs) current.consecutiveFailures = 0;
        recordFailure(current, event.at);
      }
      current.phase = 'exited';
      current.since = event.at;
      current.jitter = event.jitter;
      current.killAt = undefined;
      current.killSent = undefined;
      current.lastExit = {
        code: event.code,
        signal: event.signal,
        at: event.at,
        requested,
        ...(cause === undefined || cause === 'requested' ? {} : { stopCause: cause }),
      };
      if (current.scheduledFor !== undefined && event.historyLimit !== undefined) {
        pushHistory(
          processOf(draft, current.process).history,
          runRecord(current, event, cause),
          event.historyLimit,
        );
      }
      return;
    }
    case 'probe-result': {
      if (current?.phase !== 'running' || current.pid !== event.pid) return;
      current.probes[event.probe] = nextProbeStatus(
        current.probes[event.probe] ?? unknownProbe,
        event,
        event,
      );
      return;
    }
    case 'retired': {
      if (current === undefined || current.retiredFrom !== undefined) return;
      const key = retiredKey(current.id, current.specHash);
      delete draft.instances[event.id];
      current.id = key;
      current.retiredFrom = event.id;
      draft.instances[key] = current;
      return;
    }
    case 'forgotten': {
      delete draft.instances[event.id];
      return;
    }
  }
}

export function retiredKey(slot: string, specHash: string): string {
  return `${slot}@${specHash}`;
}

/**
 * The instance an event is about. Executors report by slot id; an exit or probe result whose
 * pid is not the slot's current one may belong to an instance retired from that slot.
 */
function instanceFor(
  draft: Draft<ObservedState>,
  event: ObservedEvent,
): Draft<InstanceState> | undefined {
  if (!('id' in event)) return undefined;
  const current = draft.instances[event.id];
  if (!('pid' in event) || current?.pid === event.pid) return current;
  for (const instance of Object.values(draft.instances)) {
    if (instance.retiredFrom === event.id && instance.pid === event.pid) return instance;
  }
  return current;
}

function recordFailure(instance: Draft<InstanceState>, at: number): void {
  instance.consecutiveFailures += 1;
  instance.failureTimes.push(at);
  if (instance.failureTimes.length > FAILURE_TIMES_KEPT) instance.failureTimes.shift();
}

function processOf(draft: Draft<ObservedState>, name: string) {
  draft.processes[name] ??= { history: [] };
  return draft.processes[name];
}

function pushHistory(history: RunRecord[], record: RunRecord, limit: number): void {
  history.push(record);
  while (history.length > Math.max(1, limit)) history.shift();
}

function runRecord(
  instance: Draft<InstanceState>,
  event: Extract<ObservedEvent, { type: 'exited' }>,
  cause: string | undefined,
): RunRecord {
  const outcome =
    cause === 'timeout'
      ? 'timed out'
      : cause === 'requested'
        ? 'stopped'
        : event.code === 0
          ? 'succeeded'
          : 'failed';
  return {
    instance: instance.id,
    scheduledFor: instance.scheduledFor ?? event.at,
    ...(instance.startedAt === undefined ? {} : { startedAt: instance.startedAt }),
    finishedAt: event.at,
    code: event.code,
    signal: event.signal,
    outcome,
  };
}
