import type { ControlPlane, DryRunResult, ReloadResult } from '../api/control-plane.ts';
import { diffProcesses } from '../desired/diff.ts';
import { parseDesired } from '../desired/load.ts';
import type { ConfigReloader } from '../desired/reloader.ts';
import type { DesiredStore } from '../desired/store.ts';
import { signalGroup } from '../executors/process-executor.ts';
import type { EventHub } from '../logs/event-hub.ts';
import type { LogBuffer } from '../logs/log-buffer.ts';
import type { ReconcileLoop } from '../reconciler/loop.ts';
import { plan } from '../reconciler/plan.ts';

export interface ControlPlaneParts {
  readonly store: DesiredStore;
  readonly loop: ReconcileLoop;
  readonly reloader: ConfigReloader;
  readonly events: EventHub;
  readonly logs: LogBuffer;
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  readonly version: string;
  readonly phpFpm?: readonly string[];
}

/**
 * The ControlPlane of a running manager: reads are snapshots of the store and the loop; writes
 * go to the desired-state store only, and the reconcile loop does the rest.
 */
export function createControlPlane(parts: ControlPlaneParts): ControlPlane {
  const { store, loop, reloader } = parts;
  const startedAt = parts.now();
  return {
    startedAt,
    version: parts.version,
    ...(parts.phpFpm === undefined ? {} : { phpFpm: parts.phpFpm }),
    events: parts.events,
    logs: parts.logs,
    desired: () => store.get(),
    observed: () => loop.observedState(),
    plan: () => loop.latestPlan(),
    fileSpec: (name) => store.fileSpec(name),
    sources: (name) => store.sources(name),
    configFile: () => parts.file,
    patchProcess: (name, patch) => store.patchProcess(name, patch),
    restartProcess: (name) => store.requestRestart(name),
    signalProcess(name, signal) {
      if (store.get().processes[name] === undefined) {
        return {
          ok: false,
          code: 'PROCESS_NOT_FOUND',
          message: `no process named ${JSON.stringify(name)}`,
        };
      }
      const signalled: string[] = [];
      for (const instance of Object.values(loop.observedState().instances)) {
        if (instance.process !== name || instance.phase !== 'running' || instance.pid === undefined)
          continue;
        if (signalGroup(instance.pid, signal)) signalled.push(instance.id);
      }
      return { ok: true, signalled };
    },
    async reload(): Promise<ReloadResult> {
      const before = store.get().processes;
      const result = await reloader.reloadNow('reload requested through the API');
      if (!result.ok) return { ok: false, diagnostics: result.diagnostics };
      return { ok: true, changes: diffProcesses(before, result.processes) };
    },
    dryRun(yaml: string): DryRunResult {
      const result = parseDesired(yaml, 'request body', parts.env);
      if (!result.ok) return { ok: false, diagnostics: result.diagnostics };
      const next = store.previewFile(result);
      return {
        ok: true,
        changes: diffProcesses(store.get().processes, next.processes),
        plan: plan(next, loop.observedState(), parts.now()),
      };
    },
  };
}
