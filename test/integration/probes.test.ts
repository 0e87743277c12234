import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProbeTarget } from '../../src/desired/types.ts';
import { runProbe } from '../../src/executors/probes/run-probe.ts';
import { readProc } from '../helpers/procfs.ts';
import { waitFor } from '../helpers/wait-for.ts';

function http(url: string, extra: Partial<Extract<ProbeTarget, { type: 'http' }>> = {}) {
  return { type: 'http', url, method: 'GET', headers: {}, expectedStatus: [], ...extra } as const;
}

function portOf(server: Server | TcpServer): number {
  return (server.address() as AddressInfo).port;
}

function listen<S extends Server | TcpServer>(server: S): Promise<S> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A process counts as gone when it has exited, whether or not its parent has reaped it yet. */
function gone(pid: number): boolean {
  const info = readProc(pid);
  return info === undefined || info.state === 'Z';
}

describe('HTTP probes', () => {
  let server: Server;
  let base: string;
  const seen: { method: string; headers: Record<string, unknown> }[] = [];
  let statusOfOk = 200;

  before(async () => {
    server = await listen(
      createHttpServer((req, res) => {
        seen.push({ method: req.method ?? '', headers: req.headers });
        switch (req.url) {
          case '/flip':
            res.writeHead(statusOfOk).end('fine\n');
            statusOfOk = 500;
            return;
          case '/redirect':
            res.writeHead(302, { location: '/elsewhere' }).end();
            return;
          case '/teapot':
            res.writeHead(418).end("I'm a teapot\nsecond line");
            return;
          case '/big':
            res.writeHead(200);
            res.end(Buffer.alloc(1024 * 1024, 'x'));
            return;
          case '/hang':
            return; // never answers
          default:
            res.writeHead(404).end();
        }
      }),
    );
    base = `http://127.0.0.1:${portOf(server)}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('succeeds on 200, then fails on 500 with the status in the message', async () => {
    const first = await runProbe(http(`${base}/flip`), 1000);
    assert.equal(first.ok, true);
    assert.equal(first.message, 'HTTP 200');
    assert.ok(first.durationMs > 0 && first.durationMs < 1000);
    const second = await runProbe(http(`${base}/flip`), 1000);
    assert.equal(second.ok, false);
    assert.match(second.message, /^HTTP 500/);
  });

  it('counts a redirect as success without following it', async () => {
    const before = seen.length;
    const outcome = await runProbe(http(`${base}/redirect`), 1000);
    assert.deepEqual([outcome.ok, outcome.message], [true, 'HTTP 302']);
    assert.equal(seen.length, before + 1, 'the redirect was followed');
  });

  it('accepts exactly the listed statuses when expected_status is given', async () => {
    const teapot = await runProbe(http(`${base}/teapot`, { expectedStatus: [418] }), 1000);
    assert.equal(teapot.ok, true);
    const notListed = await runProbe(
      http(`${base}/redirect`, { expectedStatus: [200, 204] }),
      1000,
    );
    assert.equal(notListed.ok, false);
    assert.equal(notListed.message, 'HTTP 302 (expected 200, 204)');
    const failedWithBody = await runProbe(http(`${base}/teapot`), 1000);
    assert.equal(failedWithBody.message, "HTTP 418: I'm a teapot");
  });

  it('sends the method and headers, with a fresh connection for every attempt', async () => {
    const outcome = await runProbe(
      http(`${base}/redirect`, { method: 'head', headers: { 'X-Probe': 'yes' } }),
      1000,
    );
    assert.equal(outcome.ok, true);
    const request = seen.at(-1)!;
    assert.equal(request.method, 'HEAD');
    assert.equal(request.headers['x-probe'], 'yes');
    assert.equal(request.headers.connection, 'close');
  });

  it('reads a large body only up to a bound', async () => {
    const outcome = await runProbe(http(`${base}/big`), 2000);
    assert.deepEqual([outcome.ok, outcome.message], [true, 'HTTP 200']);
  });

  it('fails with "timed out" when the server never answers', async () => {
    const outcome = await runProbe(http(`${base}/hang`), 200);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.message, 'timed out after 200 ms');
    assert.ok(outcome.durationMs >= 195 && outcome.durationMs < 1000, `${outcome.durationMs}`);
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    const closed = await listen(createTcpServer());
    const port = portOf(closed);
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await runProbe(http(`http://127.0.0.1:${port}/`), 1000);
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /ECONNREFUSED/);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const pending = runProbe(http(`${base}/hang`), 5000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const outcome = await pending;
    assert.deepEqual([outcome.ok, outcome.message], [false, 'aborted']);
    assert.ok(outcome.durationMs < 1000);
  });

  it('reports a URL it cannot use', async () => {
    const outcome = await runProbe(http('ftp://127.0.0.1/'), 1000);
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /unsupported URL scheme "ftp:"/);
  });
});

