/**
 * CPU cost of probing: this process plays the manager, with 200 instances each probed once a
 * second through the real ProbeScheduler and runProbe, and reports its own CPU time
 * (`process.cpuUsage`, all threads) per second of wall time as % of one core.
 *
 *   node --import tsx bench/probes.ts [--seconds 20] [--subjects 200] [--only tcp,http,...]
 *
 * Phases, each a fresh scheduler, a 2 s warm-up, then the measured window:
 * - `idle`: the same process with no probes (what every other figure includes).
 * - `tcp`: connect to a local listener, then reset the connection.
 * - `http`: GET against a local server, a fresh connection per attempt (what the manager does).
 * - `http-keepalive`: the same through a keep-alive agent, for comparison.
 * - `exec`: `true`. The children's own CPU is reported apart (reaped children, /proc/self/stat).
 *
 * The servers run in a separate process (this file with `--serve`), so their CPU is not counted.
 * Every instance starts at the same moment with the same period, so attempts come in bursts of
 * 200 once a second: the worst case for latency, the same average CPU as spread attempts.
 * Also shown: attempt durations, the share of wall time the event loop was busy
 * (`eventLoopUtilization`), and RSS after each phase (phases share one process that has tsx
 * loaded, so RSS only grows and is not the manager's figure).
 * Nothing here asserts: these are numbers for people to read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock.ts';
import type { ProbeTarget } from '../src/desired/types.ts';
import {
  type ProbeResult,
  ProbeScheduler,
  type ProbeSubject,
} from '../src/executors/probes/probe-scheduler.ts';
import { createProbeRunner, type ProbeRunner } from '../src/executors/probes/run-probe.ts';
import { sleep } from './lib/poll.ts';
import { clockTicksPerSecond } from './lib/proc.ts';
import { quantile } from './lib/stats.ts';

const PHASES = ['idle', 'tcp', 'http', 'http-keepalive', 'exec'] as const;
type Phase = (typeof PHASES)[number];

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    subjects: { type: 'string', default: '200' },
    only: { type: 'string' },
    serve: { type: 'boolean', default: false },
  },
});

/** The probed side: one TCP listener and one HTTP server; prints their ports. */
async function serve(): Promise<void> {
  const tcp = createTcpServer((socket) => {
    socket.on('error', () => {});
    socket.resume();
  });
  const http = createHttpServer((_req, res) => res.writeHead(200).end('ok\n'));
  http.on('clientError', (_error, socket) => socket.destroy());
  await Promise.all([
    new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', 1024, resolve)),
    new Promise<void>((resolve) => http.listen(0, '127.0.0.1', 1024, resolve)),
  ]);
  const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ tcp: port(tcp), http: port(http) })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

interface Row {
  readonly phase: Phase;
  readonly attemptsPerS: number;
  readonly failures: number;
  readonly firstFailure: string;
  readonly cpuPct: number;
  readonly userPct: number;
  readonly systemPct: number;
  readonly childrenPct: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly loopBusyPct: number;
  readonly rssMiB: number;
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const subjects = Number(args.subjects);
  const only = args.only ? new Set(args.only.split(',')) : undefined;
  const server = await startServer();
  try {
    const rows: Row[] = [];
    for (const phase of PHASES) {
      if (only && !only.has(phase)) continue;
      const row = await measure(phase, server.ports, subjects, seconds);
      rows.push(row);
      console.error(`${phase}: done`);
    }
    console.log(
      `\n${subjects} instances, 1 probe each per second, ${seconds} s window, node ${process.version}\n`,
    );
    console.log(table(rows));
  } finally {
    server.child.stdin?.end();
    server.child.kill();
  }
}

async function startServer(): Promise<{
  child: ChildProcess;
  ports: { tcp: number; http: number };
}> {
  const child = spawn(
    process.execPath,
    // The same loader flags as ours (`--import tsx`, or none when this file was bundled).
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.trim());
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, ports: JSON.parse(line) as { tcp: number; http: number } };
}

