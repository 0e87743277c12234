/**
 * How every failure reads on the wire: `{code, message, path?}`, the code from the one registry
 * (src/errors.ts) and the HTTP status with it. Fastify's own errors (body parsing, routing,
 * validation) are turned into the same shape here; anything unexpected is a 500 with a fixed
 * message, so that no stack trace or internal detail ever reaches a client.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, PmError } from '../errors.ts';

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  /** The field or parameter at fault, e.g. `replicas`. */
  readonly path?: string;
}

export class ApiError extends PmError {
  /** Read by fastify and by the rate limiter: the HTTP status. */
  readonly statusCode: number;
  readonly path: string | undefined;
  /** Extra members of the JSON body (e.g. `diagnostics`). */
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    args: readonly unknown[] = [],
    options: { path?: string; extra?: Record<string, unknown> & { code?: never } } = {},
  ) {
    super(code, ...args);
    this.name = 'ApiError';
    this.statusCode = this.status;
    this.path = options.path || undefined;
    this.extra = options.extra;
  }

  body(): ErrorBody & Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.path === undefined ? {} : { path: this.path }),
      ...this.extra,
    };
  }
}

/** What a request body may be, per route (for the 415 message). */
export function expectedTypesOf(request: FastifyRequest): string {
  const types = (request.routeOptions.config as { bodyTypes?: readonly string[] }).bodyTypes;
  return types === undefined || types.length === 0 ? 'none' : types.join(' or ');
}

/** Client-controlled text in a message: bounded and on one line. */
export function quoted(text: unknown, max = 80): string {
  const s = String(text ?? '');
  return JSON.stringify(s.length > max ? `${s.slice(0, max - 3)}...` : s);
}

interface FastifyLikeError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

/** Any error thrown while handling `request` as the API error it answers with. */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as FastifyLikeError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('API_PAYLOAD_TOO_LARGE', [request.routeOptions.bodyLimit ?? '?']);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('API_UNSUPPORTED_MEDIA_TYPE', [
        expectedTypesOf(request),
        quoted(request.headers['content-type'] ?? 'no Content-Type'),
      ]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('API_MALFORMED_BODY', ['empty body with a JSON content type']);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('API_MALFORMED_BODY', ['not valid JSON']);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('API_BAD_REQUEST', ['the body size does not match Content-Length']);
    case 'FST_ERR_BAD_URL':
      return new ApiError('API_BAD_REQUEST', ['malformed URL (bad percent-encoding)']);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError('API_BAD_REQUEST', ['a URL path segment is too long']);
    case 'FST_ERR_VALIDATION':
      return new ApiError('API_BAD_REQUEST', [String(e.message ?? 'invalid request')]);
    case 'FST_ERR_NOT_FOUND':
      return notFound(request);
  }
  // Body parsers (JSON syntax, prototype poisoning) throw SyntaxErrors marked 400.
  if (status === 400 && error instanceof SyntaxError) {
    return new ApiError('API_MALFORMED_BODY', [bodySyntaxMessage(error.message)]);
  }
  if (status === 404) return notFound(request);
  if (status === 413) return toApiError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' }, request);
  if (status === 415) return toApiError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }, request);
  if (status >= 400 && status < 500) {
    return new ApiError('API_BAD_REQUEST', ['the request could not be read']);
  }
  return new ApiError('API_INTERNAL');
}

export function notFound(request: FastifyRequest): ApiError {
  return new ApiError('API_NOT_FOUND', [request.method, quoted(request.url.split('?')[0], 120)]);
}

/** JSON.parse's message, without echoing a long stretch of the body back. */
function bodySyntaxMessage(message: string): string {
  if (/prototype/i.test(message)) return 'forbidden key __proto__ or constructor.prototype';
  const short = message.length > 120 ? `${message.slice(0, 117)}...` : message;
  return `not valid JSON (${short})`;
}

/** Writes the error as JSON; never throws, never includes a stack. */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.code === 'API_UNAUTHORIZED')
    reply.header('www-authenticate', 'Bearer realm="phpeek-pm"');
  return reply
    .code(error.statusCode)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(error.body()));
}
