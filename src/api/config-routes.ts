/**
 * `/api/v1/plan` and `/api/v1/config`: what the planner decided and why, the effective desired
 * state, a dry run of a configuration text, and a reload of the file.
 */
import type { FastifyInstance } from 'fastify';
import type { Diagnostic } from '../desired/diagnostics.ts';
import { ApiError } from './api-error.ts';
import {
  addJsonParsers,
  addYamlParsers,
  JSON_TYPES,
  type RouteContext,
  refuseBody,
  YAML_TYPES,
} from './route-context.ts';
import {
  ConfigInvalid,
  ConfigView,
  DryRunView,
  errorResponses,
  NoQuery,
  PlanView,
  ReloadView,
  YamlBody,
} from './schemas.ts';
import { configView } from './views.ts';

/** Configuration texts may be longer than the other bodies. */
const YAML_BODY_LIMIT = 256 * 1024;

export function configRoutes(ctx: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { control } = ctx;

    app.get(
      '/api/v1/plan',
      {
        schema: {
          summary: 'The latest plan: actions taken and what is blocked, with reasons',
          querystring: NoQuery,
          response: { 200: PlanView, ...errorResponses(400, 401) },
        },
      },
      async () => ({
        ...control.plan(),
        ...(control.phpFpm?.length ? { phpFpm: control.phpFpm } : {}),
      }),
    );

    app.get(
      '/api/v1/config',
      {
        schema: {
          summary: 'The effective desired state, with the source of API-changeable fields',
          querystring: NoQuery,
          response: { 200: ConfigView, ...errorResponses(400, 401) },
        },
      },
      async () => configView(control, ctx.secrets),
    );

    await app.register(async (scope) => {
      addYamlParsers(scope);
      scope.post<{ Body: string }>(
        '/api/v1/config/plan',
        {
          bodyLimit: YAML_BODY_LIMIT,
          config: { bodyTypes: YAML_TYPES, rateLimit: ctx.rateLimit },
          schema: {
            summary: 'Dry run: what applying this configuration would change and do',
            consumes: YAML_TYPES,
            querystring: NoQuery,
            body: YamlBody,
            response: {
              200: DryRunView,
              400: ConfigInvalid,
              ...errorResponses(401, 413, 415, 429),
            },
          },
        },
        async (request) => {
          if (request.body.trim() === '') {
            throw new ApiError('API_BAD_REQUEST', [
              'expected a YAML document, found an empty body',
            ]);
          }
          const result = control.dryRun(request.body);
          if (!result.ok) throw configInvalid(result.diagnostics);
          return { changes: result.changes, plan: result.plan };
        },
      );
    });

    await app.register(async (scope) => {
      addJsonParsers(scope);
      scope.post(
        '/api/v1/config/reload',
        {
          config: { bodyTypes: JSON_TYPES, rateLimit: ctx.rateLimit },
          schema: {
            summary: 'Read the configuration file again now (as SIGHUP)',
            querystring: NoQuery,
            response: {
              200: ReloadView,
              400: ConfigInvalid,
              ...errorResponses(401, 409, 415, 429),
            },
          },
        },
        async (request) => {
          refuseBody(request);
          const result = await control.reload();
          if (!result.ok) throw configInvalid(result.diagnostics);
          request.log.info(`api: reload (${result.changes.length} changes)`);
          return { changes: result.changes };
        },
      );
    });
  };
}

function configInvalid(diagnostics: readonly Diagnostic[]): ApiError {
  const n = diagnostics.length;
  return new ApiError('CONFIG_INVALID', [`${n} problem${n === 1 ? '' : 's'}`], {
    extra: { diagnostics },
  });
}
