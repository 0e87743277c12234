import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessSpec } from '../../../src/desired/types.ts';
import type { InstanceState } from '../../../src/observed/types.ts';
import { observedOf, proc, running } from '../../helpers/states.ts';
import { apiOf, body } from './api-helpers.ts';
import { fakeControl } from './fake-control.ts';

const readyz = async (processes: ProcessSpec[], instances: InstanceState[]) => {
  const app = apiOf(fakeControl(processes, { observed: observedOf(instances) }));
  return app.inject({ url: '/readyz' });
};

describe('/livez and /readyz', () => {
  it('/livez is 200 {status: ok}, HEAD too', async () => {
    const app = apiOf(fakeControl([]));
    const res = await app.inject({ url: '/livez' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), { status: 'ok' });
    assert.equal((await app.inject({ method: 'HEAD', url: '/livez' })).statusCode, 200);
  });

  it('/readyz is 200 when every replica of every long-running process is ready', async () => {
    const res = await readyz(
      [proc('web', { replicas: 2 }), proc('db')],
      [running('web', 0), running('web', 1), running('db', 0)],
    );
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), { status: 'ok' });
  });

  it('/readyz is 503 listing what is not ready', async () => {
    const res = await readyz(
      [proc('web', { replicas: 3 }), proc('db')],
      [running('web', 0), { ...running('web', 1), phase: 'starting' }, running('db', 0)],
    );
    assert.equal(res.statusCode, 503);
    assert.deepEqual(body(res), {
      status: 'not ready',
      reasons: ['web: 1/3 ready'],
      processes: [{ name: 'web', replicas: 3, ready: 1 }],
    });
  });

  it('an instance of an older spec, or without a passed readiness probe, is not ready', async () => {
    const probed = proc('api', { probes: { readiness: {} as never } });
    assert.equal((await readyz([probed], [running('api', 0)])).statusCode, 503);
    assert.equal(
      (await readyz([proc('web')], [running('web', 0, { specHash: 'old' })])).statusCode,
      503,
    );
  });

  it('disabled, oneshot, scheduled and zero-replica processes do not count', async () => {
    const res = await readyz(
      [
        proc('off', { enabled: false }),
        proc('migrate', { type: 'oneshot', restart: 'on-failure' }),
        proc('cron', {
          type: 'oneshot',
          schedule: { cron: '* * * * *', concurrency: 'forbid', historyLimit: 3 },
        }),
        proc('none', { replicas: 0 }),
      ],
      [],
    );
    assert.equal(res.statusCode, 200);
  });

  it('/readyz is 503 once shutdown has begun', async () => {
    const control = fakeControl([proc('web')], { observed: observedOf([running('web', 0)]) });
    control.store.requestShutdown({ cause: 'SIGTERM', exitCode: 0, forcedExitCode: 130, now: 0 });
    const res = await apiOf(control).inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(body(res)['reasons'], ['shutting down']);
  });
});
