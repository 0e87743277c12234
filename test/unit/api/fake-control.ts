/**
 * A ControlPlane over a real DesiredStore and hand-made observed state and plan, for driving
 * the API without a reconcile loop. It records every mutating call.
 */
import type {
  ControlPlane,
  DryRunResult,
  LogLine,
  ManagerEvent,
  ReloadResult,
} from '../../../src/api/control-plane.ts';
import { diffProcesses } from '../../../src/desired/diff.ts';
import { parseDesired } from '../../../src/desired/load.ts';
import { DesiredStore } from '../../../src/desired/store.ts';
import type { ProcessSpec } from '../../../src/desired/types.ts';
import type { ObservedState } from '../../../src/observed/types.ts';
import type { Plan } from '../../../src/reconciler/actions.ts';
import { baseGlobal, observedOf } from '../../helpers/states.ts';

export interface FakeControl extends ControlPlane {
  readonly store: DesiredStore;
  /** Mutating calls, e.g. `patch web {"replicas":3}`, `signal web SIGHUP`, `reload`. */
  readonly calls: string[];
  observedState: ObservedState;
  currentPlan: Plan;
  reloadResult: ReloadResult;
  emit(event: Omit<ManagerEvent, 'seq'>): ManagerEvent;
  emitLog(line: LogLine): void;
  /** Live subscriptions (events + logs). */
  subscribers(): number;
}

export function fakeControl(
  processes: ProcessSpec[],
  options: { observed?: ObservedState; plan?: Plan; recentLimit?: number } = {},
): FakeControl {
  const store = new DesiredStore({
    global: baseGlobal,
    processes: Object.fromEntries(processes.map((p) => [p.name, p])),
  });
  const calls: string[] = [];
  const events: ManagerEvent[] = [];
  const eventListeners = new Set<(e: ManagerEvent) => void>();
  const logListeners = new Map<(l: LogLine) => void, string>();
  const logLines: LogLine[] = [];
  let seq = 0;
  const recentLimit = options.recentLimit ?? 100;

  const control: FakeControl = {
    store,
    calls,
    observedState: options.observed ?? observedOf([]),
    currentPlan: options.plan ?? { actions: [], blocked: [] },
    reloadResult: { ok: true, changes: [] },
    startedAt: 1_700_000_000_000,
    version: '0.0.0-test',
    desired: () => store.get(),
    observed: () => control.observedState,
    plan: () => control.currentPlan,
    fileSpec: (name) => store.fileSpec(name),
    sources: (name) => store.sources(name),
    configFile: () => '/etc/phpeek-pm/phpeek-pm.yaml',
    patchProcess(name, patch) {
      calls.push(`patch ${name} ${JSON.stringify(patch)}`);
      return store.patchProcess(name, patch);
    },
    restartProcess(name) {
      calls.push(`restart ${name}`);
      return store.requestRestart(name);
    },
    signalProcess(name, signal) {
      calls.push(`signal ${name} ${signal}`);
      if (store.get().shutdown) {
        return { ok: false, code: 'SHUTTING_DOWN', message: 'the manager is shutting down' };
      }
      if (store.get().processes[name] === undefined) {
        return { ok: false, code: 'PROCESS_NOT_FOUND', message: `no process named "${name}"` };
      }
      const signalled = Object.values(control.observedState.instances)
        .filter((i) => i.process === name && i.phase === 'running')
        .map((i) => i.id)
        .sort();
      return { ok: true, signalled };
    },
    async reload() {
      calls.push('reload');
      return control.reloadResult;
    },
    dryRun(yaml): DryRunResult {
      const parsed = parseDesired(yaml, 'api', {});
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        changes: diffProcesses(store.get().processes, parsed.processes),
        plan: { actions: [], blocked: [] },
      };
    },
    events: {
      recent: () => events.slice(-recentLimit),
      subscribe(listener) {
        eventListeners.add(listener);
        return () => eventListeners.delete(listener);
      },
    },
    logs: {
      tail: (process, n) => logLines.filter((l) => l.process === process).slice(-n),
      subscribe(process, listener) {
        logListeners.set(listener, process);
        return () => logListeners.delete(listener);
      },
    },
    emit(partial) {
      const event = { ...partial, seq: ++seq };
      events.push(event);
      for (const listener of [...eventListeners]) listener(event);
      return event;
    },
    emitLog(line) {
      logLines.push(line);
      for (const [listener, process] of [...logListeners]) {
        if (process === line.process) listener(line);
      }
    },
    subscribers: () => eventListeners.size + logListeners.size,
  };
  return control;
}
