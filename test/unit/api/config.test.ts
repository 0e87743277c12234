import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proc } from '../../helpers/states.ts';
import {
  apiOf,
  assertError,
  body,
  JSON_TYPE,
  type Json,
  standardControl,
  TOKEN,
} from './api-helpers.ts';
import { fakeControl } from './fake-control.ts';

const VALID = `version: 1
processes:
  web:
    command: ["sleep", "1000"]
    replicas: 3
  queue:
    command: ["sleep", "1000"]
`;

const yaml = (payload: string, type = 'application/yaml') => ({
  method: 'POST' as const,
  url: '/api/v1/config/plan',
  headers: { 'content-type': type },
  payload,
});

describe('GET /api/v1/plan', () => {
  it('is the latest plan: actions and what is blocked, with reasons', async () => {
    const control = standardControl();
    control.currentPlan = {
      actions: [
        {
          kind: 'spawn',
          id: 'db-1',
          process: 'db',
          index: 1,
          specHash: 'db-v1',
          reason: 'scaled up to 2 replicas',
        },
      ],
      blocked: [
        { id: 'web-1', process: 'web', reason: 'backoff: exited with code 1', until: 5000 },
      ],
      requeueAfterMs: 5000,
    };
    const res = await apiOf(control).inject({ url: '/api/v1/plan' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), JSON.parse(JSON.stringify(control.currentPlan)));
  });
});

describe('GET /api/v1/config', () => {
  it('is the effective desired state with the source of each API field', async () => {
    const control = standardControl();
    control.patchProcess('web', { replicas: 4 });
    const json = body(await apiOf(control).inject({ url: '/api/v1/config' })) as Json;
    assert.equal(json['file'], '/etc/phpeek-pm/phpeek-pm.yaml');
    assert.equal(json['generation'], 2);
    assert.equal(json['shuttingDown'], false);
    assert.equal(json['processes']['web']['replicas'], 4);
    assert.deepEqual(json['processes']['web']['sources'], {
      replicas: 'api',
      enabled: 'file',
      restarts: 0,
    });
    assert.deepEqual(json['processes']['db']['sources'], {
      replicas: 'file',
      enabled: 'file',
      restarts: 0,
    });
    assert.deepEqual(json['processes']['web']['command'], ['sleep', '1000']);
  });

  it('never shows environment values, probe header values or the API token', async () => {
    const control = fakeControl([
      proc('app', {
        env: { DB_PASSWORD: 'hunter2', TOKEN_COPY: TOKEN },
        command: ['run', `--token=${TOKEN}`],
        probes: {
          readiness: {
            target: {
              type: 'http',
              url: 'http://127.0.0.1/',
              method: 'GET',
              headers: { authorization: 'Basic c2VjcmV0' },
              expectedStatus: [],
            },
            initialDelayMs: 0,
            periodMs: 1000,
            timeoutMs: 1000,
            successThreshold: 1,
            failureThreshold: 3,
          },
        },
      }),
    ]);
    control.store.applyFile({
      global: { ...control.desired().global, api: { listen: false, socket: false, token: TOKEN } },
      processes: control.desired().processes,
    });
    const res = await apiOf(control, { token: TOKEN }).inject({
      url: '/api/v1/config',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.statusCode, 200);
    for (const secret of ['hunter2', TOKEN, 'c2VjcmV0'])
      assert.ok(!res.body.includes(secret), secret);
    const json = JSON.parse(res.body);
    assert.deepEqual(json.processes.app.env, {
      DB_PASSWORD: '<redacted>',
      TOKEN_COPY: '<redacted>',
    });
    assert.equal(json.global.api.token, '<redacted>');
  });
});

describe('POST /api/v1/config/plan (dry run)', () => {
  it('answers what would change and the plan, and changes nothing', async () => {
    const control = standardControl();
    const before = control.desired();
    for (const type of [
      'application/yaml',
      'text/yaml',
      'text/plain; charset=utf-8',
      'application/x-yaml',
    ]) {
      const res = await apiOf(control).inject(yaml(VALID, type));
      assert.equal(res.statusCode, 200, type);
      const json = body(res) as { changes: { name: string; change: string }[]; plan: unknown };
      // The fake's specs have made-up hashes, so web also reads as replaced.
      const changes = json.changes.map((c) => `${c.name} ${c.change}`);
      for (const c of ['web scaled', 'queue added', 'db removed'])
        assert.ok(changes.includes(c), c);
      assert.deepEqual(json.plan, { actions: [], blocked: [] });
    }
    assert.equal(control.desired(), before);
    assert.deepEqual(control.calls, []);
  });

  it('an invalid configuration is 400 CONFIG_INVALID with every diagnostic', async () => {
    const res = await apiOf(standardControl()).inject(yaml('version: 2\nprocesses: {}\n'));
    const json = assertError(res, 400, 'CONFIG_INVALID');
    const diagnostics = json['diagnostics'] as { code: string; path: string; line?: number }[];
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.path, d.line]),
      [['CONFIG_VERSION', 'version', 1]],
    );
  });

  it('a YAML syntax error is CONFIG_INVALID too, never a 500', async () => {
    const res = await apiOf(standardControl()).inject(yaml('processes: [\n  a: {'));
    const json = assertError(res, 400, 'CONFIG_INVALID');
    assert.equal((json['diagnostics'] as { code: string }[])[0]?.code, 'CONFIG_YAML');
  });

  it('an empty body is 400, JSON is 415, more than 256 KiB is 413', async () => {
    const app = apiOf(standardControl());
    assertError(await app.inject(yaml('  \n')), 400, 'API_BAD_REQUEST');
    assertError(
      await app.inject(yaml('{}', 'application/json')),
      415,
      'API_UNSUPPORTED_MEDIA_TYPE',
    );
    const big = `${VALID}# ${'x'.repeat(300 * 1024)}\n`;
    assertError(await app.inject(yaml(big)), 413, 'API_PAYLOAD_TOO_LARGE');
  });
});

describe('POST /api/v1/config/reload', () => {
  it('reloads and answers the changes', async () => {
    const control = standardControl();
    control.reloadResult = {
      ok: true,
      changes: [{ name: 'web', change: 'scaled', detail: '2 -> 3' }],
    };
    const res = await apiOf(control).inject({ method: 'POST', url: '/api/v1/config/reload' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), { changes: [{ name: 'web', change: 'scaled', detail: '2 -> 3' }] });
    assert.deepEqual(control.calls, ['reload']);
  });

  it('a file that does not validate is 400 CONFIG_INVALID with its diagnostics', async () => {
    const control = standardControl();
    const diagnostic = {
      code: 'CONFIG_VERSION' as const,
      file: '/etc/phpeek-pm/phpeek-pm.yaml',
      path: 'version',
      line: 1,
      column: 10,
      message: 'expected version 1, found 2',
    };
    control.reloadResult = { ok: false, diagnostics: [diagnostic] };
    const res = await apiOf(control).inject({
      method: 'POST',
      url: '/api/v1/config/reload',
      headers: JSON_TYPE,
      payload: '{}',
    });
    const json = assertError(res, 400, 'CONFIG_INVALID');
    assert.deepEqual(json['diagnostics'], [diagnostic]);
  });

  it('refuses a body', async () => {
    const control = standardControl();
    const res = await apiOf(control).inject({
      method: 'POST',
      url: '/api/v1/config/reload',
      headers: JSON_TYPE,
      payload: '[1]',
    });
    assertError(res, 400, 'API_BAD_REQUEST');
    assert.deepEqual(control.calls, []);
  });
});
