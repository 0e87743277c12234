import type { ObservedEvent } from '../observed/events.ts';
import type { InstanceState } from '../observed/types.ts';
import { type Action, assertNever } from '../reconciler/actions.ts';

/** One log line for an action: what is done to what, and why. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'spawn':
      return `start ${action.id}: ${action.reason}`;
    case 'stop':
      return `stop ${action.id} (pid ${action.pid}) with ${action.signal}, kill after ${action.timeoutMs} ms: ${action.reason}`;
    case 'kill':
      return `kill ${action.id} (pid ${action.pid}): ${action.reason}`;
    case 'forget':
      return `forget ${action.id}: ${action.reason}`;
    case 'retire':
      return `retire ${action.id}: ${action.reason}`;
    case 'skip-run':
      return `${action.process}: ${action.reason}`;
    case 'shutdown':
      return `${action.reason}: shutting down, exit code ${action.code}`;
    case 'exit':
      return action.reason;
    default:
      return assertNever(action);
  }
}

export interface EventLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** A log line for the events worth one (exits, failures, probe flips); undefined otherwise. */
export function describeEvent(
  event: ObservedEvent,
  before: InstanceState | undefined,
  after: InstanceState | undefined,
): EventLine | undefined {
  switch (event.type) {
    case 'spawned':
      return { level: 'debug', message: `${event.id} running (pid ${event.pid})` };
    case 'spawn-failed':
      return { level: 'error', message: `${event.id} failed to start: ${event.error}` };
    case 'exited': {
      const how = event.signal ? `killed by ${event.signal}` : `exited with code ${event.code}`;
      // An exit we asked for (scale down, replace, shutdown) is not a problem.
      const requested = after?.lastExit?.requested === true;
      return {
        level: requested || event.code === 0 ? 'info' : 'warn',
        message: `${event.id} (pid ${event.pid}) ${requested ? 'stopped: ' : ''}${how}`,
      };
    }
    case 'probe-result': {
      const was = before?.probes[event.probe]?.state ?? 'unknown';
      const now = after?.probes[event.probe]?.state ?? 'unknown';
      if (was === now)
        return { level: 'debug', message: `${event.id} ${event.probe} probe: ${event.message}` };
      return {
        level: now === 'failure' ? 'warn' : 'info',
        message: `${event.id} ${event.probe} probe ${now === 'success' ? 'passed' : 'failed'}: ${event.message}`,
      };
    }
    default:
      return undefined;
  }
}
