import type { ProcessSpec } from '../desired/types.ts';
import type { InstanceState, StopCause } from '../observed/types.ts';
import type { PlanBuilder } from './plan-builder.ts';

/**
 * Moves a live instance towards stopped: a stop signal if it runs, SIGKILL once its stop
 * deadline has passed, nothing while a spawn is in flight (it has no pid yet). `deadline`
 * bounds the kill time further (the shutdown timeout).
 */
export function stopInstance(
  out: PlanBuilder,
  instance: InstanceState,
  spec: ProcessSpec | undefined,
  reason: string,
  deadline?: number,
  cause: StopCause = 'requested',
): void {
  const pid = instance.pid;
  if (pid === undefined) return;
  if (instance.phase === 'running') {
    const timeoutMs = spec?.stop.timeoutMs ?? 10_000;
    const bounded =
      deadline === undefined ? timeoutMs : Math.max(0, Math.min(timeoutMs, deadline - out.now));
    out.act({
      kind: 'stop',
      id: instance.id,
      process: instance.process,
      pid,
      signal: spec?.stop.signal ?? 'SIGTERM',
      timeoutMs: bounded,
      cause,
      reason,
    });
    return;
  }
  if (instance.phase === 'stopping') killWhenDue(out, instance, pid);
}

function killWhenDue(out: PlanBuilder, instance: InstanceState, pid: number): void {
  if (instance.killSent) return;
  const killAt = instance.killAt ?? out.now;
  if (out.now >= killAt) {
    out.act({
      kind: 'kill',
      id: instance.id,
      process: instance.process,
      pid,
      reason: `stop timeout passed (${instance.stopReason ?? 'stop'})`,
    });
  } else {
    out.wakeAtLatest(killAt);
  }
}

/** SIGKILL now, whatever the phase, unless already sent. */
export function killInstance(out: PlanBuilder, instance: InstanceState, reason: string): void {
  if (instance.pid === undefined || instance.phase === 'exited' || instance.killSent) return;
  out.act({ kind: 'kill', id: instance.id, process: instance.process, pid: instance.pid, reason });
}

export function isLive(instance: InstanceState): boolean {
  return instance.phase !== 'exited';
}
