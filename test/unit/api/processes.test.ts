import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observedOf, proc, running } from '../../helpers/states.ts';
import { apiOf, assertError, body, JSON_TYPE, type Json, standardControl } from './api-helpers.ts';
import { fakeControl } from './fake-control.ts';

describe('GET /api/v1/processes', () => {
  it('lists every process by name with desired and observed state', async () => {
    const app = apiOf(standardControl());
    const res = await app.inject({ method: 'GET', url: '/api/v1/processes' });
    assert.equal(res.statusCode, 200);
    const { processes } = body(res) as { processes: Json[] };
    assert.deepEqual(
      processes.map((p) => p['name']),
      ['db', 'web'],
    );
    const web = processes[1]!;
    assert.equal(web['replicas'], 2);
    assert.equal(web['replicasSource'], 'file');
    assert.equal(web['maxReplicas'], 5);
    assert.equal(web['enabled'], true);
    assert.equal(web['running'], 1);
    assert.equal(web['ready'], 1);
    assert.equal(web['schedule'], null);
  });

  it("shows the planner's reason on an instance that waits, even before it exists", async () => {
    const app = apiOf(standardControl());
    const web = body(await app.inject({ url: '/api/v1/processes/web' })) as Json;
    const [first, second] = web['instances'] as Json[];
    assert.deepEqual(first, {
      id: 'web-0',
      index: 0,
      phase: 'running',
      pid: 4242,
      ready: true,
      restarts: 0,
      startedAt: '1970-01-01T00:00:00.000Z',
      lastExit: null,
      probes: {},
      reason: null,
      outdated: false,
    });
    assert.equal(second!['id'], 'web-1');
    assert.equal(second!['phase'], 'pending');
    assert.equal(second!['reason'], 'waiting for db: process_healthy (0/1 ready)');
  });

  it('shows probes, the last exit, a backoff deadline and readiness per instance', async () => {
    const spec = proc('api', { probes: { readiness: {} as never } });
    const control = fakeControl([spec], {
      observed: observedOf([
        running('api', 0, {
          restarts: 3,
          startedAt: 5000,
          lastExit: { code: 1, signal: null, at: 4000, requested: false },
          probes: {
            readiness: {
              state: 'failure',
              successes: 0,
              failures: 3,
              lastMessage: 'HTTP 503',
              lastAt: 6000,
              lastDurationMs: 12,
            },
          },
        }),
        {
          ...running('api', 1),
          phase: 'exited',
          pid: undefined,
          lastExit: { code: null, signal: 'SIGKILL', at: 7000, requested: false },
        },
      ]),
      plan: {
        actions: [],
        blocked: [
          {
            id: 'api-1',
            process: 'api',
            reason: 'backoff: exited; restarting in 2000 ms',
            until: 9000,
          },
        ],
      },
    });
    const view = body(await apiOf(control).inject({ url: '/api/v1/processes/api' })) as Json;
    const [zero, one] = view['instances'] as Json[];
    assert.equal(zero!['ready'], false, 'readiness probe failing');
    assert.equal(zero!['restarts'], 3);
    assert.equal(zero!['startedAt'], '1970-01-01T00:00:05.000Z');
    assert.deepEqual(zero!['lastExit'], {
      code: 1,
      signal: null,
      at: '1970-01-01T00:00:04.000Z',
      requested: false,
    });
    assert.deepEqual(zero!['probes'], {
      readiness: {
        state: 'failure',
        successes: 0,
        failures: 3,
        lastMessage: 'HTTP 503',
        lastAt: '1970-01-01T00:00:06.000Z',
        lastDurationMs: 12,
      },
    });
    assert.equal(one!['phase'], 'exited');
    assert.equal(one!['pid'], null);
    assert.equal(one!['reason'], 'backoff: exited; restarting in 2000 ms');
    assert.equal(one!['until'], '1970-01-01T00:00:09.000Z');
    assert.equal(view['running'], 1);
    assert.equal(view['ready'], 0);
  });

  it('summarizes a schedule: cron, last and next fire, history', async () => {
    const spec = proc('cron', {
      type: 'oneshot',
      restart: 'never',
      schedule: { cron: '0 * * * *', timezone: 'UTC', concurrency: 'forbid', historyLimit: 5 },
    });
    const control = fakeControl([spec]);
    control.observedState = {
      ...observedOf([]),
      processes: {
        cron: {
          lastFireAt: 3_600_000,
          history: [
            {
              instance: 'cron-0',
              scheduledFor: 3_600_000,
              startedAt: 3_600_010,
              finishedAt: 3_601_000,
              code: 0,
              signal: null,
              outcome: 'succeeded',
            },
          ],
        },
      },
    };
    const app = apiOf(control, { now: () => 3_700_000 });
    const view = body(await app.inject({ url: '/api/v1/processes/cron' })) as Json;
    assert.deepEqual(view['schedule'], {
      cron: '0 * * * *',
      timezone: 'UTC',
      concurrency: 'forbid',
      timeoutMs: null,
      lastFireAt: '1970-01-01T01:00:00.000Z',
      nextFireAt: '1970-01-01T02:00:00.000Z',
      history: [
        {
          instance: 'cron-0',
          scheduledFor: '1970-01-01T01:00:00.000Z',
          startedAt: '1970-01-01T01:00:00.010Z',
          finishedAt: '1970-01-01T01:00:01.000Z',
          code: 0,
          signal: null,
          outcome: 'succeeded',
        },
      ],
    });
  });

  it('an unknown process is 404, a name that cannot exist is 400 naming the parameter', async () => {
    const app = apiOf(standardControl());
    assertError(
      await app.inject({ url: '/api/v1/processes/nope' }),
      404,
      'API_PROCESS_NOT_FOUND',
      'name',
    );
    assertError(await app.inject({ url: '/api/v1/processes/Web' }), 400, 'API_BAD_REQUEST', 'name');
  });

  it('unknown query parameters are 400', async () => {
    const app = apiOf(standardControl());
    assertError(
      await app.inject({ url: '/api/v1/processes?all=1' }),
      400,
      'API_BAD_REQUEST',
      'all',
    );
  });
});