function targetFor(phase: Phase, ports: { tcp: number; http: number }): ProbeTarget | undefined {
  switch (phase) {
    case 'idle':
      return undefined;
    case 'tcp':
      return { type: 'tcp', host: '127.0.0.1', port: String(ports.tcp) };
    case 'http':
    case 'http-keepalive':
      return {
        type: 'http',
        url: `http://127.0.0.1:${ports.http}/health`,
        method: 'GET',
        headers: {},
        expectedStatus: [],
      };
    case 'exec':
      return { type: 'exec', command: ['true'] };
  }
}

async function measure(
  phase: Phase,
  ports: { tcp: number; http: number },
  count: number,
  seconds: number,
): Promise<Row> {
  const run: ProbeRunner = createProbeRunner({ httpKeepAlive: phase === 'http-keepalive' });
  const durations: number[] = [];
  let failures = 0;
  let firstFailure = '';
  let measuring = false;
  const scheduler = new ProbeScheduler({
    clock: systemClock,
    run,
    report: (result: ProbeResult) => {
      if (!measuring) return;
      durations.push(result.durationMs);
      if (!result.ok) {
        failures++;
        firstFailure ||= result.message;
      }
    },
  });
  const now = systemClock.now();
  const subjects: ProbeSubject[] = [];
  for (let i = 0; i < count; i++) {
    const target = targetFor(phase, ports);
    subjects.push({
      id: `web-${i}`,
      pid: 10_000 + i,
      startedAt: now,
      startupSucceeded: true,
      probes:
        target === undefined
          ? {}
          : {
              // Each instance gets its own target object, as per-instance substitution gives.
              liveness: {
                target,
                initialDelayMs: 0,
                periodMs: 1000,
                timeoutMs: 1000,
                successThreshold: 1,
                failureThreshold: 3,
              },
            },
    });
  }
  scheduler.sync(subjects);
  await sleep(2000);

  measuring = true;
  const elu0 = performance.eventLoopUtilization();
  const children0 = childrenCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const childrenMs = childrenCpuMs() - children0;
  const elu = performance.eventLoopUtilization(elu0);
  measuring = false;
  scheduler.stop();
  await sleep(500);

  const sorted = durations.sort((a, b) => a - b);
  const pct = (ms: number) => (100 * ms) / wallMs;
  return {
    phase,
    attemptsPerS: durations.length / (wallMs / 1000),
    failures,
    firstFailure,
    cpuPct: pct((cpu.user + cpu.system) / 1000),
    userPct: pct(cpu.user / 1000),
    systemPct: pct(cpu.system / 1000),
    childrenPct: pct(childrenMs),
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    loopBusyPct: 100 * elu.utilization,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
}

const HZ = clockTicksPerSecond();

/** CPU time of reaped children (cutime + cstime), in ms, in steps of one clock tick. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, cutime 16 and cstime 17 (1-based, man proc).
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / HZ;
}

function table(rows: readonly Row[]): string {
  const head = [
    'phase',
    'attempts/s',
    'failed',
    'CPU % of a core',
    'user %',
    'sys %',
    'children %',
    'attempt p50 ms',
    'p99 ms',
    'max ms',
    'event loop busy %',
    'RSS MiB',
  ];
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const lines = rows.map((r) => [
    r.phase,
    f(r.attemptsPerS),
    r.failures === 0 ? '0' : `${r.failures} (${r.firstFailure})`,
    f(r.cpuPct, 2),
    f(r.userPct, 2),
    f(r.systemPct, 2),
    r.phase === 'exec' ? f(r.childrenPct) : '-',
    f(r.p50Ms, 2),
    f(r.p99Ms, 2),
    f(r.maxMs, 1),
    f(r.loopBusyPct, 2),
    f(r.rssMiB, 0),
  ]);
  return [head, head.map(() => '---'), ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n');
}

// Last, so that every module-level constant above is initialized.
if (args.serve) {
  await serve();
} else {
  await main();
}
