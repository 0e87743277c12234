import { freeze, produce } from 'immer';
import type { DesiredState, GlobalSpec, ProcessSpec, ShutdownRequest } from './types.ts';

export interface DesiredParts {
  readonly global: GlobalSpec;
  readonly processes: Readonly<Record<string, ProcessSpec>>;
}

type Listener = (state: DesiredState) => void;

/**
 * The one holder of desired state. Every accepted change goes through an immer producer and
 * bumps the generation; listeners (the reconcile loop) are told after each change.
 */
export class DesiredStore {
  private state: DesiredState;
  private readonly listeners = new Set<Listener>();

  constructor(initial: DesiredParts) {
    this.state = freeze(
      { generation: 1, global: initial.global, processes: initial.processes },
      true,
    );
  }

  get(): DesiredState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces what came from the file. Ignored once shutdown has begun. */
  applyFile(parts: DesiredParts): void {
    if (this.state.shutdown) return;
    this.update((draft) => {
      draft.global = parts.global;
      draft.processes = parts.processes;
    });
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