describe('PATCH /api/v1/processes/:name', () => {
  const patch = (payload: unknown, type = 'application/merge-patch+json') => ({
    method: 'PATCH' as const,
    url: '/api/v1/processes/web',
    headers: { 'content-type': type },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

  it('sets replicas and answers with the new desired state and its sources', async () => {
    const control = standardControl();
    const res = await apiOf(control).inject(patch({ replicas: 4 }));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), {
      name: 'web',
      generation: 2,
      replicas: 4,
      replicasSource: 'api',
      maxReplicas: 5,
      enabled: true,
      enabledSource: 'file',
      restartRequests: 0,
    });
    assert.equal(control.desired().processes['web']?.replicas, 4);
  });

  it('takes application/json too, and enabled', async () => {
    const control = standardControl();
    const res = await apiOf(control).inject(
      patch({ enabled: false }, 'application/json; charset=utf-8'),
    );
    assert.equal(res.statusCode, 200);
    assert.equal(body(res)['enabledSource'], 'api');
    assert.equal(control.desired().processes['web']?.enabled, false);
  });

  const refused: [string, unknown, number, string, string | undefined][] = [
    ['an unknown field, naming it', { replicas: 1, color: 'red' }, 400, 'API_BAD_REQUEST', 'color'],
    ['a misspelt field', { replica: 2 }, 400, 'API_BAD_REQUEST', 'replica'],
    ['negative replicas', { replicas: -1 }, 400, 'API_BAD_REQUEST', 'replicas'],
    ['fractional replicas', { replicas: 1.5 }, 400, 'API_BAD_REQUEST', 'replicas'],
    ['replicas as a string', { replicas: '3' }, 400, 'API_BAD_REQUEST', 'replicas'],
    ['replicas beyond the API bound', { replicas: 100_000 }, 400, 'API_BAD_REQUEST', 'replicas'],
    ['enabled as a number', { enabled: 1 }, 400, 'API_BAD_REQUEST', 'enabled'],
    [
      'null (no reverting to the file through the API)',
      { replicas: null },
      400,
      'API_BAD_REQUEST',
      'replicas',
    ],
    ['an empty patch', {}, 400, 'API_BAD_REQUEST', undefined],
    ['an array', [1], 400, 'API_BAD_REQUEST', undefined],
    ['a JSON string', '"x"', 400, 'API_BAD_REQUEST', undefined],
    ['malformed JSON', '{"replicas":', 400, 'API_MALFORMED_BODY', undefined],
    ['an empty body', '', 400, 'API_BAD_REQUEST', undefined],
    ['__proto__', '{"__proto__":{"replicas":1}}', 400, 'API_MALFORMED_BODY', undefined],
    ['replicas above max_replicas', { replicas: 6 }, 422, 'API_REPLICAS_ABOVE_MAX', 'replicas'],
  ];
  for (const [what, payload, status, code, path] of refused) {
    it(`refuses ${what} (${status}) and changes nothing`, async () => {
      const control = standardControl();
      const before = control.desired();
      assertError(await apiOf(control).inject(patch(payload)), status, code, path);
      assert.equal(control.desired(), before);
    });
  }

  it('refuses other content types with 415 naming what it takes', async () => {
    const control = standardControl();
    const app = apiOf(control);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/yaml']) {
      const json = assertError(
        await app.inject(patch('replicas=3', type)),
        415,
        'API_UNSUPPORTED_MEDIA_TYPE',
      );
      assert.match(String(json['message']), /application\/merge-patch\+json/);
    }
    const noType = await app.inject({
      method: 'PATCH',
      url: '/api/v1/processes/web',
      payload: '{}',
    });
    assertError(noType, 415, 'API_UNSUPPORTED_MEDIA_TYPE');
    assert.deepEqual(control.calls, []);
  });

  it('a body over 64 KiB is 413', async () => {
    const big = JSON.stringify({ replicas: 1, pad: 'x'.repeat(70_000) });
    assertError(await apiOf(standardControl()).inject(patch(big)), 413, 'API_PAYLOAD_TOO_LARGE');
  });

  it('an unknown process is 404', async () => {
    const res = await apiOf(standardControl()).inject({
      ...patch({ replicas: 1 }),
      url: '/api/v1/processes/nope',
    });
    assertError(res, 404, 'API_PROCESS_NOT_FOUND', 'name');
  });

  it('during shutdown it is 409', async () => {
    const control = standardControl();
    control.store.requestShutdown({ cause: 'SIGTERM', exitCode: 0, forcedExitCode: 130, now: 0 });
    assertError(await apiOf(control).inject(patch({ replicas: 1 })), 409, 'API_SHUTTING_DOWN');
  });
});

