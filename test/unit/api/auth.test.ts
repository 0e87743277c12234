import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { checkBearer, tokenDigest } from '../../../src/api/auth.ts';
import { createApiServer } from '../../../src/api/server.ts';
import { PmError } from '../../../src/errors.ts';
import {
  AUTH,
  apiOf,
  assertError,
  body,
  JSON_TYPE,
  standardControl,
  TOKEN,
} from './api-helpers.ts';

describe('bearer token', () => {
  it('with a token, every /api/v1 route needs it', async () => {
    const control = standardControl();
    const app = apiOf(control, { token: TOKEN });
    const routes: [string, string][] = [
      ['GET', '/api/v1/processes'],
      ['GET', '/api/v1/processes/web'],
      ['PATCH', '/api/v1/processes/web'],
      ['POST', '/api/v1/processes/web/restart'],
      ['POST', '/api/v1/processes/web/stop'],
      ['POST', '/api/v1/processes/web/start'],
      ['POST', '/api/v1/processes/web/signal'],
      ['GET', '/api/v1/processes/web/logs'],
      ['GET', '/api/v1/plan'],
      ['GET', '/api/v1/config'],
      ['POST', '/api/v1/config/plan'],
      ['POST', '/api/v1/config/reload'],
      ['GET', '/api/v1/events'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/api/v1/no-such-route'],
      ['DELETE', '/'],
    ];
    for (const [method, url] of routes) {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: JSON_TYPE,
        payload: method === 'GET' ? undefined : '{"replicas":1}',
      });
      assertError(res, 401, 'API_UNAUTHORIZED');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="phpeek-pm"');
    }
    assert.deepEqual(control.calls, []);
  });

  it('accepts the right token and refuses a wrong one, another scheme or a prefix', async () => {
    const app = apiOf(standardControl(), { token: TOKEN });
    assert.equal((await app.inject({ url: '/api/v1/processes', headers: AUTH })).statusCode, 200);
    assert.equal(
      (
        await app.inject({
          url: '/api/v1/processes',
          headers: { authorization: `bearer   ${TOKEN}` },
        })
      ).statusCode,
      200,
    );
    for (const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
      TOKEN,
      'Bearer',
      `Bearer ${TOKEN} extra`,
    ]) {
      const res = await app.inject({ url: '/api/v1/processes', headers: { authorization } });
      const json = assertError(res, 401, 'API_UNAUTHORIZED');
      assert.ok(!String(json['message']).includes(TOKEN));
    }
  });

  it('/livez and /readyz answer without it', async () => {
    const app = apiOf(standardControl(), { token: TOKEN });
    assert.equal((await app.inject({ url: '/livez' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
  });

  it('without a token, routes answer without Authorization', async () => {
    const app = apiOf(standardControl());
    assert.equal((await app.inject({ url: '/api/v1/processes' })).statusCode, 200);
  });

  it('refuses to create an API with a short token or one that cannot travel in a header', () => {
    for (const token of [
      '',
      'short',
      'with a space in it 1234',
      'tab\there-0123456789',
      'é'.repeat(20),
    ]) {
      assert.throws(
        () => createApiServer({ control: standardControl(), token }),
        (error: unknown) =>
          error instanceof PmError &&
          error.code === 'API_TOKEN_INVALID' &&
          (token.length < 4 || !error.message.includes(token)),
      );
    }
  });

  it('checkBearer compares digests: same answer for any length of wrong token', () => {
    const digest = tokenDigest(TOKEN);
    assert.equal(checkBearer(`Bearer ${TOKEN}`, digest), undefined);
    assert.equal(checkBearer(undefined, digest), 'missing');
    assert.equal(checkBearer(['a', 'b'], digest), 'not-bearer');
    assert.equal(checkBearer('Bearer x', digest), 'mismatch');
    assert.equal(checkBearer(`Bearer ${'x'.repeat(10_000)}`, digest), 'mismatch');
  });
});

describe('without a token, browsers are refused', () => {
  it('a request with an Origin header is 403 (cross-site request forgery)', async () => {
    const control = standardControl();
    const app = apiOf(control);
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:9180']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/processes/web/restart',
        headers: { origin },
      });
      assertError(res, 403, 'API_FORBIDDEN');
    }
    assert.deepEqual(control.calls, []);
  });

  it('a Host that is not a loopback name is 403 (DNS rebinding)', async () => {
    const app = apiOf(standardControl());
    for (const host of ['evil.example:9180', 'evil.example', '10.0.0.1:9180', '127.0.0.1.nip.io']) {
      assertError(
        await app.inject({ url: '/api/v1/config', headers: { host } }),
        403,
        'API_FORBIDDEN',
      );
    }
    for (const host of ['127.0.0.1:9180', '[::1]:9180', 'localhost', 'LOCALHOST:1', '127.1.2.3']) {
      assert.equal(
        (await app.inject({ url: '/api/v1/config', headers: { host } })).statusCode,
        200,
        host,
      );
    }
  });

  it('health checks and token-holding requests are not concerned', async () => {
    const open = apiOf(standardControl());
    const headers = { origin: 'https://evil.example', host: 'evil.example' };
    assert.equal((await open.inject({ url: '/livez', headers })).statusCode, 200);
    const secured = apiOf(standardControl(), { token: TOKEN });
    const res = await secured.inject({
      url: '/api/v1/processes',
      headers: { ...headers, ...AUTH },
    });
    assert.equal(res.statusCode, 200);
  });
});

describe('logging', () => {
  it('logs changes (audit) and internal errors, never the token or a header', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const control = standardControl();
    const app = createApiServer({ control, token: TOKEN, logger, rateLimit: false });
    await app.inject({
      method: 'PATCH',
      url: '/api/v1/processes/web',
      headers: { ...AUTH, ...JSON_TYPE },
      payload: '{"replicas":3}',
    });
    await app.inject({
      url: '/api/v1/processes',
      headers: { authorization: `Bearer ${TOKEN}-wrong` },
    });
    control.plan = () => {
      throw new Error('the plan exploded');
    };
    const res = await app.inject({ url: '/api/v1/plan', headers: AUTH });
    const json = assertError(res, 500, 'API_INTERNAL');
    assert.ok(!res.body.includes('exploded'), 'no internal detail in the answer');
    assert.ok(!String(json['message']).includes('at '), 'no stack');
    await app.close();
    const text = lines.join('');
    assert.match(text, /api: web set replicas=3/);
    assert.match(text, /the plan exploded/);
    assert.ok(!text.includes(TOKEN), 'the token never reaches the log');
    assert.ok(!/authorization/i.test(text), 'no Authorization header in the log');
  });
});

describe('rate limiting', () => {
  it('limits changes per client with 429 JSON and Retry-After; reads are not limited', async () => {
    const control = standardControl();
    const app = createApiServer({ control, rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const restart = () => app.inject({ method: 'POST', url: '/api/v1/processes/web/restart' });
    for (let i = 0; i < 3; i++) assert.equal((await restart()).statusCode, 202);
    const res = await restart();
    assertError(res, 429, 'API_RATE_LIMITED');
    assert.equal(res.headers['retry-after'], '60');
    assert.equal(control.calls.length, 3);
    for (let i = 0; i < 10; i++)
      assert.equal((await app.inject({ url: '/api/v1/processes' })).statusCode, 200);
    const other = await app.inject({
      method: 'POST',
      url: '/api/v1/processes/web/restart',
      remoteAddress: '127.0.0.2',
    });
    assert.equal(other.statusCode, 202, 'another client has its own budget');
    assert.equal(body(other)['restartRequests'], 4);
  });
});
