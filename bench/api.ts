/**
 * Throughput and latency of the management API, with a fake control plane of 10 processes x
 * 10 replicas (100 instances, each with probe results and a last exit, some waiting with a
 * reason).
 *
 *   node --import tsx bench/api.ts [--seconds 5] [--concurrency 16]
 *
 * - start-up: importing src/api/server.ts (fastify, its plugins, TypeBox), createApiServer +
 *   ready(), and the first OpenAPI document (built lazily on its first request).
 * - over a real loopback socket: `GET /api/v1/processes` (the big view, ~60 KB) and `/livez`
 *   (routing and auth alone), from a client in a separate process (this file with `--client`)
 *   so that the client's CPU does not count against the server. The client keeps
 *   `--concurrency` requests in flight on keep-alive connections for `--seconds` after a 1 s
 *   warm-up, and reports requests/s and latency percentiles.
 * - `app.inject()`: the same request without a socket, one at a time, for comparison.
 *
 * Nothing here asserts: these are numbers for people to read.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { InstanceState } from '../src/observed/types.ts';
import { observedOf, proc, running } from '../test/helpers/states.ts';
import { fakeControl } from '../test/unit/api/fake-control.ts';
import { quantile } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    client: { type: 'boolean', default: false },
    port: { type: 'string' },
    path: { type: 'string' },
  },
});

interface ClientResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly latenciesMs: number[];
}

/** The client side: keeps `concurrency` GETs in flight; prints a ClientResult as JSON. */
async function client(): Promise<void> {
  const port = Number(args.port);
  const path = args.path ?? '/';
  const concurrency = Number(args.concurrency);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
  const run = async (untilMs: number, record: boolean, out: ClientResult) => {
    while (performance.now() < untilMs) {
      const t0 = performance.now();
      try {
        const bytes = await get();
        if (record) {
          (out as { requests: number }).requests++;
          (out as { bytes: number }).bytes += bytes;
          out.latenciesMs.push(performance.now() - t0);
        }
      } catch {
        if (record) (out as { errors: number }).errors++;
      }
    }
  };
  const warm: ClientResult = { requests: 0, errors: 0, seconds: 0, bytes: 0, latenciesMs: [] };
  const warmUntil = performance.now() + 1000;
  await Promise.all(Array.from({ length: concurrency }, () => run(warmUntil, false, warm)));
  const result: ClientResult = { requests: 0, errors: 0, seconds: 0, bytes: 0, latenciesMs: [] };
  const start = performance.now();
  const until = start + Number(args.seconds) * 1000;
  await Promise.all(Array.from({ length: concurrency }, () => run(until, true, result)));
  (result as { seconds: number }).seconds = (performance.now() - start) / 1000;
  agent.destroy();
  process.stdout.write(JSON.stringify(result));
}

function fleet() {
  const processes = Array.from({ length: 10 }, (_, p) =>
    proc(`worker-${p}`, { replicas: 10, probes: { readiness: {} as never } }),
  );
  const instances: InstanceState[] = [];
  for (const spec of processes) {
    for (let i = 0; i < 10; i++) {
      instances.push(
        running(spec.name, i, {
          pid: 10_000 + instances.length,
          restarts: i,
          startedAt: 1_700_000_000_000,
          lastExit: { code: 1, signal: null, at: 1_699_999_999_000, requested: false },
          probes: {
            readiness: {
              state: 'success',
              successes: 3,
              failures: 0,
              lastMessage: 'HTTP 200',
              lastAt: 1_700_000_001_000,
              lastDurationMs: 2,
            },
          },
        }),
      );
    }
  }
  return fakeControl(processes, {
    observed: observedOf(instances),
    plan: {
      actions: [],
      blocked: processes.map((p) => ({
        id: `${p.name}-9`,
        process: p.name,
        reason: 'backoff: exited with code 1; restarting in 2000 ms',
        until: 1_700_000_002_000,
      })),
    },
  });
}

function runClient(port: number, path: string): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--client',
        '--port',
        String(port),
        '--path',
        path,
        '--seconds',
        String(args.seconds),
        '--concurrency',
        String(args.concurrency),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => {
      out += String(c);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as ClientResult)
        : reject(new Error(`client exited ${code}`)),
    );
  });
}

function describeLatencies(label: string, values: number[], seconds: number, extra = ''): string {
  const sorted = [...values].sort((a, b) => a - b);
  const rate = values.length / seconds;
  const f = (q: number) => quantile(sorted, q).toFixed(2);
  return `${label.padEnd(34)} ${rate.toFixed(0).padStart(7)} req/s   p50 ${f(0.5)} ms   p90 ${f(0.9)} ms   p99 ${f(0.99)} ms${extra}`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { createApiServer, startApiListeners } = await import('../src/api/server.ts');
  const imported = performance.now();
  const control = fleet();
  const app = createApiServer({ control, rateLimit: false });
  await app.ready();
  const ready = performance.now();
  const doc = await app.inject({ url: '/api/v1/openapi.json' });
  const documented = performance.now();
  const doc2Start = performance.now();
  await app.inject({ url: '/api/v1/openapi.json' });
  const doc2 = performance.now() - doc2Start;
  console.log(
    `node ${process.version}, ${process.arch}, concurrency ${args.concurrency}, ${args.seconds} s per run`,
  );
  console.log(`import src/api/server.ts           ${(imported - t0).toFixed(1)} ms (with tsx)`);
  console.log(`createApiServer + ready()          ${(ready - imported).toFixed(1)} ms`);
  console.log(
    `first /api/v1/openapi.json         ${(documented - ready).toFixed(1)} ms (${doc.body.length} bytes; next ${doc2.toFixed(2)} ms)`,
  );

  const listeners = await startApiListeners(app, { listen: '127.0.0.1:0', socket: false });
  const port = Number(new URL(listeners.addresses[0]!).port);
  for (const path of ['/api/v1/processes', '/livez']) {
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const result = await runClient(port, path);
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const size = result.requests > 0 ? Math.round(result.bytes / result.requests) : 0;
    const cpuShare = ((cpu.user + cpu.system) / 1e6 / (result.seconds + 1)) * 100;
    console.log(
      describeLatencies(
        `socket GET ${path}`,
        result.latenciesMs,
        result.seconds,
        `   ${size} B, ${result.errors} errors, server CPU ${cpuShare.toFixed(0)}%, loop busy ${(elu.utilization * 100).toFixed(0)}%`,
      ),
    );
  }
  await listeners.close();

  const injectApp = createApiServer({ control, rateLimit: false });
  for (const path of ['/api/v1/processes', '/livez']) {
    for (let i = 0; i < 200; i++) await injectApp.inject({ url: path });
    const latencies: number[] = [];
    const start = performance.now();
    const until = start + Number(args.seconds) * 1000;
    while (performance.now() < until) {
      const t = performance.now();
      await injectApp.inject({ url: path });
      latencies.push(performance.now() - t);
    }
    console.log(
      describeLatencies(
        `inject GET ${path} (sequential)`,
        latencies,
        (performance.now() - start) / 1000,
      ),
    );
  }
  await injectApp.close();
}

if (args.client) await client();
else await main();
