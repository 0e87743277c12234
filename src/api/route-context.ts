/**
 * What the route modules share, and the body parsers of their scopes. Each scope removes
 * fastify's default parsers and adds only the types its routes take, so a body of any other
 * type is refused with 415 before a handler runs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.ts';
import type { ControlPlane } from './control-plane.ts';
import type { StreamRegistry } from './sse.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body types a route takes, for the 415 message. */
    bodyTypes?: readonly string[];
    /** Answered without the token (health checks). */
    public?: boolean;
  }
}

export interface RouteContext {
  readonly control: ControlPlane;
  readonly now: () => number;
  /** Per-route settings for @fastify/rate-limit, or false when rate limiting is off. */
  readonly rateLimit: { max: number; timeWindow: number } | false;
  readonly heartbeatMs: number;
  readonly streams: StreamRegistry;
  readonly managerPid: number;
  /** Strings never shown in a response (the token). */
  readonly secrets: readonly string[];
}

export const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

/**
 * `application/json` and `application/merge-patch+json`, parsed by fastify's own JSON parser
 * (which refuses `__proto__` and `constructor.prototype` keys). An empty body reads as no body,
 * so that `curl -X POST -H 'content-type: application/json'` works on the action routes.
 */
export function addJsonParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) {
      done(null, undefined);
      return;
    }
    json(request, body as string, done);
  });
}

export const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml', 'text/plain'];

export function addYamlParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });
}

/** Action routes take no body; `{}` is tolerated because many clients send it by default. */
export function refuseBody(request: FastifyRequest): void {
  const body = request.body;
  if (body === undefined || body === null) return;
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new ApiError('API_BAD_REQUEST', ['expected no body (or {})']);
}
