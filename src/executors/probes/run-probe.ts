import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { ProbeTarget } from '../../desired/types.ts';
import { type ProbeOutcome, runAttempt } from './attempt.ts';
import { startExecProbe } from './exec-probe.ts';
import { freshConnections, type HttpAgents, startHttpProbe } from './http-probe.ts';
import { startTcpProbe } from './tcp-probe.ts';

export type { ProbeOutcome } from './attempt.ts';

/**
 * Runs one probe attempt and reports its raw outcome; it never throws or rejects. `target`
 * holds per-instance strings already (the caller fills in `${PHPEEK_PM_REPLICA}`). The attempt
 * fails with "timed out after N ms" when it has no outcome within `timeoutMs`, and with
 * "aborted" when `signal` fires; either way what it started (socket, process group) is torn
 * down. Exec probes inherit the manager's environment and working directory.
 */
export type ProbeRunner = (
  target: ProbeTarget,
  timeoutMs: number,
  signal?: AbortSignal,
) => Promise<ProbeOutcome>;

export interface ProbeRunnerOptions {
  /**
   * Reuse HTTP connections across attempts. Off by default, as in Kubernetes (kubernetes/kubernetes#15733): a pooled
   * connection that the server closed while idle makes the next attempt fail, and a server that
   * no longer accepts connections would still pass. Measured CPU is in bench/probes.ts.
   */
  readonly httpKeepAlive?: boolean;
}

export function createProbeRunner(options: ProbeRunnerOptions = {}): ProbeRunner {
  const agents: HttpAgents = options.httpKeepAlive
    ? {
        http: new HttpAgent({ keepAlive: true }),
        https: new HttpsAgent({ keepAlive: true }),
      }
    : freshConnections;
  return (target, timeoutMs, signal) =>
    runAttempt(timeoutMs, signal, (finish) => {
      switch (target.type) {
        case 'exec':
          return startExecProbe(target.command, finish, target);
        case 'http':
          return startHttpProbe(target, finish, agents);
        case 'tcp':
          return startTcpProbe(target.host, target.port, finish);
        default: {
          const unknown: never = target;
          finish(false, `unknown probe type ${(unknown as { type: string }).type}`);
          return () => {};
        }
      }
    });
}

/** The probe runner the manager uses: a fresh connection for every HTTP attempt. */
export const runProbe: ProbeRunner = createProbeRunner();