describe('POST /api/v1/processes/:name/{restart,stop,start}', () => {
  it('restart asks for a rolling restart and answers 202', async () => {
    const control = standardControl();
    const res = await apiOf(control).inject({
      method: 'POST',
      url: '/api/v1/processes/web/restart',
    });
    assert.equal(res.statusCode, 202);
    assert.equal(body(res)['restartRequests'], 1);
    assert.deepEqual(control.calls, ['restart web']);
    assert.notEqual(control.desired().processes['web']?.specHash, 'web-v1');
  });

  it('stop and start set enabled', async () => {
    const control = standardControl();
    const app = apiOf(control);
    const stop = await app.inject({
      method: 'POST',
      url: '/api/v1/processes/web/stop',
      headers: JSON_TYPE,
      payload: '{}',
    });
    assert.equal(stop.statusCode, 202);
    assert.equal(body(stop)['enabled'], false);
    const start = await app.inject({
      method: 'POST',
      url: '/api/v1/processes/web/start',
      headers: JSON_TYPE,
    });
    assert.equal(start.statusCode, 202);
    assert.equal(body(start)['enabled'], true);
    assert.deepEqual(control.calls, ['patch web {"enabled":false}', 'patch web {"enabled":true}']);
  });

  it('refuses a body, an unknown process and changes during shutdown', async () => {
    const control = standardControl();
    const app = apiOf(control);
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/v1/processes/web/restart',
        headers: JSON_TYPE,
        payload: '{"now":true}',
      }),
      400,
      'API_BAD_REQUEST',
    );
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/v1/processes/web/stop',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      }),
      415,
      'API_UNSUPPORTED_MEDIA_TYPE',
    );
    assertError(
      await app.inject({ method: 'POST', url: '/api/v1/processes/nope/start' }),
      404,
      'API_PROCESS_NOT_FOUND',
      'name',
    );
    assert.deepEqual(control.calls, ['patch nope {"enabled":true}']);
    control.store.requestShutdown({ cause: 'SIGTERM', exitCode: 0, forcedExitCode: 130, now: 0 });
    assertError(
      await app.inject({ method: 'POST', url: '/api/v1/processes/web/restart' }),
      409,
      'API_SHUTTING_DOWN',
    );
  });
});

