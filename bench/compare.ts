/**
 * phpeek-pm against s6, supervisord and PM2 on this machine, in one run: cold start, memory,
 * idle CPU, graceful stop, restart after kill -9, scaling at runtime and spawn throughput, each
 * for N children where it applies, the tools in alternation over several rounds.
 *
 *   node --import tsx bench/compare.ts [--quick] [--rounds N] [--only start,restart,scale,idle]
 *                                      [--tools s6,supervisord,pm2] [--sizes 10,100]
 *                                      [--no-install]
 *
 * `npm run bench` builds the bundle first and runs this. Installs missing peers (apt-get as
 * root, PM2 into bench/.peers). Writes bench/results/latest.{md,json,svg} (`--quick`:
 * quick.{md,json,svg}). What each figure means and how each peer is set up: bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type MetricId, Results } from './lib/compare-metrics.ts';
import { comparisonNotes } from './lib/compare-notes.ts';
import { writeComparison } from './lib/compare-report.ts';
import { type CpuReading, cpuBetween, readGroupCpu, readGroupMemory } from './lib/group-usage.ts';
import { killLeftoversOnExit, type Launched, launchNode, ROOT } from './lib/manager.ts';
import { setUpPeers } from './lib/peers.ts';
import { pollUntil, sleep, sleepSync } from './lib/poll.ts';
import { clockTicksPerSecond, hasExited } from './lib/proc.ts';
import { jiffies, quietGate } from './lib/quiet.ts';
import { ExitWatch, type SleeperWatch } from './lib/sleepers.ts';
import { median } from './lib/stats.ts';
import { bashTool, nodeTool } from './lib/tools/baselines.ts';
import type { Fleet, StartOptions, Tool, ToolId } from './lib/tools/fleet.ts';
import { phpeekTool } from './lib/tools/phpeek.ts';

const PARTS = ['start', 'restart', 'scale', 'idle'] as const;
type Part = (typeof PARTS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    tools: { type: 'string' },
    sizes: { type: 'string' },
    'no-install': { type: 'boolean', default: false },
  },
});
const QUICK = args.quick ?? false;
const only = new Set((args.only ?? PARTS.join(',')).split(','));
const wanted = new Set((args.tools ?? 's6,supervisord,pm2').split(','));
for (const part of only) {
  if (!(PARTS as readonly string[]).includes(part)) {
    console.error(`bench/compare.ts: --only takes ${PARTS.join(', ')}; found ${part}`);
    process.exit(2);
  }
}

/** How much of everything; `--quick` stays under 3 minutes, the full run under 15. */
const SETTINGS = QUICK
  ? {
      rounds: { start: 2, restart: 2, scale: 2, idle: 1 },
      startSizes: [10, 100],
      scaleSizes: [100],
      idleSizes: [10, 100],
      killsPerRound: 3,
      idleSettleS: 20,
      idleWindowS: 10,
    }
  : {
      rounds: { start: 5, restart: 5, scale: 4, idle: 3 },
      startSizes: [10, 100, 500],
      scaleSizes: [100, 500],
      idleSizes: [10, 50, 100, 500],
      killsPerRound: 5,
      idleSettleS: 20,
      idleWindowS: 30,
    };
if (args.sizes !== undefined) {
  const sizes = new Set(args.sizes.split(',').map(Number));
  SETTINGS.startSizes = SETTINGS.startSizes.filter((n) => sizes.has(n));
  SETTINGS.scaleSizes = SETTINGS.scaleSizes.filter((n) => sizes.has(n));
  SETTINGS.idleSizes = SETTINGS.idleSizes.filter((n) => sizes.has(n));
}
if (args.rounds !== undefined) {
  const rounds = Number(args.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error('bench/compare.ts: --rounds wants a positive integer');
    process.exit(2);
  }
  for (const part of PARTS) SETTINGS.rounds[part] = rounds;
}
/** Idle CPU is reported per this many seconds, whatever the window. */
const IDLE_REPORT_S = 30;
/** Pause between "all running" and the stop signal, so that no tool is caught mid-start. */
const STOP_SETTLE_MS = 1000;
const SCALE_SETTLE_MS = 1000;
const START_TIMEOUT_MS = 60_000;
const HZ = clockTicksPerSecond();

