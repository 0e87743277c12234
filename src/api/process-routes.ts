/**
 * `/api/v1/processes`: what runs and why, and the changes the API may make (replicas, enabled,
 * rolling restart, a signal). Changes go through the control plane as desired state only.
 */
import type { FastifyInstance } from 'fastify';
import { toSignalName } from '../desired/signal.ts';
import type { PatchResult } from '../desired/store.ts';
import { ApiError } from './api-error.ts';
import type { ControlPlane } from './control-plane.ts';
import { addJsonParsers, JSON_TYPES, type RouteContext, refuseBody } from './route-context.ts';
import {
  DesiredView,
  errorResponses,
  NameParams,
  NoQuery,
  ProcessList,
  ProcessPatchBody,
  ProcessView,
  SignalBody,
  SignalResult,
} from './schemas.ts';
import { desiredView, processView, processViews, snapshotOf } from './views.ts';

/**
 * Signals that stop (freeze) a process: it would look alive to the manager and its probes
 * while doing nothing, and a later SIGTERM would wait for a SIGCONT. SIGKILL is allowed: it is
 * how an operator ends a hung instance now, and the manager then restarts it per its policy.
 */
export const REFUSED_SIGNALS: ReadonlySet<string> = new Set([
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
]);

type Named = { Params: { name: string } };

export function processRoutes(ctx: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { control } = ctx;
    // Only JSON bodies in this scope: other types are answered 415 by fastify.
    addJsonParsers(app);

    app.get(
      '/api/v1/processes',
      {
        schema: {
          summary: 'Every process: desired and observed state, instances and why they wait',
          querystring: NoQuery,
          response: { 200: ProcessList, ...errorResponses(400, 401) },
        },
      },
      async () => ({ processes: processViews(snapshotOf(control, ctx.now())) }),
    );

    app.get<Named>(
      '/api/v1/processes/:name',
      {
        schema: {
          summary: 'One process',
          params: NameParams,
          querystring: NoQuery,
          response: { 200: ProcessView, ...errorResponses(400, 401, 404) },
        },
      },
      async (request) => {
        const view = processView(snapshotOf(control, ctx.now()), request.params.name);
        if (view === undefined) throw processNotFound(request.params.name);
        return view;
      },
    );

    app.patch<Named & { Body: ProcessPatchBody }>(
      '/api/v1/processes/:name',
      {
        config: { bodyTypes: JSON_TYPES, rateLimit: ctx.rateLimit },
        schema: {
          summary: 'Change replicas and/or enabled (JSON merge patch)',
          description: 'The new values are desired state: the reconcile loop does the rest.',
          consumes: JSON_TYPES,
          params: NameParams,
          querystring: NoQuery,
          body: ProcessPatchBody,
          response: { 200: DesiredView, ...errorResponses(400, 401, 404, 409, 413, 415, 422, 429) },
        },
      },
      async (request) => {
        const { name } = request.params;
        const patch = request.body;
        const result = control.patchProcess(name, patch);
        if (!result.ok) throw patchFailure(result, name, control, patch.replicas);
        const fields = Object.entries(patch).map(([k, v]) => `${k}=${v}`);
        request.log.info({ process: name, patch }, `api: ${name} set ${fields.join(' ')}`);
        return desiredView(control, name);
      },
    );

    const action = (
      verb: 'restart' | 'stop' | 'start',
      summary: string,
      run: (name: string) => PatchResult,
    ) =>
      app.post<Named>(
        `/api/v1/processes/:name/${verb}`,
        {
          config: { bodyTypes: JSON_TYPES, rateLimit: ctx.rateLimit },
          schema: {
            summary,
            params: NameParams,
            querystring: NoQuery,
            response: { 202: DesiredView, ...errorResponses(400, 401, 404, 409, 415, 429) },
          },
        },
        async (request, reply) => {
          refuseBody(request);
          const { name } = request.params;
          const result = run(name);
          if (!result.ok) throw patchFailure(result, name, control);
          request.log.info({ process: name }, `api: ${verb} ${name}`);
          return reply.code(202).send(desiredView(control, name));
        },
      );
    action('restart', 'Rolling restart of every instance', (n) => control.restartProcess(n));
    action('stop', 'Stop the process (enabled=false)', (n) =>
      control.patchProcess(n, { enabled: false }),
    );
    action('start', 'Start the process (enabled=true)', (n) =>
      control.patchProcess(n, { enabled: true }),
    );

    app.post<Named & { Body: SignalBody }>(
      '/api/v1/processes/:name/signal',
      {
        config: { bodyTypes: JSON_TYPES, rateLimit: ctx.rateLimit },
        schema: {
          summary: 'Send a signal to the process group of every running instance',
          description: `Any signal but ${[...REFUSED_SIGNALS].join(', ')}, which would freeze a process behind the manager's back.`,
          consumes: JSON_TYPES,
          params: NameParams,
          querystring: NoQuery,
          body: SignalBody,
          response: { 200: SignalResult, ...errorResponses(400, 401, 404, 409, 415, 422, 429) },
        },
      },
      async (request) => {
        const { name } = request.params;
        const signal = toSignalName(request.body.signal);
        if (REFUSED_SIGNALS.has(signal)) {
          throw new ApiError(
            'API_SIGNAL_REFUSED',
            [signal, 'it would freeze the process while the manager thinks it runs'],
            { path: 'signal' },
          );
        }
        refuseManagerPid(control, name, ctx.managerPid);
        const result = control.signalProcess(name, signal);
        if (!result.ok) throw patchFailure(result, name, control);
        request.log.info(
          { process: name, signal, instances: result.signalled },
          `api: ${signal} to ${name} (${result.signalled.length} instances)`,
        );
        return { process: name, signal, signalled: result.signalled };
      },
    );
  };
}

function processNotFound(name: string): ApiError {
  return new ApiError('API_PROCESS_NOT_FOUND', [JSON.stringify(name)], { path: 'name' });
}

function patchFailure(
  result: Extract<PatchResult, { ok: false }>,
  name: string,
  control: ControlPlane,
  replicas?: number,
): ApiError {
  switch (result.code) {
    case 'PROCESS_NOT_FOUND':
      return processNotFound(name);
    case 'SHUTTING_DOWN':
      return new ApiError('API_SHUTTING_DOWN');
    case 'REPLICAS_ABOVE_MAX':
      return new ApiError(
        'API_REPLICAS_ABOVE_MAX',
        [control.fileSpec(name)?.maxReplicas ?? '?', replicas ?? '?'],
        { path: 'replicas' },
      );
  }
}

/**
 * The control plane signals process groups by pid. A pid of 0, 1 or the manager's own would
 * signal the manager itself (or every process); this never comes from a sane observed state,
 * and is refused here so that no request can make it happen.
 */
function refuseManagerPid(control: ControlPlane, name: string, managerPid: number): void {
  for (const instance of Object.values(control.observed().instances)) {
    if (instance.process !== name || instance.pid === undefined) continue;
    if (instance.pid <= 1 || instance.pid === managerPid) {
      throw new ApiError('API_SIGNAL_REFUSED', [
        'a signal',
        `instance ${instance.id} has pid ${instance.pid}, which would reach the manager itself`,
      ]);
    }
  }
}
