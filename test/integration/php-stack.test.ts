/**
 * The Laravel-shaped example (examples/laravel) under the real manager as PID 1: migrations,
 * php-fpm, nginx, queue workers and the scheduler, with real PHP, php-fpm and nginx. Skipped
 * when they are not installed (.ci/run installs them).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatDiagnostic } from '../../src/desired/diagnostics.ts';
import { parseDesired } from '../../src/desired/load.ts';
import { canUnshare, ManagerUnderTest, repoRoot } from '../helpers/manager.ts';
import { descendants, readProc } from '../helpers/procfs.ts';
import { waitFor } from '../helpers/wait-for.ts';

const example = join(repoRoot, 'examples', 'laravel');
const PATH = `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/local/sbin:/usr/sbin:/sbin`;

/** The path of a command as a shell would find it with our PATH, or undefined. */
function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], {
    env: { ...process.env, PATH },
    encoding: 'utf8',
  });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Debian names it php-fpm8.2 (by PHP version), other images php-fpm. */
function findPhpFpm(): string | undefined {
  const versioned = ['/usr/sbin', '/usr/local/sbin'].flatMap((dir) => {
    try {
      return readdirSync(dir).filter((n) => /^php-fpm[\d.]*$/.test(n));
    } catch {
      return [];
    }
  });
  for (const name of [process.env.PHP_FPM_BIN, 'php-fpm8.2', 'php-fpm', ...versioned.sort()]) {
    const path = name === undefined ? undefined : which(name);
    if (path !== undefined) return path;
  }
  return undefined;
}

