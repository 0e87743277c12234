/**
 * Thousands of malformed requests (paths, methods, bodies, content types, headers) against the
 * API with `app.inject()`. Every answer must be a 4xx JSON error with a registered code, the
 * process must stay up, and desired state must never change. Seeded: set API_FUZZ_SEED to
 * replay a run; bounded by API_FUZZ_CASES and a time budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createApiServer } from '../../src/api/server.ts';
import { errorCodes } from '../../src/errors.ts';
import { standardControl, TOKEN } from '../unit/api/api-helpers.ts';
import type { FakeControl } from '../unit/api/fake-control.ts';

const SEED = Number(process.env['API_FUZZ_SEED'] ?? 0x5eed_1234);
const CASES = Number(process.env['API_FUZZ_CASES'] ?? 4000);
const BUDGET_MS = 40_000;

/** mulberry32: small, fast, good enough to explore inputs reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const CHARS = [
  ...'abcXYZ019-_.~!$&\'()*+,;=:@/?#[]%"<>\\^`{|} ',
  '\u00e9',
  '\u2603',
  '\u{1F600}',
  '\u0000',
  '\u001f',
  '\u007f',
];

function garbage(rng: Rng, max = 24): string {
  let s = '';
  const n = rng.int(1, max);
  for (let i = 0; i < n; i++) s += rng.pick(CHARS);
  return s;
}

/** A path segment that names no route and no process. */
function badSegment(rng: Rng): string {
  return rng.pick([
    () => encodeURIComponent(`${garbage(rng)}X`),
    () => `${garbage(rng, 6).replace(/[^a-z]/g, '')}Q`,
    () => rng.pick(['%zz', '%', '%E0%A4%A', '..', '%2e%2e', '%2F', '%00', 'WEB', 'web%20']),
    () => 'x'.repeat(rng.int(101, 5000)),
  ])();
}

const KNOWN: readonly [string, string][] = [
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
];
const METHODS = [
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'SEARCH',
  'LOCK',
  'PROPFIND',
] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/merge-patch+json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/yaml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json-patch+json',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'garbage',
  ';;;',
  '',
];

/** A JSON body that is never a valid patch of web (max_replicas 5). */
function badPatch(rng: Rng): unknown {
  const bad: Record<string, unknown> = {};
  const fields = rng.int(1, 3);
  for (let i = 0; i < fields; i++) {
    const which = rng.int(0, 2);
    if (which === 0)
      bad['replicas'] = rng.pick([
        -1,
        1.5,
        '3',
        null,
        true,
        [],
        {},
        1e9,
        1001,
        6,
        -0.5,
        'NaN',
        2 ** 53,
      ]);
    else if (which === 1) bad['enabled'] = rng.pick(['true', 0, 1, null, 'yes', [], {}]);
    else
      bad[
        rng.pick(['replica', 'Replicas', '__proto__', 'constructor', 'prototype', garbage(rng)])
      ] = rng.int(0, 3);
  }
  return rng.pick([bad, bad, bad, [bad], null, 0, 'replicas', true, [], {}]);
}

function jsonText(rng: Rng, value: unknown): string {
  let text = JSON.stringify(value) ?? 'null';
  if (rng.chance(0.2)) text = text.slice(0, rng.int(0, Math.max(0, text.length - 1))); // truncated
  if (rng.chance(0.05)) text = `{"__proto__":{"replicas":1},"replicas":2}`;
  if (rng.chance(0.05)) text = `{"constructor":{"prototype":{"x":1}}}`;
  if (rng.chance(0.05)) text += garbage(rng);
  if (rng.chance(0.03)) text = JSON.stringify({ pad: 'x'.repeat(70_000), replicas: 1 });
  return text;
}

interface Case {
  readonly app: 'token' | 'open';
  readonly options: InjectOptions;
}