if (!existsSync(join(ROOT, 'dist', 'phpeek-pm.js'))) {
  console.error('bench/compare.ts: dist/ is missing; run `node scripts/build.mjs` first');
  process.exit(2);
}

const say = (line: string) => process.stderr.write(`${line}\n`);
/**
 * Before each measurement, up to 5 s for the machine to be less than 25% busy (half a CPU of
 * 2); at most 2 minutes over a full run (30 s quick), so that a busy machine cannot stall it.
 */
const gate = quietGate(0.25, QUICK ? 30_000 : 120_000);
const GATE_WAIT_MS = 5_000;
const workDir = mkdtempSync(join(tmpdir(), 'phpeek-compare-'));
const results = new Results();
const details: Record<string, unknown>[] = [];
let dirs = 0;

function fleetDir(tool: ToolId, n: number): string {
  const dir = join(workDir, `${++dirs}-${tool}-${n}`);
  mkdirSync(dir);
  return dir;
}

/** Throws if the manager died, so that a poll does not wait for its whole timeout. */
function alive(fleet: Fleet): void {
  if (hasExited(fleet.pid)) throw new Error(`manager ${fleet.pid} exited early${fleet.logTail()}`);
}

/** Polls until `n` children run; returns ms from the launch and when the first one ran. */
function waitForChildren(
  fleet: Fleet,
  watch: SleeperWatch,
  n: number,
  since = fleet.startedAt,
): { ms: number; firstAt: number } {
  let firstAt = Number.NaN;
  const ms = pollUntil(
    `${n} children of ${fleet.tool}`,
    since,
    () => {
      alive(fleet);
      const count = watch.poll().length;
      if (count > 0 && Number.isNaN(firstAt)) firstAt = performance.now();
      return count >= n;
    },
    { intervalMs: 1, timeoutMs: START_TIMEOUT_MS },
  );
  return { ms, firstAt };
}

/** Rotates the order every round, so that no tool always runs first or right after another. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Runs one measurement on a fresh fleet; a failure (timeout, early exit) is recorded against
 * `metrics` and the run goes on. The fleet is always disposed of.
 */
async function measure(
  metrics: readonly MetricId[],
  n: number,
  tool: Tool,
  options: StartOptions,
  body: (fleet: Fleet) => Promise<void>,
): Promise<void> {
  const quiet = await gate.wait(GATE_WAIT_MS);
  const t0 = performance.now();
  let fleet: Fleet | undefined;
  try {
    fleet = tool.start(fleetDir(tool.id, n), options);
    await body(fleet);
    const busy = quiet ? '' : ', started on a busy machine';
    say(`  ${tool.id} N=${n}: ok (${((performance.now() - t0) / 1000).toFixed(1)} s${busy})`);
  } catch (error) {
    let message = (error as Error).message;
    if (fleet && !message.includes('(log:')) message += fleet.logTail();
    results.fail(metrics, n, tool.id, message);
    say(`  ${tool.id} N=${n}: FAILED: ${message}`);
  } finally {
    await fleet?.dispose();
  }
}

/** Scenarios 1, 4 and 7: launch → N running, then SIGTERM → everything gone. */
async function startRound(tool: Tool, n: number, record: boolean): Promise<void> {
  const baseline = tool.id === 'node' || tool.id === 'bash';
  const metrics: MetricId[] = baseline ? ['start'] : ['start', 'stop'];
  await measure(metrics, n, tool, { replicas: n }, async (fleet) => {
    const { ms, firstAt } = waitForChildren(fleet, fleet.watch(true), n);
    const doneAt = performance.now();
    if (record) {
      results.add('start', n, tool.id, ms);
      if (n >= 100) results.add('throughput', n, tool.id, (n - 1) / ((doneAt - firstAt) / 1000));
    }
    if (baseline) return;
    await sleep(STOP_SETTLE_MS);
    const children = fleet.watch(false).poll();
    if (children.length !== n) throw new Error(`${children.length} of ${n} children still run`);
    const exits = new ExitWatch([...children, ...fleet.ownPids()]);
    const t0 = performance.now();
    fleet.terminate();
    const stopMs = pollUntil(
      `${fleet.tool} and its children to exit`,
      t0,
      () => hasExited(fleet.pid) && exits.allExited(),
      { intervalMs: 0.25, timeoutMs: 30_000 },
    );
    const code = await fleet.exited;
    if (record) {
      results.add('stop', n, tool.id, stopMs);
      details.push({ scenario: 'stop', tool: tool.id, n, ms: stopMs, exitCode: code });
    }
    if (tool.id === 'phpeek-pm' && code !== 0) {
      throw new Error(`phpeek-pm exited with ${code}${fleet.logTail()}`);
    }
  });
}

