import type { DesiredState, GlobalHooks, HookSpec } from '../desired/types.ts';
import { type HookContext, type HookOutcome, runHooks } from '../executors/hooks.ts';
import type { ObservedState } from '../observed/types.ts';
import { desiredReplicas, instanceId } from '../reconciler/instance-ids.ts';

type Context = Omit<HookContext, 'name' | 'signal' | 'deadlineMs'>;

/**
 * The manager's own lifecycle hooks: `pre_start` before any process, `post_start` once every
 * long-running process has all its replicas started, `pre_stop` when shutdown begins and
 * `post_stop` after everything has stopped.
 */
export class GlobalHookRunner {
  private postStartFired = false;
  private preStopAbort: AbortController | undefined;

  constructor(
    private readonly hooks: () => GlobalHooks,
    private readonly context: Context,
  ) {}

  preStart(): Promise<HookOutcome> {
    return this.run('pre_start', this.hooks().preStart);
  }

  /** Fires `post_start` the first time every enabled long-running process has started. */
  afterReconcile(desired: DesiredState, observed: ObservedState): void {
    if (this.postStartFired || desired.shutdown || this.hooks().postStart.length === 0) return;
    for (const spec of Object.values(desired.processes)) {
      if (!spec.enabled || spec.type !== 'longrun' || spec.schedule !== undefined) continue;
      for (let i = 0; i < desiredReplicas(spec); i++) {
        const instance = observed.instances[instanceId(spec.name, i)];
        if (instance?.specHash !== spec.specHash || instance.startedAt === undefined) return;
      }
    }
    this.postStartFired = true;
    void this.run('post_start', this.hooks().postStart).then((outcome) => {
      if (!outcome.ok) this.context.log('error', outcome.error);
    });
  }

  /** Runs `pre_stop` within `deadlineMs`; `abortPreStop()` cuts it short (a second signal). */
  async preStop(deadlineMs: number): Promise<void> {
    const hooks = this.hooks().preStop;
    if (hooks.length === 0) return;
    this.preStopAbort = new AbortController();
    const outcome = await this.run('pre_stop', hooks, {
      signal: this.preStopAbort.signal,
      deadlineMs,
    });
    if (!outcome.ok) this.context.log('warn', `${outcome.error}; stopping anyway`);
  }

  abortPreStop(): void {
    this.preStopAbort?.abort();
  }

  async postStop(deadlineMs: number): Promise<void> {
    const outcome = await this.run('post_stop', this.hooks().postStop, { deadlineMs });
    if (!outcome.ok) this.context.log('warn', outcome.error);
  }

  private run(
    name: string,
    hooks: readonly HookSpec[],
    extra: Pick<HookContext, 'signal' | 'deadlineMs'> = {},
  ): Promise<HookOutcome> {
    if (hooks.length === 0) return Promise.resolve({ ok: true });
    return runHooks(hooks, { ...this.context, name, ...extra });
  }
}
