import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import * as schemas from '../../../src/api/schemas.ts';
import { observedOf, proc, running } from '../../helpers/states.ts';
import {
  AUTH,
  apiOf,
  assertError,
  body,
  JSON_TYPE,
  type Json,
  standardControl,
  TOKEN,
} from './api-helpers.ts';
import { fakeControl } from './fake-control.ts';

FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));

describe('unknown routes and malformed requests', () => {
  it('an unknown route or method is 404 JSON', async () => {
    const app = apiOf(standardControl());
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', '/api/v2/processes'],
      ['DELETE', '/api/v1/processes/web'],
      ['PUT', '/api/v1/processes/web'],
      ['GET', '/api/v1/processes/web/restart'],
      ['OPTIONS', '/api/v1/processes'],
      ['GET', '//api/v1/processes'],
      ['GET', '/API/V1/PROCESSES'],
    ] as const) {
      assertError(await app.inject({ method, url }), 404, 'API_NOT_FOUND');
    }
    // HEAD exists only for the health checks (an event stream has no end to HEAD).
    assert.equal((await app.inject({ method: 'HEAD', url: '/api/v1/events' })).statusCode, 404);
  });

  it('a trailing slash is the same route', async () => {
    const app = apiOf(standardControl());
    assert.equal((await app.inject({ url: '/api/v1/processes/' })).statusCode, 200);
  });

  it('bad percent-encoding and overlong path segments are 400 JSON', async () => {
    const app = apiOf(standardControl());
    assertError(await app.inject({ url: '/api/v1/processes/%E0%A4%A' }), 400, 'API_BAD_REQUEST');
    assertError(
      await app.inject({ url: `/api/v1/processes/${'a'.repeat(500)}` }),
      400,
      'API_BAD_REQUEST',
    );
  });

  it('a Content-Length that does not match the body is 400 JSON', async () => {
    const app = apiOf(standardControl());
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/processes/web',
      headers: { ...JSON_TYPE, 'content-length': '2' },
      payload: '{"replicas":1}',
    });
    assert.equal(res.statusCode, 400);
    assert.ok(['API_BAD_REQUEST', 'API_MALFORMED_BODY'].includes(String(body(res)['code'])));
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('documents every route, the bearer scheme and the error shape', async () => {
    const app = apiOf(standardControl(), { token: TOKEN });
    const res = await app.inject({ url: '/api/v1/openapi.json', headers: AUTH });
    assert.equal(res.statusCode, 200);
    const doc = body(res) as Json;
    assert.equal(doc['openapi'], '3.0.3');
    assert.deepEqual(Object.keys(doc['paths']).sort(), [
      '/api/v1/config',
      '/api/v1/config/plan',
      '/api/v1/config/reload',
      '/api/v1/events',
      '/api/v1/plan',
      '/api/v1/processes',
      '/api/v1/processes/{name}',
      '/api/v1/processes/{name}/logs',
      '/api/v1/processes/{name}/restart',
      '/api/v1/processes/{name}/signal',
      '/api/v1/processes/{name}/start',
      '/api/v1/processes/{name}/stop',
      '/livez',
      '/readyz',
    ]);
    assert.deepEqual(doc['security'], [{ bearer: [] }]);
    const patch = doc['paths']['/api/v1/processes/{name}']['patch'];
    assert.ok(patch.requestBody.content['application/merge-patch+json']);
    assert.ok(patch.responses['422']);
    assert.deepEqual(doc['paths']['/livez']['get']['security'], []);
  });
});

describe('responses match their documented schemas', () => {
  const check = (schema: TSchema, value: unknown, what: string) => {
    const errors = [...Value.Errors(schema, value)].map((e) => `${e.path} ${e.message}`);
    assert.deepEqual(errors, [], what);
  };

  it('for every route', async () => {
    const control = fakeControl(
      [
        proc('web', { replicas: 2, maxReplicas: 4 }),
        proc('cron', {
          type: 'oneshot',
          schedule: { cron: '* * * * *', concurrency: 'forbid', historyLimit: 3 },
        }),
      ],
      {
        observed: observedOf([
          running('web', 0, { lastExit: { code: 0, signal: null, at: 5, requested: true } }),
        ]),
        plan: {
          actions: [],
          blocked: [{ id: 'web-1', process: 'web', reason: 'waiting', until: 9 }],
        },
      },
    );
    control.emitLog({ at: 1, process: 'web', instance: 'web-0', stream: 'stderr', message: 'x' });
    const app = apiOf(control);
    const json = async (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: string) =>
      body(await app.inject({ method, url, ...(payload ? { headers: JSON_TYPE, payload } : {}) }));
    check(schemas.ProcessList, await json('GET', '/api/v1/processes'), 'list');
    check(schemas.ProcessView, await json('GET', '/api/v1/processes/web'), 'one');
    check(schemas.ProcessView, await json('GET', '/api/v1/processes/cron'), 'scheduled');
    check(
      schemas.DesiredView,
      await json('PATCH', '/api/v1/processes/web', '{"replicas":3}'),
      'patch',
    );
    check(schemas.DesiredView, await json('POST', '/api/v1/processes/web/restart'), 'restart');
    check(
      schemas.SignalResult,
      await json('POST', '/api/v1/processes/web/signal', '{"signal":"HUP"}'),
      'signal',
    );
    check(schemas.PlanView, await json('GET', '/api/v1/plan'), 'plan');
    check(schemas.ConfigView, await json('GET', '/api/v1/config'), 'config');
    check(schemas.LogsView, await json('GET', '/api/v1/processes/web/logs'), 'logs');
    check(schemas.NotReady, await json('GET', '/readyz'), 'readyz');
    check(schemas.Health, await json('GET', '/livez'), 'livez');
    check(schemas.ErrorResponse, await json('GET', '/api/v1/processes/nope'), 'error');
  });
});
