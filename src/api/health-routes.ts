/**
 * `/livez` and `/readyz` for container health checks and Kubernetes probes. Both are answered
 * without a token: they reveal only whether the manager is up and which processes are not
 * ready yet.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './route-context.ts';
import { Health, NoQuery, NotReady } from './schemas.ts';
import { readiness } from './views.ts';

export function healthRoutes(ctx: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/livez',
      {
        exposeHeadRoute: true,
        config: { public: true },
        schema: {
          summary: 'The manager answers',
          security: [],
          querystring: NoQuery,
          response: { 200: Health },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { status: 'ok' };
      },
    );

    app.get(
      '/readyz',
      {
        exposeHeadRoute: true,
        config: { public: true },
        schema: {
          summary: 'Every enabled long-running process (not scheduled) has all its replicas ready',
          security: [],
          querystring: NoQuery,
          response: { 200: Health, 503: NotReady },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        const result = readiness(ctx.control.desired(), ctx.control.observed());
        if (result.ready) return { status: 'ok' };
        return reply.code(503).send(result.body);
      },
    );
  };
}