/** Scenario 5: SIGKILL the only child, until another one runs; the fastest restart settings. */
async function restartRound(tool: Tool, kills: number): Promise<void> {
  await measure(['restart'], 1, tool, { replicas: 1, fastRestart: true }, async (fleet) => {
    const watch = fleet.watch(false);
    waitForChildren(fleet, watch, 1);
    await sleep(500);
    const samples: number[] = [];
    for (let i = 0; i < kills; i++) {
      const [old] = watch.poll();
      if (old === undefined) throw new Error('no child to kill');
      const t0 = performance.now();
      process.kill(old, 'SIGKILL');
      const ms = pollUntil(
        `a child to replace ${old}`,
        t0,
        () => {
          alive(fleet);
          return watch.poll().some((pid) => pid !== old);
        },
        { intervalMs: 0.1, timeoutMs: 10_000 },
      );
      samples.push(ms);
      results.add('restart', 1, tool.id, ms);
      // Let both event loops breathe, off any fixed phase.
      await sleep(200 + Math.random() * 100);
    }
    say(`    ${tool.id}: restart round median ${median(samples).toFixed(2)} ms`);
  });
}

/** Scenario 6: 10 running, then the tool's own way of asking for N, until N run. */
async function scaleRound(tool: Tool, n: number): Promise<void> {
  await measure(['scale'], n, tool, { replicas: 10 }, async (fleet) => {
    waitForChildren(fleet, fleet.watch(true), 10);
    await sleep(SCALE_SETTLE_MS);
    const watch = fleet.watch(true);
    // The 10 running now are read on every poll: supervisord replaces them.
    watch.pin();
    const t0 = performance.now();
    const { command } = await fleet.scale(n);
    let commandMs: number | undefined;
    const ms = pollUntil(
      `${n} children after scaling ${fleet.tool}`,
      t0,
      () => {
        alive(fleet);
        if (command && commandMs === undefined && hasExited(command.pid)) {
          commandMs = performance.now() - t0;
        }
        return watch.poll().length >= n;
      },
      { intervalMs: 1, timeoutMs: START_TIMEOUT_MS },
    );
    const code = command ? await command.exited : 0;
    if (code !== 0) throw new Error(`the scale command exited with ${code}`);
    commandMs ??= command ? performance.now() - t0 : undefined;
    results.add('scale', n, tool.id, ms);
    details.push({ scenario: 'scale', tool: tool.id, n, ms, commandMs });
  });
}

interface IdleFleet {
  readonly tool: Tool;
  readonly probes: boolean;
  readonly n: number;
  readonly fleet: Fleet;
  before?: CpuReading;
}

/**
 * Scenarios 2 and 3: every tool with every N at once (their CPU and memory are per process,
 * and idle processes do not compete), a settle, then one window for all of them.
 */