const phpFpm = findPhpFpm();
const missing = [
  phpFpm === undefined ? 'php-fpm' : undefined,
  which('nginx') === undefined ? 'nginx' : undefined,
  which('php') === undefined
    ? 'php'
    : spawnSync('php', ['-r', 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);']).status !== 0
      ? 'php-sqlite3 (pdo_sqlite)'
      : undefined,
  // The pool, the workers and the scheduler run as www-data, as in a Docker image.
  /^www-data:/m.test(readFileSync('/etc/passwd', 'utf8')) ? undefined : 'a www-data user',
].filter((m): m is string => m !== undefined);

const skip = !canUnshare
  ? 'needs root and unshare --pid'
  : missing.length > 0
    ? `needs ${missing.join(', ')} (apt-get install php-fpm php-cli php-sqlite3 nginx)`
    : false;

describe('the example configurations', () => {
  for (const name of readdirSync(join(repoRoot, 'examples'))) {
    const file = join(repoRoot, 'examples', name, 'phpeek-pm.yaml');
    it(`examples/${name}/phpeek-pm.yaml is valid with its defaults`, () => {
      const result = parseDesired(readFileSync(file, 'utf8'), file, {});
      assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
    });
  }
});

describe('a Laravel-shaped stack under phpeek-pm as PID 1', { skip }, () => {
  const config = readFileSync(join(example, 'phpeek-pm.yaml'), 'utf8');
  let app: string;
  let m: ManagerUnderTest;
  let httpPort: number;
  let fpmPort: number;

  before(async () => {
    // A copy of the app without whatever a run by hand left in storage/.
    app = mkdtempSync(join(tmpdir(), 'phpeek-pm-laravel-'));
    cpSync(example, app, {
      recursive: true,
      filter: (src) =>
        !/^\/(storage|bootstrap\/cache)\/(?!\.gitignore$)/.test(src.slice(example.length)),
    });
    // mkdtemp makes it 0700: php-fpm's workers (www-data) must get in to read the code.
    chmodSync(app, 0o755);
    [httpPort = 0, fpmPort = 0] = await freePorts(2);
    m = new ManagerUnderTest(config, {
      pid1: true,
      env: {
        PATH,
        APP_DIR: app,
        APP_CONF_DIR: join(app, 'deploy'),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        FPM_PORT: String(fpmPort),
        PHP_FPM_BIN: phpFpm!,
        // Every second rather than every minute, to see it run.
        SCHEDULER_CRON: '* * * * * *',
        PHPEEK_PM_API_SOCKET: join(app, 'api.sock'),
      },
    });
    await withTail(
      waitFor(
        'nginx serving /up',
        async () => (await get('/up').catch(() => undefined))?.status === 200,
        20_000,
        100,
      ),
    );
  });

  after(async () => {
    await m?.dispose();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  const url = (path: string) => `http://127.0.0.1:${httpPort}${path}`;
  const get = (path: string) => fetch(url(path));
  const stats = async () => (await (await get('/stats')).json()) as Stats;

  /** Manager log lines (not the children's), in the order the manager wrote them. */
  const managerLines = () => m.lines.filter((l) => l.startsWith('phpeek-pm'));
  const indexOf = (pattern: RegExp) => {
    const at = managerLines().findIndex((l) => pattern.test(l));
    assert.ok(at >= 0, `no manager line matches ${pattern}\n${m.tail(80)}`);
    return at;
  };

  it('serves a page that PHP rendered, through nginx and php-fpm', async () => {
    const response = await get('/');
    assert.equal(response.status, 200);
    const body = await response.text();
    assert.match(body, /<h1>Hello from PHP \d+\.\d+\.\d+<\/h1>/);
    assert.match(body, /Rendered by fpm-fcgi, worker pid \d+/);
  });

  it('ran the migration once, to completion, before php-fpm; nginx once php-fpm was ready', async () => {
    const migrateDone = indexOf(/migrate-0 \(pid \d+\) exited with code 0/);
    const fpmStart = indexOf(/start php-fpm-0: start/);
    const fpmReady = indexOf(/php-fpm-0 readiness probe passed/);
    const nginxStart = indexOf(/start nginx-0: start/);
    assert.ok(migrateDone < fpmStart, 'php-fpm started before the migration completed');
    assert.ok(
      fpmStart < fpmReady && fpmReady < nginxStart,
      'nginx started before php-fpm was ready',
    );
    assert.equal(managerLines().filter((l) => /start migrate-0:/.test(l)).length, 1);
    const { migrations } = await stats();
    assert.deepEqual(
      migrations.map((row) => row.batch),
      [1, 1],
      'two migrations, applied in one batch',
    );
  });

  it('runs php-fpm with the pool settings that auto-tuning computed', async () => {
    const tuned = /pm = (\w+), pm\.max_children = (\d+)/.exec(managerLines().join('\n'));
    assert.ok(tuned, `no auto-tuning report in the log\n${m.tail(80)}`);
    const [, pm, maxChildren] = tuned;
    const status = await fastcgi(fpmPort, {
      SCRIPT_NAME: '/fpm-status',
      SCRIPT_FILENAME: '/fpm-status',
    });
    assert.match(status, /^pool:\s+app$/m);
    assert.match(status, new RegExp(`^process manager:\\s+${pm}$`, 'm'));
    const total = Number(/^total processes:\s+(\d+)$/m.exec(status)?.[1]);
    assert.ok(total >= 1 && total <= Number(maxChildren), `${total} php-fpm workers`);
  });

  it('drains the queue with more than one worker', async () => {
    const queued = await fetch(url('/jobs?count=12&ms=250'), { method: 'POST' });
    assert.equal(queued.status, 202);
    const done = await withTail(
      waitFor(
        'all 12 jobs processed',
        async () => {
          const now = await stats();
          return now.queue.processed === 12 ? now : undefined;
        },
        15_000,
        100,
      ),
    );
    const workers = Object.keys(done.queue.by_worker);
    for (const w of workers) assert.match(w, /^queue-worker-[0-2] \(pid \d+\)$/);
    assert.ok(workers.length > 1, `one worker did everything: ${workers.join(', ')}`);
  });

  it('runs the scheduled schedule:run', async () => {
    await waitFor('a schedule run recorded', async () => (await stats()).schedule_runs > 0, 10_000);
    await m.waitForLine(/^phpeek-pm +\| INFO +scheduler-0 \(pid \d+\) exited with code 0/);
  });

  it('scales the workers through the API, then through the file', async () => {
    const before = await waitForWorkers(3);
    const patched = await apiPatch(join(app, 'api.sock'), '/api/v1/processes/queue-worker', {
      replicas: 5,
    });
    assert.equal(patched, 200);
    const five = await waitForWorkers(5);
    for (const [id, pid] of before) assert.equal(five.get(id), pid, `${id} was not touched`);

    // The file's replicas change: newer than the API's write, so the file wins.
    const edited = config.replace(/^( +)replicas: 3$/m, '$1replicas: 2');
    assert.notEqual(edited, config);
    m.writeConfig(edited);
    const two = await waitForWorkers(2);
    assert.deepEqual([...two.keys()].sort(), ['queue-worker-0', 'queue-worker-1']);
    for (const [id, pid] of two) assert.equal(before.get(id), pid, `${id} was not touched`);
    for (const id of ['queue-worker-2', 'queue-worker-3', 'queue-worker-4']) {
      await m.waitForLine(
        new RegExp(`^phpeek-pm +\\| INFO +${id} \\(pid \\d+\\) stopped: exited with code 0`),
      );
    }
  });

  it('leaves no zombies behind', async () => {
    const manager = m.managerPid();
    await waitFor(
      'no zombie below the manager',
      () => descendants(manager).every((p) => p.state !== 'Z'),
      5_000,
    );
  });

  it('on SIGTERM lets requests in progress finish, stops everything in order, exits 0', async () => {
    const from = m.lines.length;
    // One request through nginx, one straight to php-fpm that outlasts nginx's stop: php-fpm
    // gets SIGQUIT while it still serves the second, and must finish it.
    const viaNginx = get('/slow?ms=1500').then(async (r) => ({
      status: r.status,
      body: await r.text(),
    }));
    const direct = fastcgi(fpmPort, {
      SCRIPT_FILENAME: join(app, 'public', 'index.php'),
      REQUEST_URI: '/slow?ms=3000',
      QUERY_STRING: 'ms=3000',
    });
    await waitFor(
      'both slow requests started',
      () => m.lines.slice(from).filter((l) => /slow request started/.test(l)).length === 2,
    );
    const namespace = descendants(m.child.pid!).map((p) => ({ pid: p.pid, start: p.starttime }));

    const signalled = Date.now();
    m.signal('SIGTERM');
    const [nginxAnswer, fpmAnswer, exit] = await Promise.all([viaNginx, direct, m.exited]);
    const tookMs = Date.now() - signalled;

    assert.equal(nginxAnswer.status, 200);
    assert.equal(nginxAnswer.body, 'slept 1500 ms\n');
    assert.match(fpmAnswer, /\r\n\r\nslept 3000 ms\n$/);
    assert.doesNotMatch(fpmAnswer, /^Status: 5/m);
    assert.equal(exit.code, 0, m.tail(60));
    // Within the stop timeouts (25 s): nothing had to be killed.
    assert.ok(tookMs < 25_000, `shutdown took ${tookMs} ms`);

    // nginx (a dependent) first, then php-fpm, each with its graceful signal.
    const nginxStopped = indexOf(/nginx-0 \(pid \d+\) stopped: exited with code 0/);
    const fpmStop = indexOf(/stop php-fpm-0 \(pid \d+\) with SIGQUIT/);
    assert.ok(nginxStopped < fpmStop, 'php-fpm was stopped before nginx');
    indexOf(/stop nginx-0 \(pid \d+\) with SIGQUIT/);
    indexOf(/php-fpm-0 \(pid \d+\) stopped: exited with code 0/);
    indexOf(/queue-worker-0 \(pid \d+\) stopped: exited with code 0/);
    indexOf(/queue-worker-1 \(pid \d+\) stopped: exited with code 0/);
    assert.equal(managerLines().filter((l) => /leftover process/.test(l)).length, 0);
    indexOf(/exiting with code 0/);

    // Everything that ran in the namespace (php-fpm's and nginx's own workers too) is gone.
    const survivors = namespace.filter(({ pid, start }) => readProc(pid)?.starttime === start);
    assert.deepEqual(survivors, []);
  });

  /** Instance id → pid of each running `php artisan queue:work`, read from /proc. */
  function workers(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, pid] of m.instances()) {
      if (!id.startsWith('queue-worker-')) continue;
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {}
      if (cmdline.split('\0').includes('queue:work')) out.set(id, pid);
    }
    return out;
  }

  function waitForWorkers(n: number): Promise<Map<string, number>> {
    return withTail(
      waitFor(
        `${n} queue workers running`,
        () => {
          const now = workers();
          return now.size === n ? now : undefined;
        },
        15_000,
      ),
    );
  }

  /** A wait that fails with the manager's last lines in its message. */
  async function withTail<T>(wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${m.tail(80)}`);
    }
  }
});

interface Stats {
  queue: { queued: number; reserved: number; processed: number; by_worker: Record<string, number> };
  migrations: { migration: string; batch: number }[];
  schedule_runs: number;
}

/** Ports free right now on 127.0.0.1 (the kernel picks them). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** PATCH with a JSON body over the manager's Unix socket; resolves with the status. */
function apiPatch(socketPath: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path, method: 'PATCH', headers: { 'content-type': 'application/json' } },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * One FastCGI request (a GET, no body) straight to php-fpm; resolves with what the script
 * wrote (headers, blank line, body). Just enough of the protocol for a test.
 */
function fastcgi(port: number, params: Record<string, string>): Promise<string> {
  const record = (type: number, content: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt8(1, 0); // version
    header.writeUInt8(type, 1);
    header.writeUInt16BE(1, 2); // request id
    header.writeUInt16BE(content.length, 4);
    return Buffer.concat([header, content]);
  };
  const length = (n: number) =>
    n < 128 ? Buffer.from([n]) : Buffer.from([(n >>> 24) | 0x80, n >>> 16, n >>> 8, n]);
  const all = { REQUEST_METHOD: 'GET', SERVER_PROTOCOL: 'HTTP/1.1', ...params };
  const pairs = Buffer.concat(
    Object.entries(all).flatMap(([k, v]) => [
      length(Buffer.byteLength(k)),
      length(Buffer.byteLength(v)),
      Buffer.from(k),
      Buffer.from(v),
    ]),
  );
  const BEGIN = 1;
  const END = 3;
  const PARAMS = 4;
  const STDIN = 5;
  const STDOUT = 6;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let pending = Buffer.alloc(0);
    let out = '';
    let ended = false;
    socket.on('connect', () =>
      socket.write(
        Buffer.concat([
          record(BEGIN, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), // role responder, no keep-alive
          record(PARAMS, pairs),
          record(PARAMS, Buffer.alloc(0)),
          record(STDIN, Buffer.alloc(0)),
        ]),
      ),
    );
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const size = pending.readUInt16BE(4);
        const padding = pending.readUInt8(6);
        if (pending.length < 8 + size + padding) break;
        const type = pending.readUInt8(1);
        if (type === STDOUT) out += pending.subarray(8, 8 + size).toString();
        if (type === END) ended = true;
        pending = pending.subarray(8 + size + padding);
      }
    });
    socket.on('error', reject);
    socket.on('close', () =>
      ended ? resolve(out) : reject(new Error(`php-fpm closed the connection early: ${out}`)),
    );
  });
}
