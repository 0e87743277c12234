/**
 * The management API as a fastify instance that does not listen (see listeners.ts), so tests
 * drive it with `app.inject()`. It reads the control plane's snapshots and changes desired
 * state through it; it never touches the store or the loop.
 */

import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ApiError, notFound, sendApiError, toApiError } from './api-error.ts';
import {
  browserRequestProblem,
  checkBearer,
  describeAuthFailure,
  rememberAppToken,
  tokenDigest,
} from './auth.ts';
import { configRoutes } from './config-routes.ts';
import type { ControlPlane } from './control-plane.ts';
import { healthRoutes } from './health-routes.ts';
import { processRoutes } from './process-routes.ts';
import type { RouteContext } from './route-context.ts';
import type { StreamRegistry } from './sse.ts';
import { streamRoutes } from './stream-routes.ts';
import { typeboxValidatorCompiler } from './validation.ts';

export {
  type ApiListeners,
  type ApiListenOptions,
  DEFAULT_LISTEN,
  DEFAULT_SOCKET,
  startApiListeners,
} from './listeners.ts';

export interface ApiServerOptions {
  readonly control: ControlPlane;
  /**
   * When set, every `/api/v1` route needs `Authorization: Bearer <token>`. At least 16 visible
   * ASCII characters; undefined for none (then only loopback and the Unix socket may listen).
   */
  readonly token?: string;
  /** The manager's logger (a child `{component: "api"}` is used); false or absent: silent. */
  readonly logger?: FastifyBaseLogger | false;
  /** Limit of mutating requests (PATCH, POST) per client; default 60 per minute. */
  readonly rateLimit?: { readonly max?: number; readonly timeWindowMs?: number } | false;
  /** Period of the comment lines that keep event streams open; default 15 s. */
  readonly heartbeatMs?: number;
  /** The clock of the views (next fire of a schedule); default Date.now. */
  readonly now?: () => number;
  /** The pid no signal may reach; default process.pid. */
  readonly managerPid?: number;
}

/** Every body but a configuration text. */
export const BODY_LIMIT = 64 * 1024;
export const DEFAULT_RATE_LIMIT = { max: 60, timeWindowMs: 60_000 } as const;
const DEFAULT_HEARTBEAT_MS = 15_000;

export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const digest = options.token === undefined ? undefined : tokenDigest(options.token);
  const logger = options.logger ? options.logger.child({ component: 'api' }) : undefined;
  const app = Fastify({
    ...(logger === undefined ? { logger: false } : { loggerInstance: logger }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100 },
    exposeHeadRoutes: false,
    // The listeners stop accepting before the app closes; a request already in flight is
    // answered normally rather than with fastify's own 503 body.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      sendApiError(reply, toApiError(error, request));
    },
  }) as unknown as FastifyInstance;
  rememberAppToken(app, digest);

  const streams: StreamRegistry = new Set();
  const limit =
    options.rateLimit === false
      ? false
      : {
          max: options.rateLimit?.max ?? DEFAULT_RATE_LIMIT.max,
          timeWindowMs: options.rateLimit?.timeWindowMs ?? DEFAULT_RATE_LIMIT.timeWindowMs,
        };
  const ctx: RouteContext = {
    control: options.control,
    now: options.now ?? Date.now,
    rateLimit: limit === false ? false : { max: limit.max, timeWindow: limit.timeWindowMs },
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    streams,
    managerPid: options.managerPid ?? process.pid,
    secrets: options.token === undefined ? [] : [options.token],
  };

  app.setValidatorCompiler(typeboxValidatorCompiler);
  // Response schemas document the API; they never filter what is sent.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error, request);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'api: internal error');
    return sendApiError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => sendApiError(reply, notFound(request)));

  // Every route needs the token but those marked public (the health checks). Unknown routes
  // need it too, so that an anonymous client learns nothing about what exists. Without a
  // token, local clients are served, never a browser (see browserRequestProblem).
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return;
    if (digest === undefined) {
      const problem = browserRequestProblem(request.headers);
      if (problem !== undefined) throw new ApiError('API_FORBIDDEN', [problem]);
      return;
    }
    const failure = checkBearer(request.headers.authorization, digest);
    if (failure !== undefined) {
      throw new ApiError('API_UNAUTHORIZED', [describeAuthFailure(failure)]);
    }
  });

  app.addHook('onClose', async () => {
    for (const stream of [...streams]) stream.end();
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'phpeek-pm management API',
        version: options.control.version,
        description:
          'Errors are JSON {code, message, path?}; codes are stable. Changes are desired state: the reconcile loop carries them out.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(digest === undefined ? {} : { security: [{ bearer: [] }] }),
    },
  });
  if (limit !== false) {
    app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => request.ip ?? 'unix-socket',
      errorResponseBuilder: (_request, context) =>
        new ApiError('API_RATE_LIMITED', [context.max, context.after, retryIn(context.ttl)]),
    });
  }

  app.register(healthRoutes(ctx));
  app.register(processRoutes(ctx));
  app.register(configRoutes(ctx));
  app.register(streamRoutes(ctx));
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

function retryIn(ttlMs: number): string {
  return `${Math.max(1, Math.ceil(ttlMs / 1000))} s`;
}