async function idleRound(tools: readonly Tool[], round: number, probePort: number): Promise<void> {
  const fleets: IdleFleet[] = [];
  // The bare Node script with N children says what any Node.js manager starts from.
  const variants = [
    ...tools.map((tool) => ({ tool, probes: false })),
    { tool: nodeTool, probes: false },
    { tool: phpeekTool, probes: true },
  ];
  const cpuMetrics = (probes: boolean): MetricId[] =>
    probes ? ['idle-cpu-probes', 'idle-cpu-ns-probes'] : ['idle-cpu', 'idle-cpu-ns'];
  let lastReady = performance.now();
  try {
    for (const n of SETTINGS.idleSizes) {
      for (const { tool, probes } of rotate(variants, round)) {
        const options = probes ? { replicas: n, probePort } : { replicas: n };
        let fleet: Fleet | undefined;
        try {
          fleet = tool.start(fleetDir(tool.id, n), options);
          waitForChildren(fleet, fleet.watch(true), n);
          lastReady = performance.now();
          fleets.push({ tool, probes, n, fleet });
          say(`  ${tool.id}${probes ? ' with probes' : ''} N=${n}: running`);
        } catch (error) {
          const message = (error as Error).message;
          const metrics: MetricId[] = probes
            ? cpuMetrics(true)
            : [...cpuMetrics(false), 'pss', 'pss-alone', 'rss', 'anon'];
          results.fail(metrics, n, tool.id, message);
          say(`  ${tool.id} N=${n}: FAILED: ${message}`);
          await fleet?.dispose();
        }
      }
    }
    const settle = SETTINGS.idleSettleS * 1000 - (performance.now() - lastReady);
    say(
      `  settling ${Math.max(0, settle / 1000).toFixed(1)} s, then a ${SETTINGS.idleWindowS} s window`,
    );
    if (settle > 0) await sleep(settle);
    await gate.wait(10_000);
    for (const f of fleets) f.before = readGroupCpu(f.fleet.ownPids());
    await sleep(SETTINGS.idleWindowS * 1000);
    for (const f of fleets) {
      const cpu = cpuBetween(f.before!, readGroupCpu(f.fleet.ownPids()));
      const scale = (IDLE_REPORT_S * 1000) / cpu.ms;
      const [ticksMetric, nsMetric] = cpuMetrics(f.probes) as [MetricId, MetricId];
      const still = f.fleet.watch(false).poll().length;
      if (still !== f.n || cpu.processes === 0) {
        results.fail([ticksMetric, nsMetric], f.n, f.tool.id, `${still} of ${f.n} children left`);
        continue;
      }
      results.add(ticksMetric, f.n, f.tool.id, (cpu.ticks / HZ) * scale);
      results.add(nsMetric, f.n, f.tool.id, (cpu.ns / 1e6) * scale);
      if (f.probes) continue;
      const memory = readGroupMemory(f.fleet.ownPids());
      if (!memory) continue;
      results.add('pss-alone', f.n, f.tool.id, memory.alonePssKiB / 1024);
      results.add('pss', f.n, f.tool.id, memory.pssKiB / 1024);
      results.add('rss', f.n, f.tool.id, memory.rssKiB / 1024);
      results.add('anon', f.n, f.tool.id, memory.anonKiB / 1024);
      details.push({
        scenario: 'idle',
        tool: f.tool.id,
        n: f.n,
        processes: memory.processes,
        cpuTicks: cpu.ticks,
        cpuNs: cpu.ns,
        windowMs: cpu.ms,
      });
    }
  } finally {
    for (const f of fleets) await f.fleet.dispose();
  }
}

/** The TCP listener that phpeek-pm's probes connect to, in a process of its own. */
async function startProbeTarget(): Promise<{ port: number; run: Launched }> {
  const log = join(workDir, 'tcp-listener.log');
  const run = launchNode(['bench/lib/tcp-listener.mjs'], log);
  for (let i = 0; i < 500; i++) {
    const port = Number(readFileSync(log, 'utf8').trim());
    if (port > 0) return { port, run };
    sleepSync(10);
  }
  throw new Error('the TCP listener for the probes did not start');
}

killLeftoversOnExit();

function gitCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return undefined;
  }
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ');
}

