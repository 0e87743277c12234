import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type ApiServerOptions, createApiServer } from '../../../src/api/server.ts';
import { errorCodes } from '../../../src/errors.ts';
import { observedOf, proc, running } from '../../helpers/states.ts';
import { type FakeControl, fakeControl } from './fake-control.ts';

/** A parsed JSON answer, read loosely by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field with assert.
export type Json = Record<string, any>;

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const JSON_TYPE = { 'content-type': 'application/json' };

/** web (2 of max 5 replicas, one running) and db (one running). */
export function standardControl(): FakeControl {
  return fakeControl([proc('web', { replicas: 2, maxReplicas: 5, dependsOn: {} }), proc('db')], {
    observed: observedOf([running('web', 0, { pid: 4242 }), running('db', 0, { pid: 4000 })]),
    plan: {
      actions: [],
      blocked: [
        { id: 'web-1', process: 'web', reason: 'waiting for db: process_healthy (0/1 ready)' },
      ],
    },
  });
}

export function apiOf(
  control: FakeControl,
  options: Partial<ApiServerOptions> = {},
): FastifyInstance {
  return createApiServer({ control, rateLimit: false, now: () => 0, ...options });
}

export function body(res: LightMyRequestResponse): Record<string, unknown> {
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** Asserts an error answer: status, JSON `{code, message, path?}`, a registered code. */
export function assertError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  path?: string,
): Record<string, unknown> {
  assert.equal(res.statusCode, status, res.body);
  const json = body(res);
  assert.equal(json['code'], code);
  assert.ok(code in errorCodes, `${code} is registered`);
  assert.equal(errorCodes[code as keyof typeof errorCodes].status, status);
  assert.equal(typeof json['message'], 'string');
  assert.equal(json['path'], path);
  assert.equal(json['stack'], undefined);
  return json;
}
