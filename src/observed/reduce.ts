import { type Draft, produce } from 'immer';
import type { ObservedEvent } from './events.ts';
import type { InstanceState, ObservedState } from './types.ts';

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
  const current = draft.instances[event.id];
  switch (event.type) {
    case 'spawn-issued': {
      const replacing = current !== undefined && current.specHash !== event.specHash;
      const crashed = current?.lastExit !== undefined && !current.lastExit.requested;
      const next: InstanceState = {
        id: event.id,
        process: event.process,
        index: event.index,
        specHash: event.specHash,
        phase: 'starting',
        since: event.at,
        restarts: current && !replacing ? current.restarts + (crashed ? 1 : 0) : 0,
        consecutiveFailures: current && !replacing ? current.consecutiveFailures : 0,
        jitter: current?.jitter ?? 0,
        ...(current?.lastExit && !replacing ? { lastExit: current.lastExit } : {}),
      };
      draft.instances[event.id] = next;
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
      current.consecutiveFailures += 1;
      current.jitter = event.jitter;
      current.lastExit = {
        code: null,
        signal: null,
        at: event.at,
        spawnError: event.error,
        requested: false,
      };
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
      return;
    }
    case 'kill-issued': {
      if (current === undefined || (current.phase !== 'stopping' && current.phase !== 'running'))
        return;
      if (current.phase === 'running') {
        current.phase = 'stopping';
        current.since = event.at;
        current.stopReason = event.reason;
      }
      current.killAt = event.at;
      current.killSent = true;
      return;
    }
    case 'exited': {
      if (current === undefined || current.pid !== event.pid || current.phase === 'exited') return;
      const requested = current.phase === 'stopping';
      const ranFor = event.at - (current.startedAt ?? event.at);
      if (!requested) {
        current.consecutiveFailures =
          ranFor >= event.resetAfterMs ? 1 : current.consecutiveFailures + 1;
      } else {
        current.consecutiveFailures = 0;
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
      };
      return;
    }
    case 'forgotten': {
      delete draft.instances[event.id];
      return;
    }
  }
}
