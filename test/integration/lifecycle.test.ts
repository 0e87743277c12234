import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { fixture, ManagerUnderTest } from '../helpers/manager.ts';
import { commOf, descendants, envOf } from '../helpers/procfs.ts';
import { waitFor } from '../helpers/wait-for.ts';

const server = fixture('http-server.mjs');
/** A free-ish port range per test, so parallel test files do not collide. */
let nextPort = 21000 + (process.pid % 500) * 20;
const ports = (n: number) => {
  const base = nextPort;
  nextPort += n + 2;
  return base;
};

function httpOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

describe('lifecycle with real processes', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });
  const start = (config: string) => {
    const m = new ManagerUnderTest(config);
    managers.push(m);
    return m;
  };

  it('a readiness probe on an HTTP server gates its dependent', async () => {
    const port = ports(1);
    const m = start(`
processes:
  api:
    command: ["node", "${server}", "${port}", "700"]
    probes:
      readiness: { http: { port: ${port}, path: /healthz }, period: 100ms }
  web:
    command: ["sleep", "1000"]
    depends_on: { api: { condition: process_healthy } }
`);
    await m.waitForLine(/web-0 waiting for api: process_healthy \(0\/1 ready\)/);
    await m.waitForLine(/api-0 readiness probe passed/);
    const startLine = await m.waitForLine(/start web-0/);
    const readyAt = m.lines.findIndex((l) => /api-0 readiness probe passed/.test(l));
    assert.ok(m.lines.indexOf(startLine) > readyAt, 'web started before api was ready');
  });

  it('a liveness probe that starts failing gets the instance restarted', async () => {
    const port = ports(1);
    const m = start(`
processes:
  api:
    command: ["node", "${server}", "${port}", "0", "600"]
    restart_backoff: { initial: 100ms }
    probes:
      liveness: { http: { port: ${port}, path: /healthz }, period: 100ms, failure_threshold: 2 }
`);
    await m.waitForLine(/api-0 liveness probe failed: .*503/);
    await m.waitForLine(/stop api-0 .*liveness probe failed/);
    await m.waitForLine(/start api-0: restart: liveness probe failed/);
  });

  it('a startup probe holds back readiness and liveness until it passes', async () => {
    const port = ports(1);
    const m = start(`
processes:
  slow:
    command: ["node", "${server}", "${port}", "800"]
    probes:
      startup: { http: { port: ${port}, path: /healthz }, period: 100ms, failure_threshold: 50 }
      liveness: { http: { port: ${port}, path: /healthz }, period: 100ms, failure_threshold: 1 }
`);
    await m.waitForLine(/slow-0 startup probe passed/);
    // Before the startup probe passed, liveness (failure_threshold 1) would have killed it.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(m.lines.filter((l) => /start slow-0/.test(l)).length, 1);
    assert.ok(!m.lines.some((l) => /liveness probe failed/.test(l)));
  });

  it('a oneshot migration runs once and gates the app', async () => {
    const m = start(`
processes:
  migrate:
    type: oneshot
    command: 'echo migrating; sleep 0.3; echo migrated'
  app:
    command: ["sleep", "1000"]
    depends_on: { migrate: { condition: process_completed_successfully } }
`);
    await m.waitForLine(/app-0 waiting for migrate: process_completed_successfully/);
    await m.waitForInstances(['app-0']);
    const migrated = m.lines.findIndex((l) => /migrate-0\s+\| migrated/.test(l));
    const started = m.lines.findIndex((l) => /start app-0/.test(l));
    assert.ok(migrated >= 0 && started > migrated);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(m.lines.filter((l) => /start migrate-0/.test(l)).length, 1);
  });

  it('a failed oneshot blocks its dependents with the reason', async () => {
    const m = start(`
processes:
  migrate:
    type: oneshot
    command: 'echo "SQLSTATE: no such table" >&2; exit 3'
  app:
    command: ["sleep", "1000"]
    depends_on: { migrate: { condition: process_completed_successfully } }
`);
    await m.waitForLine(
      /app-0 blocked: migrate will not become completed: migrate-0 exited with code 3; restart: never/,
    );
    assert.ok(!m.lines.some((l) => /start app-0/.test(l)));
  });

  it('rolling replacement of 4 replicas never has more than one unavailable', async () => {
    // Four digits, so that `${base}${replica}` is a valid port for replicas 0..3.
    const base = 1000 + (process.pid % 5000);
    const config = (version: string) => `
processes:
  api:
    command: 'exec node ${server} ${base}$PHPEEK_PM_REPLICA'
    replicas: 4
    env: { VERSION: "${version}" }
    stop: { timeout: 2s }
    probes:
      readiness: { http: { port: "${base}\${PHPEEK_PM_REPLICA}", path: /healthz }, period: 100ms }
`;
    // The fixture listens on `${base}${replica}`: four adjacent-looking ports base0..base3.
    const replicaPorts = [0, 1, 2, 3].map((i) => Number(`${base}${i}`));
    const m = start(config('1'));
    await waitFor(
      'all 4 replicas serving',
      async () => (await Promise.all(replicaPorts.map(httpOk))).every(Boolean),
      15_000,
    );
    await waitFor(
      'all ready',
      () => m.lines.filter((l) => /readiness probe passed/.test(l)).length >= 4,
    );
    const before = m.instances();

    let minServing = 4;
    let watching = true;
    const observer = (async () => {
      while (watching) {
        const serving = (await Promise.all(replicaPorts.map(httpOk))).filter(Boolean).length;
        minServing = Math.min(minServing, serving);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    m.writeConfig(config('2'));
    await waitFor(
      'every replica replaced',
      () => {
        const now = m.instances();
        return now.size === 4 && [...now].every(([id, pid]) => before.get(id) !== pid);
      },
      30_000,
    );
    await waitFor('all 4 serving again', async () =>
      (await Promise.all(replicaPorts.map(httpOk))).every(Boolean),
    );
    watching = false;
    await observer;
    assert.ok(minServing >= 3, `at one point only ${minServing} of 4 replicas answered`);
    assert.equal(m.lines.filter((l) => /stop api-\d .*rolling replacement/.test(l)).length, 4);
  });

  it('rolling replacement with max_surge keeps every replica running beside its replacement', async () => {
    const config = (version: string) => `
processes:
  w:
    command: ["sleep", "1000"]
    replicas: 2
    env: { VERSION: "${version}" }
    rollout: { max_unavailable: 0, max_surge: 1 }
    probes:
      readiness: { exec: { command: ["true"] }, initial_delay: 300ms, period: 100ms }
`;
    const m = start(config('1'));
    await waitFor(
      'both ready',
      () => m.lines.filter((l) => /readiness probe passed/.test(l)).length >= 2,
    );
    const running = () => {
      const versions: string[] = [];
      for (const p of descendants(m.managerPid())) {
        if (p.ppid !== m.managerPid() || p.state === 'Z') continue;
        // Exec probes run with the instance's environment too: count the instances only.
        if (commOf(p.pid) !== 'sleep') continue;
        if (envOf(p.pid, 'PHPEEK_PM_PROCESS_NAME') === 'w') {
          versions.push(envOf(p.pid, 'VERSION') ?? '?');
        }
      }
      return versions;
    };
    let min = 2;
    let max = 2;
    let watching = true;
    const observer = (async () => {
      while (watching) {
        const n = running().length;
        min = Math.min(min, n);
        max = Math.max(max, n);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    m.writeConfig(config('2'));
    await waitFor(
      'both replaced',
      () => {
        const v = running();
        return v.length === 2 && v.every((x) => x === '2');
      },
      20_000,
    );
    watching = false;
    await observer;
    assert.ok(min >= 2, `only ${min} running at one point`);
    assert.ok(max <= 3, `${max} running at one point (max_surge 1)`);
    assert.equal(m.lines.filter((l) => /retire w-\d/.test(l)).length, 2);
  });

  it('a critical process that fails for good makes the manager exit with its code', async () => {
    const m = start(`
processes:
  keeper:
    command: ["sleep", "1000"]
  vital:
    command: 'sleep 0.2; exit 42'
    critical: true
    max_restarts: 1
    restart_backoff: { initial: 50ms }
`);
    const { code } = await m.exited;
    assert.equal(code, 42);
    assert.ok(
      m.lines.some((l) =>
        /critical process vital-0 failed: exited with code 42; restarted 1 times/.test(l),
      ),
    );
    assert.ok(m.lines.some((l) => /keeper-0 .*stopped/.test(l)));
  });

  it('a cron job every second runs, never overlaps, and an overrun is killed', async () => {
    const m = start(`
global: { log_format: json }
processes:
  tick:
    schedule: "* * * * * *"
    command: 'echo "run at $(date +%s%N)"; sleep 1.6; echo done'
    timeout: 1200ms
`);
    await waitFor(
      'two timed-out runs',
      () => m.lines.filter((l) => l.includes('timeout: still running after 1200 ms')).length >= 2,
      15_000,
    );
    const records = m.lines.map((l) => JSON.parse(l) as { message: string; time: string });
    assert.ok(
      records.some((r) =>
        /run due at .* skipped: tick-0 still running \(concurrency: forbid\)/.test(r.message),
      ),
    );
    assert.ok(
      !records.some((r) => /start tick-1/.test(r.message)),
      'a second run overlapped the first',
    );
    assert.ok(
      !records.some((r) => r.message === 'done'),
      'an overrun finished instead of being stopped',
    );
    assert.ok(records.filter((r) => /^run at/.test(r.message)).length >= 2);
  });

  it('a failing pre_start hook stops start-up with a clear error', async () => {
    const m = start(`
global:
  hooks:
    pre_start: [{ command: "echo preparing; exit 4", timeout: 5s }]
processes:
  web:
    command: ["sleep", "1000"]
`);
    const { code } = await m.exited;
    assert.equal(code, 1);
    assert.ok(m.lines.some((l) => /pre_start hook 1 .*exited with code 4.*not starting/.test(l)));
    assert.ok(!m.lines.some((l) => /start web-0/.test(l)));
  });

  it('runs a per-process pre_stop hook before the stop signal', async () => {
    const m = start(`
processes:
  web:
    command: 'trap "echo got TERM; exit 0" TERM; echo up; while :; do sleep 0.1; done'
    pre_stop: [ 'echo draining $PHPEEK_PM_INSTANCE_ID; sleep 0.2' ]
`);
    await m.waitForLine(/web-0\s+\| up/);
    m.signal('SIGTERM');
    await m.exited;
    const drained = m.lines.findIndex((l) => /draining web-0/.test(l));
    const term = m.lines.findIndex((l) => /got TERM/.test(l));
    assert.ok(drained >= 0 && term > drained, m.tail());
  });
});
