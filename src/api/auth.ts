/**
 * The bearer token. Tokens are compared as SHA-256 digests with `timingSafeEqual`: both sides
 * always have 32 bytes, so neither the content nor the length of the real token shows in the
 * time a comparison takes. The token itself is kept only as its digest.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { PmError } from '../errors.ts';
import { isLoopbackHostHeader } from './loopback.ts';

/** Short tokens can be guessed; 16 characters of a random token is already far from that. */
export const MIN_TOKEN_LENGTH = 16;

/** Visible ASCII without spaces: what can travel in an Authorization header unchanged. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

export type TokenDigest = Buffer;

/** The digest of a usable token; throws API_TOKEN_INVALID (without the token) otherwise. */
export function tokenDigest(token: string): TokenDigest {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new PmError(
      'API_TOKEN_INVALID',
      `at least ${MIN_TOKEN_LENGTH} characters`,
      `${token.length} characters`,
    );
  }
  if (!TOKEN_CHARS.test(token)) {
    throw new PmError(
      'API_TOKEN_INVALID',
      'visible ASCII characters without spaces',
      'spaces, control or non-ASCII characters',
    );
  }
  return digestOf(token);
}

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export type AuthFailure = 'missing' | 'not-bearer' | 'mismatch';

/** Checks an Authorization header value; undefined when it carries the token. */
export function checkBearer(
  header: string | string[] | undefined,
  expected: TokenDigest,
): AuthFailure | undefined {
  if (header === undefined || header === '') return 'missing';
  if (typeof header !== 'string') return 'not-bearer';
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match === null) return 'not-bearer';
  return timingSafeEqual(digestOf(match[1]!), expected) ? undefined : 'mismatch';
}

export function describeAuthFailure(failure: AuthFailure): string {
  switch (failure) {
    case 'missing':
      return 'no Authorization header';
    case 'not-bearer':
      return 'an Authorization header that is not "Bearer <token>"';
    case 'mismatch':
      return 'a token that does not match';
  }
}

/** Whether two tokens are the same, in constant time. */
export function sameToken(a: TokenDigest, b: string): boolean {
  return timingSafeEqual(a, digestOf(b));
}

/** Digest of the token each app was created with, so the listeners judge by the app itself. */
const appTokens = new WeakMap<FastifyInstance, TokenDigest | undefined>();

export function rememberAppToken(app: FastifyInstance, digest: TokenDigest | undefined): void {
  appTokens.set(app, digest);
}

/** The digest of the app's token; undefined when it has none (or is not an API app). */
export function appTokenOf(app: FastifyInstance): TokenDigest | undefined {
  return appTokens.get(app);
}

/**
 * Without a token the API trusts whoever can reach it: loopback or the socket. A web page in a
 * browser on the same machine can reach loopback too, by sending requests to it (cross-site
 * request forgery; browsers add an Origin header) or by making a name of its own resolve to
 * 127.0.0.1 (DNS rebinding; the Host header is then that name). Both are refused; local
 * clients such as curl or the CLI send neither.
 */
export function browserRequestProblem(headers: IncomingHttpHeaders): string | undefined {
  if (headers.origin !== undefined) {
    return 'a request with an Origin header (from a browser) needs the API token';
  }
  const host = headers.host;
  if (host !== undefined && host !== '' && !isLoopbackHostHeader(host)) {
    return 'a request for a Host that is not this machine needs the API token';
  }
  return undefined;
}