function machine(): string {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  let distro = 'Linux';
  try {
    distro =
      /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch {
    // Not there: keep "Linux".
  }
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpus().length} CPUs (${model ?? 'unknown'}), ${gib} GiB, ${distro}, kernel ${release()}`;
}

async function main(): Promise<void> {
  const began = performance.now();
  const jiffiesBefore = jiffies();
  const loadBefore = loadAverage();
  const partDurations: Record<string, number> = {};
  say(`compare bench: ${QUICK ? 'quick' : 'full'}, work dir ${workDir}`);
  const peers = setUpPeers({ install: !args['no-install'], want: wanted, say });
  for (const [peer, why] of Object.entries(peers.skipped)) say(`${peer}: SKIPPED: ${why}`);
  const managers: Tool[] = [phpeekTool, ...peers.tools];
  const versions = { 'phpeek-pm': packageVersion(), ...peers.versions };

  // Warm the page cache (node, the bundle, python's modules, PM2's) before anything counts.
  say('warm-up');
  for (const tool of [...managers, nodeTool, bashTool]) await startRound(tool, 10, false);

  const timed = async (part: Part, body: () => Promise<void>) => {
    if (!only.has(part)) return;
    const t0 = performance.now();
    await body();
    partDurations[part] = (performance.now() - t0) / 1000;
  };

  await timed('start', async () => {
    const tools = [...managers, nodeTool, bashTool];
    for (let round = 1; round <= SETTINGS.rounds.start; round++) {
      say(`start/stop round ${round}/${SETTINGS.rounds.start}`);
      for (const n of SETTINGS.startSizes) {
        for (const tool of rotate(tools, round)) await startRound(tool, n, true);
      }
    }
  });
  await timed('restart', async () => {
    for (let round = 1; round <= SETTINGS.rounds.restart; round++) {
      say(`restart round ${round}/${SETTINGS.rounds.restart}`);
      for (const tool of rotate(managers, round)) await restartRound(tool, SETTINGS.killsPerRound);
    }
  });
  await timed('scale', async () => {
    for (let round = 1; round <= SETTINGS.rounds.scale; round++) {
      say(`scale round ${round}/${SETTINGS.rounds.scale}`);
      for (const n of SETTINGS.scaleSizes) {
        for (const tool of rotate(managers, round)) await scaleRound(tool, n);
      }
    }
  });
  await timed('idle', async () => {
    const target = await startProbeTarget();
    try {
      for (let round = 1; round <= SETTINGS.rounds.idle; round++) {
        say(`idle round ${round}/${SETTINGS.rounds.idle}`);
        await idleRound(managers, round, target.port);
      }
    } finally {
      process.kill(target.run.pid, 'SIGTERM');
      await target.run.exited;
    }
  });

  const jiffiesAfter = jiffies();
  const busy =
    (jiffiesAfter.busy - jiffiesBefore.busy) / (jiffiesAfter.total - jiffiesBefore.total);
  const { measurements, busy: busyStarts, waitedMs } = gate.stats;
  const load =
    `load average ${loadBefore} before, ${loadAverage()} after; the CPUs were ` +
    `${(busy * 100).toFixed(0)}% busy during the run (everything on the machine, this ` +
    `benchmark and the tools under test included); ${busyStarts} of ${measurements} ` +
    `measurements began with the CPUs ≥ 25% busy from other work, after waiting up to ` +
    `${GATE_WAIT_MS / 1000} s (${Math.round(waitedMs / 1000)} s waited in all)`;
  // Only a complete full run replaces the committed results.
  const partial = [args.only, args.tools, args.sizes, args.rounds].some((a) => a !== undefined);
  const name = QUICK ? 'quick' : partial ? 'partial' : 'latest';
  const info = {
    date: new Date().toISOString(),
    mode: QUICK ? ('quick' as const) : ('full' as const),
    settings: { ...SETTINGS, idleReportS: IDLE_REPORT_S, stopSettleMs: STOP_SETTLE_MS },
    machine: machine(),
    load,
    node: process.versions.node,
    commit: gitCommit(),
    durationS: (performance.now() - began) / 1000,
    partDurationsS: partDurations,
    versions,
    skipped: peers.skipped,
    details,
  };
  const tools: ToolId[] = [...managers.map((m) => m.id), 'node', 'bash'];
  const markdown = writeComparison(
    join(ROOT, 'bench', 'results'),
    name,
    info,
    results,
    tools,
    comparisonNotes(SETTINGS),
  );
  process.stdout.write(`\n${markdown}`);
  say(`wrote bench/results/${name}.md, ${name}.json, ${name}.svg`);
  rmSync(workDir, { recursive: true, force: true });
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}

await main();
