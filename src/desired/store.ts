import { createHash } from 'node:crypto';
import { freeze, produce } from 'immer';
import type { DesiredState, GlobalSpec, ProcessSpec, ShutdownRequest } from './types.ts';

export interface DesiredParts {
  readonly global: GlobalSpec;
  readonly processes: Readonly<Record<string, ProcessSpec>>;
}

/** Fields of a process that the API may change. */
export interface ProcessPatch {
  readonly replicas?: number;
  readonly enabled?: boolean;
}

/** Where the effective value of a field comes from. */
export type FieldSource = 'file' | 'api';

export interface ProcessSources {
  readonly replicas: FieldSource;
  readonly enabled: FieldSource;
  /** Rolling restarts requested through the API since the file last changed the process. */
  readonly restarts: number;
}

interface Overrides {
  replicas?: number;
  enabled?: boolean;
  restarts?: number;
}

export type PatchResult =
  | { readonly ok: true; readonly spec: ProcessSpec }
  | {
      readonly ok: false;
      readonly code: 'PROCESS_NOT_FOUND' | 'REPLICAS_ABOVE_MAX' | 'SHUTTING_DOWN';
      readonly message: string;
    };

type Listener = (state: DesiredState) => void;

/**
 * The one holder of desired state: what the file says, with what the API changed on top.
 * Every accepted change goes through an immer producer and bumps the generation; listeners
 * (the reconcile loop) are told after each change.
 *
 * File and API both write fields of a process; the newest write of a field wins. A reload that
 * changes a field in the file drops the API's value of that field; a reload that leaves the
 * field as it was keeps it. A restart request changes the process's spec hash, which the
 * planner turns into a rolling replacement.
 */
export class DesiredStore {
  private state: DesiredState;
  private file: DesiredParts;
  private overrides: Record<string, Overrides> = {};
  private readonly listeners = new Set<Listener>();

  constructor(initial: DesiredParts) {
    this.file = initial;
    this.state = freeze(
      { generation: 1, global: initial.global, processes: initial.processes },
      true,
    );
  }

  get(): DesiredState {
    return this.state;
  }

  /** The process as the file declares it, before API changes. */
  fileSpec(name: string): ProcessSpec | undefined {
    return this.file.processes[name];
  }

  sources(name: string): ProcessSources {
    const o = this.overrides[name] ?? {};
    return {
      replicas: o.replicas === undefined ? 'file' : 'api',
      enabled: o.enabled === undefined ? 'file' : 'api',
      restarts: o.restarts ?? 0,
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces what came from the file. Ignored once shutdown has begun. */
  applyFile(parts: DesiredParts): void {
    if (this.state.shutdown) return;
    const previous = this.file;
    this.file = parts;
    for (const [name, o] of Object.entries(this.overrides)) {
      const before = previous.processes[name];
      const after = parts.processes[name];
      if (after === undefined) {
        delete this.overrides[name];
        continue;
      }
      // A file edit of a field is newer than the API's write of it.
      if (before?.replicas !== after.replicas) delete o.replicas;
      if (before?.enabled !== after.enabled) delete o.enabled;
      if (before?.specHash !== after.specHash) delete o.restarts;
    }
    this.update((draft) => {
      draft.global = parts.global;
      draft.processes = this.effectiveProcesses();
    });
  }

  /** The desired state `applyFile(parts)` would give, without applying it (a dry run). */
  previewFile(parts: DesiredParts): DesiredState {
    const copy = new DesiredStore(this.file);
    copy.overrides = structuredClone(this.overrides);
    copy.state = this.state;
    copy.applyFile(parts);
    return copy.get();
  }

  /** Changes fields of a declared process; the planner does the rest. */
  patchProcess(name: string, patch: ProcessPatch): PatchResult {
    const refused = this.refuse(name);
    if (refused) return refused;
    const spec = this.file.processes[name]!;
    if (
      patch.replicas !== undefined &&
      spec.maxReplicas !== undefined &&
      patch.replicas > spec.maxReplicas
    ) {
      return {
        ok: false,
        code: 'REPLICAS_ABOVE_MAX',
        message: `processes.${name}.replicas: expected at most ${spec.maxReplicas} (max_replicas), found ${patch.replicas}`,
      };
    }
    const o = this.overridesOf(name);
    if (patch.replicas !== undefined) o.replicas = patch.replicas;
    if (patch.enabled !== undefined) o.enabled = patch.enabled;
    this.update((draft) => {
      draft.processes = this.effectiveProcesses();
    });
    return { ok: true, spec: this.state.processes[name]! };
  }

  /** Asks for every instance of the process to be replaced, in a rolling way. */
  requestRestart(name: string): PatchResult {
    const refused = this.refuse(name);
    if (refused) return refused;
    const o = this.overridesOf(name);
    o.restarts = (o.restarts ?? 0) + 1;
    this.update((draft) => {
      draft.processes = this.effectiveProcesses();
    });
    return { ok: true, spec: this.state.processes[name]! };
  }

  /** Asks for an orderly stop; a second call forces it (kills everything now). */
  requestShutdown(request: {
    cause: string;
    exitCode: number;
    forcedExitCode: number;
    now: number;
  }): void {
    const { cause, exitCode, forcedExitCode, now } = request;
    const current = this.state.shutdown;
    if (current?.force) return;
    const next: ShutdownRequest = current
      ? {
          ...current,
          force: true,
          exitCode: forcedExitCode,
          cause: `${current.cause}, then ${cause}`,
        }
      : { requestedAt: now, cause, force: false, exitCode };
    this.update((draft) => {
      draft.shutdown = next;
    });
  }

  private overridesOf(name: string): Overrides {
    this.overrides[name] ??= {};
    return this.overrides[name];
  }

  private refuse(name: string): Extract<PatchResult, { ok: false }> | undefined {
    if (this.state.shutdown)
      return { ok: false, code: 'SHUTTING_DOWN', message: 'the manager is shutting down' };
    if (this.file.processes[name] === undefined) {
      return {
        ok: false,
        code: 'PROCESS_NOT_FOUND',
        message: `no process named ${JSON.stringify(name)}`,
      };
    }
    return undefined;
  }

  private effectiveProcesses(): Record<string, ProcessSpec> {
    const out: Record<string, ProcessSpec> = {};
    for (const [name, spec] of Object.entries(this.file.processes)) {
      const o = this.overrides[name];
      if (o === undefined || Object.keys(o).length === 0) {
        out[name] = spec;
        continue;
      }
      out[name] = {
        ...spec,
        ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
        ...(o.enabled === undefined ? {} : { enabled: o.enabled }),
        ...(o.restarts ? { specHash: restartedHash(spec.specHash, o.restarts) } : {}),
      };
    }
    return out;
  }

  private update(
    recipe: (draft: { -readonly [K in keyof DesiredState]: DesiredState[K] }) => void,
  ): void {
    const next = produce(this.state, (draft) => {
      recipe(draft);
      draft.generation = this.state.generation + 1;
    });
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener(next);
  }
}

/** A new identity for the same spec, so that the planner replaces every instance. */
function restartedHash(specHash: string, restarts: number): string {
  return createHash('sha256').update(`${specHash}:restart:${restarts}`).digest('hex').slice(0, 12);
}