describe('HTTPS probes', () => {
  it('does not verify the certificate', { skip: !hasOpenssl() }, async () => {
    const { createServer } = await import('node:https');
    const { key, cert } = selfSigned();
    const server = createServer({ key, cert }, (_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const outcome = await runProbe(http(`https://127.0.0.1:${port}/`), 2000);
      assert.deepEqual([outcome.ok, outcome.message], [true, 'HTTP 204']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('TCP probes', () => {
  it('succeeds when something listens', async () => {
    const server = await listen(createTcpServer((socket) => socket.on('error', () => {})));
    try {
      const port = String(portOf(server));
      const outcome = await runProbe({ type: 'tcp', host: '127.0.0.1', port }, 1000);
      assert.deepEqual([outcome.ok, outcome.message], [true, `connected to 127.0.0.1:${port}`]);
    } finally {
      server.close();
    }
  });

  it('fails with ECONNREFUSED on a closed port', async () => {
    const closed = await listen(createTcpServer());
    const port = String(portOf(closed));
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await runProbe({ type: 'tcp', host: '127.0.0.1', port }, 1000);
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /ECONNREFUSED/);
  });

  it('rejects a port that is not a number', async () => {
    const outcome = await runProbe({ type: 'tcp', host: '127.0.0.1', port: '80a' }, 1000);
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /invalid port "80a"/);
  });
});

describe('exec probes', () => {
  const exec = (...command: string[]) => ({ type: 'exec', command }) as const;

  it('succeeds on exit code 0', async () => {
    const outcome = await runProbe(exec('true'), 1000);
    assert.deepEqual([outcome.ok, outcome.message], [true, 'exit code 0']);
  });

  it('fails on another exit code', async () => {
    const outcome = await runProbe(exec('false'), 1000);
    assert.deepEqual([outcome.ok, outcome.message], [false, 'exit code 1']);
  });

  it('puts the first line of stderr, else stdout, in the message', async () => {
    const err = await runProbe(
      exec('sh', '-c', 'echo out; echo "  db down" >&2; echo more >&2; exit 3'),
      1000,
    );
    assert.deepEqual([err.ok, err.message], [false, 'exit code 3: db down']);
    const out = await runProbe(exec('sh', '-c', `printf '%0300d\\n' 0; exit 2`), 1000);
    assert.equal(out.message, `exit code 2: ${'0'.repeat(200)}…`);
  });

  it('never hands the command the manager’s stdout', async () => {
    // Where each fd points, as /proc shows it: the probe's fd 1 and 2 are pipes of its own.
    const ours = readlinkSync('/proc/self/fd/1');
    const outcome = await runProbe(
      exec('sh', '-c', 'readlink /proc/$$/fd/1 /proc/$$/fd/2 >&2; exit 1'),
      1000,
    );
    const [, fd1] = /^exit code 1: (.*)$/.exec(outcome.message) ?? [];
    assert.ok(fd1 !== undefined && fd1 !== '', outcome.message);
    assert.notEqual(fd1, ours);
    assert.match(fd1, /^(pipe|socket):/);
  });

  it('reports a command that does not exist', async () => {
    const outcome = await runProbe(exec('/no/such/probe'), 1000);
    assert.deepEqual([outcome.ok, outcome.message], [false, 'command not found: /no/such/probe']);
  });

  it('kills a command that outlives the timeout, with its whole process group', async () => {
    const slow = await runProbe(exec('sleep', '5'), 200);
    assert.deepEqual([slow.ok, slow.message], [false, 'timed out after 200 ms']);
    assert.ok(slow.durationMs < 1000);

    // A shell that leaves a background child: both must be gone after the timeout.
    const pids = join(tmpdir(), `phpeek-probe-${process.pid}-${Date.now()}`);
    const outcome = await runProbe(
      exec('sh', '-c', `sleep 30 & echo "$$ $!" > ${pids}; wait`),
      300,
    );
    assert.equal(outcome.message, 'timed out after 300 ms');
    const [leader, background] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    assert.ok(leader! > 0 && background! > 0);
    assert.equal(readProc(background!)?.pgid ?? leader, leader, 'the child is not in the group');
    await waitFor('the probe group to be gone', () => gone(leader!) && gone(background!), 2000);
  });

  it('after a normal exit, kills what the command left running in its group', async () => {
    const pids = join(tmpdir(), `phpeek-probe-${process.pid}-${Date.now()}-bg`);
    const outcome = await runProbe(
      exec('sh', '-c', `sleep 30 >/dev/null 2>&1 & echo $! > ${pids}`),
      2000,
    );
    assert.equal(outcome.ok, true, outcome.message);
    const background = Number(readFileSync(pids, 'utf8').trim());
    await waitFor('the background child to be gone', () => gone(background), 2000);
  });
});

function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version']).status === 0;
}

/** A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'phpeek-probe-tls-'));
  try {
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=probe-test',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    assert.equal(made.status, 0, String(made.stderr));
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
