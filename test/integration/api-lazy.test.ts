import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { startApiListeners } from '../../src/api/listeners.ts';
import { createApiServer } from '../../src/api/server.ts';
import { standardControl, TOKEN } from '../unit/api/api-helpers.ts';

function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('API listeners with an app built on the first request', () => {
  it('opens the port at once and builds the app only when a request comes', async () => {
    let loads = 0;
    const control = standardControl();
    const listeners = await startApiListeners(
      {
        token: undefined,
        load: async () => {
          loads++;
          return createApiServer({ control, logger: false });
        },
      },
      { listen: '127.0.0.1:0', socket: false },
    );
    try {
      assert.equal(loads, 0);
      const base = listeners.addresses[0]!;
      const statuses = await Promise.all([get(`${base}/livez`), get(`${base}/api/v1/processes`)]);
      assert.deepEqual(statuses, [200, 200]);
      assert.equal(loads, 1, 'two concurrent first requests build the app once');
    } finally {
      await listeners.close();
    }
  });

  it('still refuses a non-loopback address without a token, before anything is built', async () => {
    let loads = 0;
    const lazy = {
      token: undefined,
      load: async () => {
        loads++;
        return createApiServer({ control: standardControl(), logger: false });
      },
    };
    await assert.rejects(
      startApiListeners(lazy, { listen: '0.0.0.0:0', socket: false }),
      /API_LISTEN_INSECURE|token/,
    );
    assert.equal(loads, 0);
  });

  it('with a token, requires it on the lazily built app', async () => {
    const lazy = {
      token: TOKEN,
      load: async () =>
        createApiServer({ control: standardControl(), token: TOKEN, logger: false }),
    };
    const listeners = await startApiListeners(lazy, {
      listen: '127.0.0.1:0',
      socket: false,
      token: TOKEN,
    });
    try {
      const base = listeners.addresses[0]!;
      assert.equal(await get(`${base}/api/v1/processes`), 401);
      assert.equal(
        await get(`${base}/api/v1/processes`, { authorization: `Bearer ${TOKEN}` }),
        200,
      );
    } finally {
      await listeners.close();
    }
  });
});
