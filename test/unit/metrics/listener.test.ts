import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parseListen, startMetricsListener } from '../../../src/metrics/listener.ts';
import { createMetrics } from '../../../src/metrics/metrics.ts';
import { emptyObserved } from '../../../src/observed/types.ts';
import { desiredOf, proc } from '../../helpers/states.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchRaw(address: string, method: string, path: string): Promise<Reply> {
  const { host, port } = parseListen(address);
  return new Promise((resolve, reject) => {
    const req = request({ host, port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics listener over a real socket', () => {
  const metrics = createMetrics({
    control: { desired: () => desiredOf([proc('web')]), observed: () => emptyObserved },
    processMetrics: false,
  });
  let listener: Awaited<ReturnType<typeof startMetricsListener>>;
  before(async () => {
    listener = await startMetricsListener(metrics, { listen: '127.0.0.1:0', path: '/metrics' });
  });
  after(() => listener.close());

  it('binds the address asked for, with the port the kernel chose', () => {
    assert.match(listener.address, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(listener.address, '127.0.0.1:0');
  });

  it('GET /metrics: 200, Prometheus text format 0.0.4', async () => {
    const reply = await fetchRaw(listener.address, 'GET', '/metrics');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(reply.body, /^phpeek_pm_process_desired_replicas\{process="web"\} 1$/m);
    assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
  });

  it('a query string does not change the route', async () => {
    assert.equal((await fetchRaw(listener.address, 'GET', '/metrics?debug=1')).status, 200);
  });

  it('HEAD /metrics: the headers without a body', async () => {
    const reply = await fetchRaw(listener.address, 'HEAD', '/metrics');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '');
  });

  it('any other path: 404', async () => {
    for (const path of ['/', '/metrics/', '/metricsx', '/api/processes']) {
      assert.equal((await fetchRaw(listener.address, 'GET', path)).status, 404, path);
    }
  });

  it('a method other than GET or HEAD: 405 with Allow', async () => {
    const reply = await fetchRaw(listener.address, 'POST', '/metrics');
    assert.equal(reply.status, 405);
    assert.equal(reply.headers['allow'], 'GET, HEAD');
  });

  it('a render that fails: 500 with the reason', async () => {
    const broken = await startMetricsListener(
      { contentType: metrics.contentType, render: () => Promise.reject(new Error('boom')) },
      { listen: '127.0.0.1:0', path: '/m' },
    );
    try {
      const reply = await fetchRaw(broken.address, 'GET', '/m');
      assert.equal(reply.status, 500);
      assert.match(reply.body, /boom/);
    } finally {
      await broken.close();
    }
  });

  it('a port in use: the start fails with EADDRINUSE', async () => {
    await assert.rejects(
      startMetricsListener(metrics, { listen: listener.address, path: '/metrics' }),
      { code: 'EADDRINUSE' },
    );
  });
});

describe('closing the metrics listener', () => {
  it('does not wait for an idle keep-alive connection', { timeout: 5000 }, async () => {
    const metrics = createMetrics({
      control: { desired: () => desiredOf([]), observed: () => emptyObserved },
      processMetrics: false,
    });
    const listener = await startMetricsListener(metrics, { listen: '127.0.0.1:0', path: '/m' });
    const { host, port } = parseListen(listener.address);
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host, port, path: '/m', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 200);
    assert.equal(Object.keys(agent.freeSockets).length, 1, 'the connection is kept alive');
    await listener.close();
    agent.destroy();
  });
});

describe('parseListen', () => {
  it('host:port and [v6]:port', () => {
    assert.deepEqual(parseListen('0.0.0.0:9090'), { host: '0.0.0.0', port: 9090 });
    assert.deepEqual(parseListen('localhost:80'), { host: 'localhost', port: 80 });
    assert.deepEqual(parseListen('[::1]:9090'), { host: '::1', port: 9090 });
  });

  it('rejects what is not an address', () => {
    for (const bad of ['9090', ':9090', '::1:9090', 'host:99999', 'a b:1']) {
      assert.throws(() => parseListen(bad), /expected an address/, bad);
    }
  });
});