describe('POST /api/v1/processes/:name/signal', () => {
  const signal = (payload: unknown, name = 'web') => ({
    method: 'POST' as const,
    url: `/api/v1/processes/${name}/signal`,
    headers: JSON_TYPE,
    payload: JSON.stringify(payload),
  });

  it('sends a signal by name, with or without SIG, and lists the instances', async () => {
    const control = standardControl();
    const app = apiOf(control);
    const res = await app.inject(signal({ signal: 'HUP' }));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), { process: 'web', signal: 'SIGHUP', signalled: ['web-0'] });
    assert.equal((await app.inject(signal({ signal: 'SIGKILL' }))).statusCode, 200);
    assert.deepEqual(control.calls, ['signal web SIGHUP', 'signal web SIGKILL']);
  });

  it('refuses stop signals, unknown names, lowercase and missing fields', async () => {
    const control = standardControl();
    const app = apiOf(control);
    for (const s of ['SIGSTOP', 'TSTP', 'SIGTTIN', 'SIGTTOU']) {
      assertError(await app.inject(signal({ signal: s })), 422, 'API_SIGNAL_REFUSED', 'signal');
    }
    for (const s of ['SIGFOO', 'hup', '9', '', ' SIGHUP']) {
      assertError(await app.inject(signal({ signal: s })), 400, 'API_BAD_REQUEST', 'signal');
    }
    assertError(await app.inject(signal({ signal: 9 })), 400, 'API_BAD_REQUEST', 'signal');
    assertError(await app.inject(signal({})), 400, 'API_BAD_REQUEST', 'signal');
    assertError(await app.inject(signal({ signal: 'HUP', pid: 1 })), 400, 'API_BAD_REQUEST', 'pid');
    assertError(
      await app.inject(signal({ signal: 'HUP' }, 'nope')),
      404,
      'API_PROCESS_NOT_FOUND',
      'name',
    );
    assert.deepEqual(control.calls, ['signal nope SIGHUP']);
  });

  it("never signals when an instance's pid would reach the manager", async () => {
    for (const pid of [0, 1, 777]) {
      const control = fakeControl([proc('web')], {
        observed: observedOf([running('web', 0, { pid })]),
      });
      const app = apiOf(control, { managerPid: 777 });
      assertError(await app.inject(signal({ signal: 'TERM' })), 422, 'API_SIGNAL_REFUSED');
      assert.deepEqual(control.calls, []);
    }
  });
});
