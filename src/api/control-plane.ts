import type { Diagnostic } from '../desired/diagnostics.ts';
import type { ProcessChange } from '../desired/diff.ts';
import type { PatchResult, ProcessPatch, ProcessSources } from '../desired/store.ts';
import type { DesiredState, ProcessSpec } from '../desired/types.ts';
import type { ObservedState } from '../observed/types.ts';
import type { Plan } from '../reconciler/actions.ts';

/**
 * Everything the API, the metrics and the CLI may see or change, and nothing more. Reads are
 * snapshots; writes change desired state only (the reconcile loop does the rest).
 */
export interface ControlPlane {
  /** Effective desired state (file + API changes). */
  desired(): DesiredState;
  observed(): ObservedState;
  /** The plan of the latest reconcile: what was done and what is blocked, with reasons. */
  plan(): Plan;
  /** The process as the file declares it, before API changes. */
  fileSpec(name: string): ProcessSpec | undefined;
  sources(name: string): ProcessSources;
  /** The configuration file in use. */
  configFile(): string;
  /** When the manager started (epoch ms) and its version. */
  readonly startedAt: number;
  readonly version: string;
  /** How PHP-FPM was auto-tuned at start (src/php/), when it was. */
  readonly phpFpm?: readonly string[];

  patchProcess(name: string, patch: ProcessPatch): PatchResult;
  /** Rolling restart of every instance of the process. */
  restartProcess(name: string): PatchResult;
  /** Sends `signal` to the process group of every running instance; returns their ids. */
  signalProcess(
    name: string,
    signal: NodeJS.Signals,
  ): { ok: true; signalled: string[] } | Extract<PatchResult, { ok: false }>;
  /** Reads the file again now (as SIGHUP). */
  reload(): Promise<ReloadResult>;
  /** What applying this YAML text would do, without applying it. */
  dryRun(yaml: string): DryRunResult;

  readonly events: EventFeed;
  readonly logs: LogFeed;
}

export type ReloadResult =
  | { readonly ok: true; readonly changes: readonly ProcessChange[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export type DryRunResult =
  | { readonly ok: true; readonly changes: readonly ProcessChange[]; readonly plan: Plan }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Something that happened, as the API's event stream shows it. */
export interface ManagerEvent {
  /** Increasing sequence number (for SSE `id:` and resuming with Last-Event-ID). */
  readonly seq: number;
  readonly at: number;
  /** `action` (spawn, stop, ...), `blocked`, `exited`, `spawned`, `spawn-failed`, `probe`, `reload`. */
  readonly type: string;
  readonly process?: string;
  readonly instance?: string;
  readonly message: string;
  /** The action or event as data. */
  readonly data?: unknown;
}

export interface EventFeed {
  /** The most recent events, oldest first (bounded). */
  recent(): readonly ManagerEvent[];
  subscribe(listener: (event: ManagerEvent) => void): () => void;
}

export interface LogLine {
  readonly at: number;
  readonly process: string;
  readonly instance: string;
  readonly stream: 'stdout' | 'stderr';
  readonly message: string;
}

export interface LogFeed {
  /** The last `n` lines of every instance of the process, oldest first (bounded per instance). */
  tail(process: string, n: number): readonly LogLine[];
  subscribe(process: string, listener: (line: LogLine) => void): () => void;
}