function generate(rng: Rng): Case {
  const app = rng.chance(0.5) ? 'token' : 'open';
  const auth: Record<string, string> = app === 'token' ? { authorization: `Bearer ${TOKEN}` } : {};
  const kind = rng.int(0, 10);
  switch (kind) {
    case 0: {
      // A path that matches no route.
      const segments = ['api', 'v1', 'processes', 'web', 'config', 'events', 'logs'];
      const parts = Array.from({ length: rng.int(0, 4) }, () => rng.pick(segments));
      parts.splice(rng.int(0, parts.length), 0, badSegment(rng));
      const query = rng.chance(0.3) ? `?${garbage(rng)}` : '';
      return {
        app,
        options: { method: rng.pick(METHODS), url: `/${parts.join('/')}${query}`, headers: auth },
      };
    }
    case 1: {
      // A known path with a method it does not take.
      const [, url] = rng.pick(KNOWN);
      const taken = KNOWN.filter(([, u]) => u === url).map(([m]) => m);
      const other = rng.pick(
        METHODS.filter((m) => !taken.includes(m) && !(m === 'HEAD' && taken.includes('GET'))),
      );
      return {
        app,
        options: {
          method: other,
          url,
          headers: auth,
          ...(rng.chance(0.5) ? { payload: '{}' } : {}),
        },
      };
    }
    case 2:
    case 3: {
      // PATCH with a bad body and any content type.
      const type = rng.chance(0.7) ? rng.pick(CONTENT_TYPES.slice(0, 3)) : rng.pick(CONTENT_TYPES);
      return {
        app,
        options: {
          method: 'PATCH',
          url: rng.pick(['/api/v1/processes/web', '/api/v1/processes/nope']),
          headers: { ...auth, ...(type === '' ? {} : { 'content-type': type }) },
          payload: rng.chance(0.15) ? garbage(rng, 200) : jsonText(rng, badPatch(rng)),
        },
      };
    }
    case 4: {
      // A signal that is not allowed or not a signal.
      const signal = rng.pick<unknown>([
        'SIGSTOP',
        'STOP',
        'SIGTSTP',
        'SIGTTIN',
        'SIGTTOU',
        'sighup',
        'SIGFOO',
        '',
        ' HUP',
        9,
        null,
        [],
        'HUP\n',
        garbage(rng),
      ]);
      const body = rng.pick<unknown>([
        { signal },
        { signal, pid: 1 },
        { sig: 'HUP' },
        [signal],
        signal,
      ]);
      return {
        app,
        options: {
          method: 'POST',
          url: '/api/v1/processes/web/signal',
          headers: { ...auth, 'content-type': rng.pick(CONTENT_TYPES.slice(0, 4)) },
          payload: jsonText(rng, body),
        },
      };
    }
    case 5: {
      // An action route (or reload) with a body it does not take.
      const route = rng.pick([
        'processes/web/restart',
        'processes/web/stop',
        'processes/web/start',
        'config/reload',
      ]);
      const type = rng.pick(CONTENT_TYPES);
      const payload = rng.pick([
        '{"now":true}',
        '[]',
        '1',
        '"x"',
        'null x',
        `${garbage(rng, 100)}x`,
        JSON.stringify({ force: garbage(rng) }),
      ]);
      return {
        app,
        options: {
          method: 'POST',
          url: `/api/v1/${route}`,
          headers: { ...auth, ...(type === '' ? {} : { 'content-type': type }) },
          payload,
        },
      };
    }
    case 6: {
      // A configuration text that is not valid, or not YAML at all.
      const type = rng.chance(0.7)
        ? rng.pick(['text/yaml', 'application/yaml', 'text/plain'])
        : rng.pick(CONTENT_TYPES);
      const payload = rng.pick([
        '',
        '   ',
        'version: 2\nprocesses: {}\n',
        'processes: [\n  a: {',
        `version: 1\nprocesses:\n  ${garbage(rng)}X: {command: x}\n`,
        `${garbage(rng, 200)}`,
        '&a [*a]',
        'version: 1\nprocesses:\n  web: {command: [], replicas: -1}\n',
        `a: ${'[1,'.repeat(200)}`,
      ]);
      return {
        app,
        options: {
          method: 'POST',
          url: '/api/v1/config/plan',
          headers: { ...auth, ...(type === '' ? {} : { 'content-type': type }) },
          payload: payload === '' && rng.chance(0.5) ? 'x' : payload,
        },
      };
    }
    case 7: {
      // Known GET routes with bad query strings or a bad Last-Event-ID.
      const [url, query] = rng.pick<[string, string]>([
        ['/api/v1/processes', `x=${encodeURIComponent(garbage(rng))}`],
        ['/api/v1/processes/web/logs', `tail=${rng.pick(['-1', 'x', '10001', '1.5', '', '1e9'])}`],
        ['/api/v1/processes/web/logs', `follow=${rng.pick(['maybe', '2', 'yes', ''])}`],
        ['/api/v1/processes/web/logs', 'tail=1&tail=2'],
        ['/api/v1/plan', `${encodeURIComponent(garbage(rng))}=1`],
        ['/api/v1/events', 'replay=1'],
      ]);
      const headers: Record<string, string> = { ...auth };
      if (url === '/api/v1/events' && rng.chance(0.5)) {
        return {
          app,
          options: {
            method: 'GET',
            url,
            headers: {
              ...headers,
              'last-event-id': rng.pick(['x', '-1', '1.5', '9'.repeat(20), ' 1a']),
            },
          },
        };
      }
      return { app: app, options: { method: 'GET', url: `${url}?${query}`, headers } };
    }
    case 9: {
      // A browser (Origin) or a foreign Host on the app without a token, on any route.
      const [method, url] = rng.pick(KNOWN);
      const headers = rng.chance(0.5)
        ? {
            origin: rng.pick([
              'https://evil.example',
              'null',
              `http://${garbage(rng).replace(/[^a-z]/g, 'a')}`,
            ]),
          }
        : {
            host: rng.pick([
              'evil.example',
              'evil.example:9180',
              '10.0.0.1',
              '127.0.0.1.nip.io',
              '0.0.0.0:9180',
            ]),
          };
      return {
        app: 'open',
        options: {
          method: method as 'GET',
          url,
          headers: { ...headers, 'content-type': 'application/json' },
          payload: method === 'GET' ? undefined : '{"replicas":1}',
        },
      };
    }
    default: {
      // Bad credentials on the token app, on any route.
      const [method, url] = rng.pick(KNOWN);
      const authorization = rng.pick([
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(1)}`,
        `bearer${TOKEN}`,
        `Basic ${TOKEN}`,
        `Bearer ${garbage(rng).replace(/[^\x21-\x7e]/g, 'a')}`,
        'Bearer',
        TOKEN,
        `Bearer ${TOKEN} ${TOKEN}`,
      ]);
      return {
        app: 'token',
        options: {
          method: method as 'GET',
          url,
          headers: { authorization, 'content-type': 'application/json' },
          payload: method === 'GET' ? undefined : '{"replicas":1}',
        },
      };
    }
  }
}

describe('API fuzz', () => {
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  before(() => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
  });
  after(() => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });

  it(`answers every malformed request with a 4xx JSON error and changes nothing (seed ${SEED})`, async (t) => {
    const controls: Record<Case['app'], FakeControl> = {
      token: standardControl(),
      open: standardControl(),
    };
    const apps: Record<Case['app'], FastifyInstance> = {
      token: createApiServer({
        control: controls.token,
        token: TOKEN,
        rateLimit: false,
        heartbeatMs: 60_000,
      }),
      // The open one keeps the rate limiter, with room for every case.
      open: createApiServer({
        control: controls.open,
        rateLimit: { max: 1e6 },
        heartbeatMs: 60_000,
      }),
    };
    const before = { token: controls.token.desired(), open: controls.open.desired() };
    const rng = prng(SEED);
    const started = Date.now();
    const statuses = new Map<number, number>();
    let done = 0;
    for (; done < CASES && Date.now() - started < BUDGET_MS; done++) {
      const c = generate(rng);
      const what = `case ${done}: ${c.app} ${c.options.method} ${String(c.options.url).slice(0, 120)} ${JSON.stringify(c.options.headers)} ${String(c.options.payload ?? '').slice(0, 120)}`;
      const res = await apps[c.app].inject(c.options);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      assert.ok(
        res.statusCode >= 400 && res.statusCode < 500,
        `${what} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
      );
      if (c.options.method === 'HEAD') continue;
      assert.match(String(res.headers['content-type']), /^application\/json/, what);
      const json = JSON.parse(res.body) as Record<string, unknown>;
      const code = String(json['code']);
      assert.ok(code in errorCodes, `${what}: unregistered code ${code}`);
      assert.equal(errorCodes[code as keyof typeof errorCodes].status, res.statusCode, what);
      assert.equal(typeof json['message'], 'string', what);
      assert.equal(json['stack'], undefined, what);
      assert.ok(!/\n\s+at /.test(res.body), `${what}: a stack trace`);
      assert.ok(!res.body.includes(TOKEN), `${what}: the token`);
    }
    for (const app of ['token', 'open'] as const) {
      assert.equal(controls[app].desired(), before[app], `${app}: desired state changed`);
      assert.deepEqual(
        controls[app].calls.filter((call) => call === 'reload' || /^signal (web|db) /.test(call)),
        [],
      );
      assert.equal(controls[app].subscribers(), 0, `${app}: a stream was left open`);
      await apps[app].close();
    }
    assert.deepEqual(crashes, []);
    assert.ok(done >= Math.min(CASES, 500), `only ${done} cases ran within the time budget`);
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}x${n}`)
      .join(' ');
    t.diagnostic(`${done} cases in ${Date.now() - started} ms (seed ${SEED}): ${summary}`);
  });
});
