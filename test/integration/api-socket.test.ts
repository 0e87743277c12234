/**
 * The API over real sockets: TCP on loopback with and without a token, the Unix socket (mode,
 * stale files), server-sent events arriving live and released on disconnect.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startApiListeners } from '../../src/api/listeners.ts';
import { createApiServer } from '../../src/api/server.ts';
import { PmError } from '../../src/errors.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type Json, standardControl, TOKEN } from '../unit/api/api-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'phpeek-api-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Target {
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
}

function targetOf(address: string): Target {
  if (address.startsWith('unix:')) return { socketPath: address.slice(5) };
  const url = new URL(address);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

function call(
  target: Target,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; json: Json }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { ...target, method, path, headers: options.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: text ? JSON.parse(text) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('API over TCP', () => {
  it('listens on loopback without a token and answers', async () => {
    const control = standardControl();
    const listeners = await startApiListeners(createApiServer({ control }), {
      listen: '127.0.0.1:0',
      socket: false,
    });
    assert.equal(listeners.addresses.length, 1);
    assert.match(listeners.addresses[0]!, /^http:\/\/127\.0\.0\.1:\d+$/);
    const target = targetOf(listeners.addresses[0]!);
    const res = await call(target, 'GET', '/api/v1/processes');
    assert.equal(res.status, 200);
    assert.equal(res.json.processes.length, 2);
    const patch = await call(target, 'PATCH', '/api/v1/processes/web', {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: '{"replicas":3}',
    });
    assert.equal(patch.status, 200);
    assert.equal(control.desired().processes['web']?.replicas, 3);
    await listeners.close();
    await assert.rejects(call(target, 'GET', '/livez'), /ECONNREFUSED/);
  });

  it('with a token: 401 without it, 200 with it, and any address may be used', async () => {
    const app = createApiServer({ control: standardControl(), token: TOKEN });
    const listeners = await startApiListeners(app, {
      listen: '0.0.0.0:0',
      socket: false,
      token: TOKEN,
    });
    const port = Number(new URL(listeners.addresses[0]!).port);
    const target = { host: '127.0.0.1', port };
    const refused = await call(target, 'GET', '/api/v1/processes');
    assert.equal(refused.status, 401);
    assert.equal(refused.json.code, 'API_UNAUTHORIZED');
    const ok = await call(target, 'GET', '/api/v1/processes', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(ok.status, 200);
    assert.equal((await call(target, 'GET', '/livez')).status, 200);
    await listeners.close();
  });

  it('refuses 0.0.0.0 without a token, before opening anything', async () => {
    await assert.rejects(
      startApiListeners(createApiServer({ control: standardControl() }), {
        listen: '0.0.0.0:0',
        socket: join(dir, 'never.sock'),
      }),
      (e: unknown) => e instanceof PmError && e.code === 'API_LISTEN_INSECURE',
    );
    assert.equal(existsSync(join(dir, 'never.sock')), false);
  });

  it('a port in use is API_LISTEN_FAILED and leaves nothing open', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const socket = join(dir, 'busy-port.sock');
    await assert.rejects(
      startApiListeners(createApiServer({ control: standardControl() }), {
        listen: `127.0.0.1:${port}`,
        socket,
      }),
      (e: unknown) => e instanceof PmError && e.code === 'API_LISTEN_FAILED',
    );
    assert.equal(existsSync(socket), false);
    blocker.close();
  });

  it('answers a malformed HTTP request with 400 JSON', async () => {
    const listeners = await startApiListeners(createApiServer({ control: standardControl() }), {
      listen: '127.0.0.1:0',
      socket: false,
    });
    const { port } = targetOf(listeners.addresses[0]!);
    const raw = await new Promise<string>((resolve, reject) => {
      const s = connect(port!, '127.0.0.1', () => s.write('GARBAGE\r\n\r\n'));
      let text = '';
      s.on('data', (c) => {
        text += String(c);
      });
      s.on('end', () => resolve(text));
      s.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /\{"code":"API_BAD_REQUEST"/);
    await listeners.close();
  });
});

describe('API over the Unix socket', () => {
  it('creates the directory 0700 and the socket 0600, answers, and removes it on close', async () => {
    const socket = join(dir, 'run', 'phpeek-pm', 'api.sock');
    const listeners = await startApiListeners(createApiServer({ control: standardControl() }), {
      listen: false,
      socket,
    });
    assert.deepEqual(listeners.addresses, [`unix:${socket}`]);
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'run', 'phpeek-pm')).mode & 0o777, 0o700);
    const res = await call({ socketPath: socket }, 'GET', '/api/v1/processes/web');
    assert.equal(res.status, 200);
    assert.equal(res.json.name, 'web');
    await listeners.close();
    assert.equal(existsSync(socket), false);
  });

  it('replaces a stale socket file', async () => {
    const socket = join(dir, 'stale.sock');
    // A process that dies by SIGKILL leaves its socket file behind.
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    assert.ok(statSync(socket).isSocket());
    const listeners = await startApiListeners(createApiServer({ control: standardControl() }), {
      listen: false,
      socket,
    });
    assert.equal((await call({ socketPath: socket }, 'GET', '/livez')).status, 200);
    await listeners.close();
  });

  it('leaves a file that is not a socket, and a socket someone listens on, alone', async () => {
    const file = join(dir, 'not-a-socket');
    writeFileSync(file, 'keep me');
    await assert.rejects(
      startApiListeners(createApiServer({ control: standardControl() }), {
        listen: false,
        socket: file,
      }),
      (e: unknown) =>
        e instanceof PmError && e.code === 'API_SOCKET_PATH' && /not a socket/.test(e.message),
    );
    assert.equal(statSync(file).size, 7);

    const live = join(dir, 'live.sock');
    const first = await startApiListeners(createApiServer({ control: standardControl() }), {
      listen: false,
      socket: live,
    });
    await assert.rejects(
      startApiListeners(createApiServer({ control: standardControl() }), {
        listen: false,
        socket: live,
      }),
      (e: unknown) =>
        e instanceof PmError && e.code === 'API_SOCKET_PATH' && /listening/.test(e.message),
    );
    assert.equal(
      (await call({ socketPath: live }, 'GET', '/livez')).status,
      200,
      'first still serves',
    );
    await first.close();
  });
});

describe('server-sent events over a socket', () => {
  it('receives live events and releases the subscription when the client goes away', async () => {
    const control = standardControl();
    control.emit({ at: 1, type: 'spawned', instance: 'web-0', message: 'before' });
    const listeners = await startApiListeners(createApiServer({ control }), {
      listen: '127.0.0.1:0',
      socket: false,
    });
    const target = targetOf(listeners.addresses[0]!);
    let text = '';
    const req = request({ ...target, path: '/api/v1/events', agent: false });
    const response = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        resolve();
      });
      req.on('error', reject);
    });
    req.end();
    await response;
    await waitFor('replay', () => text.includes('"message":"before"'));
    control.emit({ at: 2, type: 'exited', instance: 'web-0', message: 'live' });
    await waitFor('live event', () => text.includes('id: 2\ndata: {"seq":2'));
    assert.equal(control.subscribers(), 1);
    req.destroy();
    await waitFor('unsubscribed', () => control.subscribers() === 0);
    await listeners.close();
  });

  it('close() ends open streams instead of waiting for them', async () => {
    const control = standardControl();
    const listeners = await startApiListeners(createApiServer({ control }), {
      listen: '127.0.0.1:0',
      socket: false,
    });
    const target = targetOf(listeners.addresses[0]!);
    // A keep-alive client: once its stream ends, the connection stays open unless closed.
    const agent = new Agent({ keepAlive: true });
    const ended = new Promise<void>((resolve) => {
      request({ ...target, path: '/api/v1/events', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('close', resolve);
      }).end();
    });
    await waitFor('subscribed', () => control.subscribers() === 1);
    const started = Date.now();
    await listeners.close();
    await ended;
    assert.ok(Date.now() - started < 1500, 'closed without waiting for the grace period');
    assert.equal(control.subscribers(), 0);
    agent.destroy();
  });
});
