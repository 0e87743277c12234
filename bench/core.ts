/**
 * Core figures of the real bundled manager, measured from /proc: start-up with 100 children, idle
 * CPU, memory, graceful stop, restart after SIGKILL, and a file save that adds a replica.
 *
 *   node --import tsx bench/core.ts [--quick] [--rounds N] [--only baseline,fleet,restart,save]
 *
 * Build first (`node scripts/build.mjs`): this runs `node bin/phpeek-pm`, i.e. dist/.
 * Writes bench/results/core.md and bench/results/core.json. What each figure means and how it is
 * taken: bench/README.md. Nothing here asserts: these are numbers for people to read.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cleanUp,
  configYaml,
  killLeftoversOnExit,
  type Launched,
  launchManager,
  launchNode,
  ROOT,
  runningSleepers,
  saveFile,
  stopLaunched,
  trackChild,
} from './lib/manager.ts';
import { pollUntil, sleep } from './lib/poll.ts';
import { clockTicksPerSecond, hasExited, readCpuNs, readMemory, readStat } from './lib/proc.ts';
import { type Row, resultOf, writeResults } from './lib/report.ts';
import { median } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
  },
});
const QUICK = args.quick ?? false;
const ROUNDS = args.rounds ? Number(args.rounds) : QUICK ? 2 : 5;
const ONLY = args.only ? new Set(args.only.split(',')) : undefined;
const CHILDREN = 100;
const IDLE_WINDOW_S = QUICK ? 10 : 30;
/** Idle CPU is reported per this many seconds, whatever the window. */
const IDLE_REPORT_S = 30;
const SETTLE_S = 2;
const RESTARTS_PER_ROUND = 20;
const SAVES_PER_ROUND = 20;
/**
 * Pause after a save has taken effect before the next save. chokidar drops a 'change' that
 * follows the previous one on the same path within 50 ms (no trailing event), so closer saves
 * would measure that throttle (a lost save), not the latency.
 */
const SAVE_GAP_MS = 100;
const HZ = clockTicksPerSecond();

if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error('bench/core.ts: --rounds wants a positive integer');
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'phpeek-pm.js'))) {
  console.error('bench/core.ts: dist/ is missing; run `node scripts/build.mjs` first');
  process.exit(2);
}

const row = (r: Omit<Row, 'samples' | 'failures'>): Row => ({ ...r, samples: [], failures: [] });
const rows = {
  start: row({
    id: 'start',
    scenario: `start ${CHILDREN}: launch → ${CHILDREN} children running`,
    unit: 'ms',
    digits: 0,
    target: { op: '<=', value: 200 },
  }),
  baselineIgnore: row({
    id: 'baseline-ignore',
    scenario: `baseline: bare Node spawns ${CHILDREN} (stdio ignore)`,
    unit: 'ms',
    digits: 0,
  }),
  baselinePipe: row({
    id: 'baseline-pipe',
    scenario: `baseline: bare Node spawns ${CHILDREN} (stdout/stderr pipes)`,
    unit: 'ms',
    digits: 0,
  }),
  idleTicks: row({
    id: 'idle-cpu',
    scenario: `idle CPU, ${CHILDREN} children, ${SETTLE_S}–${SETTLE_S + IDLE_WINDOW_S} s after start (utime+stime per ${IDLE_REPORT_S} s)`,
    unit: 's',
    digits: 3,
    target: { op: '<=', value: 0.01 },
    note: `measured over ${IDLE_WINDOW_S} s, scaled to ${IDLE_REPORT_S} s; resolution 1/${HZ} s`,
  }),
  idleNs: row({
    id: 'idle-cpu-schedstat',
    scenario: `idle CPU, same window (schedstat per ${IDLE_REPORT_S} s)`,
    unit: 'ms',
    digits: 1,
    target: { op: '<=', value: 10 },
    note: `sum of /proc/<pid>/task/*/schedstat run time over ${IDLE_WINDOW_S} s, scaled to ${IDLE_REPORT_S} s`,
  }),
  steadyTicks: row({
    id: 'idle-cpu-steady',
    scenario: `idle CPU, ${CHILDREN} children, ${SETTLE_S + IDLE_WINDOW_S}–${SETTLE_S + 2 * IDLE_WINDOW_S} s after start (utime+stime per ${IDLE_REPORT_S} s)`,
    unit: 's',
    digits: 3,
    target: { op: '<=', value: 0.01 },
    note: 'the window right after the first one: past the one-off start-up work (V8 memory reducer)',
  }),
  steadyNs: row({
    id: 'idle-cpu-steady-schedstat',
    scenario: `idle CPU, same later window (schedstat per ${IDLE_REPORT_S} s)`,
    unit: 'ms',
    digits: 1,
    target: { op: '<=', value: 10 },
  }),
  pss: row({
    id: 'pss',
    scenario: `PSS with ${CHILDREN} children, ${SETTLE_S} s after start`,
    unit: 'MiB',
    digits: 1,
    target: { op: '<=', value: 45 },
    note: 'smaps_rollup Pss; shrunk by every other Node process on the machine sharing the node binary',
  }),
  pssAlone: row({
    id: 'pss-alone',
    scenario: `PSS with ${CHILDREN} children, ${SETTLE_S} s after start, node binary unshared`,
    unit: 'MiB',
    digits: 1,
    target: { op: '<=', value: 45 },
    note: 'Pss with the node executable mappings counted at their Rss: the manager as the only Node process, as in a container',
  }),
  pssEnd: row({
    id: 'pss-end',
    scenario: 'PSS, after the idle windows',
    unit: 'MiB',
    digits: 1,
    target: { op: '<=', value: 45 },
  }),
  pssAloneEnd: row({
    id: 'pss-alone-end',
    scenario: 'PSS, after the idle windows, node binary unshared',
    unit: 'MiB',
    digits: 1,
    target: { op: '<=', value: 45 },
  }),
  rss: row({
    id: 'rss-peak',
    scenario: 'RSS peak (VmHWM) at the end of the idle windows',
    unit: 'MiB',
    digits: 1,
  }),
  stop: row({
    id: 'stop',
    scenario: `graceful stop of ${CHILDREN}: SIGTERM → manager and children gone`,
    unit: 'ms',
    digits: 1,
    target: { op: '<=', value: 100 },
  }),
  restart: row({
    id: 'restart',
    scenario: 'restart after kill -9 (backoff initial 0): kill → new child running',
    unit: 'ms',
    digits: 2,
    target: { op: '<=', value: 10 },
    note: `${RESTARTS_PER_ROUND} kills per round, all samples pooled`,
  }),
  save: row({
    id: 'save',
    scenario: 'file save replicas 1 → 2: rename → second child running',
    unit: 'ms',
    digits: 1,
    target: { op: '<', value: 100 },
    note: `${SAVES_PER_ROUND} scale-ups per round (each followed by a 2 → 1 save), all samples pooled`,
  }),
} satisfies Record<string, Row>;

const workDir = mkdtempSync(join(tmpdir(), 'phpeek-bench-'));
let launches = 0;

/** A fresh config file and log file for one launch. */
function prepare(yaml: string): { config: string; log: string } {
  launches++;
  const config = join(workDir, `run-${launches}.yaml`);
  writeFileSync(config, yaml);
  return { config, log: join(workDir, `run-${launches}.log`) };
}

function logTail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text ? ` (log: ${text.split('\n').slice(-3).join(' / ').slice(0, 400)})` : '';
  } catch {
    return '';
  }
}

/** Throws if the launched process died, so a poll does not wait for its whole timeout. */
function alive(run: Launched, log: string): void {
  if (hasExited(run.pid)) throw new Error(`process ${run.pid} exited early${logTail(log)}`);
}

/** Launch → `count` sleepers running, polled every millisecond. Returns ms and the pids. */
function waitForSleepers(
  run: Launched,
  count: number,
  log: string,
): { ms: number; pids: number[] } {
  const known = new Set<number>();
  let pids: number[] = [];
  const ms = pollUntil(
    `${count} children of ${run.pid}`,
    run.startedAt,
    () => {
      alive(run, log);
      pids = runningSleepers(run.pid, known);
      return pids.length >= count;
    },
    { intervalMs: 1, timeoutMs: 15_000 },
  );
  return { ms, pids };
}

function cpuTicks(pid: number): number {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return stat.utime + stat.stime;
}

/**
 * Scenarios 1–4 on one manager: start 100, then (unless warming up) idle CPU over two windows
 * one after the other and memory at the end of the second, then the graceful stop.
 */
async function fleetRound(record: boolean): Promise<void> {
  const { config, log } = prepare(configYaml({ replicas: CHILDREN }));
  const run = launchManager(config, log);
  try {
    const started = waitForSleepers(run, CHILDREN, log);
    if (record) rows.start.samples.push(started.ms);

    if (record) {
      await sleep(SETTLE_S * 1000);
      const early = readMemory(run.pid);
      if (early) {
        rows.pss.samples.push(early.pssKiB / 1024);
        rows.pssAlone.samples.push(early.alonePssKiB / 1024);
      }
      const windows = [
        [rows.idleTicks, rows.idleNs],
        [rows.steadyTicks, rows.steadyNs],
      ] as const;
      for (const [ticksRow, nsRow] of windows) {
        alive(run, log);
        const ticks0 = cpuTicks(run.pid);
        const ns0 = readCpuNs(run.pid) ?? Number.NaN;
        const t0 = performance.now();
        await sleep(IDLE_WINDOW_S * 1000);
        const ticks1 = cpuTicks(run.pid);
        const ns1 = readCpuNs(run.pid) ?? Number.NaN;
        const scale = (IDLE_REPORT_S * 1000) / (performance.now() - t0);
        ticksRow.samples.push(((ticks1 - ticks0) / HZ) * scale);
        nsRow.samples.push(((ns1 - ns0) / 1e6) * scale);
      }
      const end = readMemory(run.pid);
      if (end) {
        rows.pssEnd.samples.push(end.pssKiB / 1024);
        rows.pssAloneEnd.samples.push(end.alonePssKiB / 1024);
        rows.rss.samples.push(end.peakRssKiB / 1024);
      }
      const still = runningSleepers(run.pid).length;
      if (still !== CHILDREN) throw new Error(`${still} children left after the idle window`);
    }

    // Graceful stop: SIGTERM to the manager only, as `docker stop` does to PID 1.
    const children = runningSleepers(run.pid);
    const t0 = performance.now();
    process.kill(run.pid, 'SIGTERM');
    const ms = pollUntil(
      `manager ${run.pid} and its children to exit`,
      t0,
      () => hasExited(run.pid) && children.every(hasExited),
      { intervalMs: 0.25, timeoutMs: 15_000 },
    );
    const code = await run.exited;
    if (code !== 0) throw new Error(`manager exited with ${code}${logTail(log)}`);
    if (record) rows.stop.samples.push(ms);
  } finally {
    await stopLaunched(run);
  }
}

async function baselineRound(stdio: 'ignore' | 'pipe', record: boolean): Promise<void> {
  const log = join(workDir, `baseline-${stdio}.log`);
  const run = launchNode(['bench/lib/spawn-baseline.mjs', String(CHILDREN), stdio], log);
  try {
    const { ms } = waitForSleepers(run, CHILDREN, log);
    if (record) (stdio === 'ignore' ? rows.baselineIgnore : rows.baselinePipe).samples.push(ms);
  } finally {
    await stopLaunched(run);
  }
}

/** Scenario 5: SIGKILL the only child, time until its replacement runs `sleep`. */
async function restartRound(): Promise<void> {
  const { config, log } = prepare(configYaml({ replicas: 1, backoffInitial: '0' }));
  const run = launchManager(config, log);
  try {
    let [pid] = waitForSleepers(run, 1, log).pids;
    await sleep(500);
    const samples: number[] = [];
    for (let i = 0; i < RESTARTS_PER_ROUND; i++) {
      const old = pid!;
      trackChild(old);
      const t0 = performance.now();
      process.kill(old, 'SIGKILL');
      const ms = pollUntil(
        `a child to replace ${old}`,
        t0,
        () => {
          alive(run, log);
          pid = runningSleepers(run.pid).find((p) => p !== old);
          return pid !== undefined;
        },
        { intervalMs: 0.1, timeoutMs: 5_000 },
      );
      samples.push(ms);
      // Let the event loops (ours and the manager's) breathe, off any fixed phase.
      await sleep(20 + Math.random() * 20);
    }
    rows.restart.samples.push(...samples);
    process.stderr.write(`    restart: round median ${median(samples).toFixed(2)} ms\n`);
  } finally {
    await stopLaunched(run);
  }
}

/**
 * Scenario 6: save the file with replicas 2 (temp file + rename), time until the second child
 * runs; save replicas 1 and wait until the extra child is gone and reaped; repeat.
 */
async function saveRound(): Promise<void> {
  const { config, log } = prepare(configYaml({ replicas: 1 }));
  const run = launchManager(config, log);
  try {
    waitForSleepers(run, 1, log);
    // The watcher is loaded after the first spawns; give it time to be in place.
    await sleep(1_000);
    const samples: number[] = [];
    for (let i = 0; i < SAVES_PER_ROUND; i++) {
      const t0 = performance.now();
      saveFile(config, configYaml({ replicas: 2 }));
      const ms = pollUntil(
        'a second child after the save',
        t0,
        () => {
          alive(run, log);
          return runningSleepers(run.pid).length >= 2;
        },
        { intervalMs: 0.25, timeoutMs: 5_000 },
      );
      samples.push(ms);
      await sleep(SAVE_GAP_MS);
      saveFile(config, configYaml({ replicas: 1 }));
      pollUntil(
        'the second child to stop after the save',
        performance.now(),
        () => {
          alive(run, log);
          return runningSleepers(run.pid).length === 1;
        },
        { intervalMs: 1, timeoutMs: 5_000 },
      );
      await sleep(SAVE_GAP_MS + Math.random() * 20);
    }
    rows.save.samples.push(...samples);
    process.stderr.write(`    save: round median ${median(samples).toFixed(1)} ms\n`);
  } finally {
    await stopLaunched(run);
  }
}

/** Runs one scenario of one round; a failure is recorded, cleaned up and does not stop the run. */
async function attempt(id: string, target: Row, body: () => Promise<void>): Promise<void> {
  if (ONLY && !ONLY.has(id)) return;
  const t0 = performance.now();
  try {
    await body();
    process.stderr.write(`  ${id}: ok (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  } catch (error) {
    const message = (error as Error).message;
    target.failures.push(message);
    process.stderr.write(`  ${id}: FAILED: ${message}\n`);
    const killed = cleanUp();
    if (killed > 0) process.stderr.write(`  killed ${killed} leftover processes\n`);
  }
}

killLeftoversOnExit();

async function main(): Promise<void> {
  const began = performance.now();
  process.stderr.write(
    `core bench: ${QUICK ? 'quick' : 'full'}, ${ROUNDS} rounds, idle windows 2 × ${IDLE_WINDOW_S} s, work dir ${workDir}\n`,
  );
  // Warm the page cache (node, the bundle, the addon) so that round 1 is not a cold start.
  process.stderr.write('warm-up\n');
  await attempt('baseline', rows.baselineIgnore, () => baselineRound('ignore', false));
  await attempt('fleet', rows.start, () => fleetRound(false));

  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`round ${round}/${ROUNDS}\n`);
    await attempt('baseline', rows.baselineIgnore, () => baselineRound('ignore', true));
    await attempt('baseline', rows.baselinePipe, () => baselineRound('pipe', true));
    await attempt('fleet', rows.start, () => fleetRound(true));
    await attempt('restart', rows.restart, restartRound);
    await attempt('save', rows.save, saveRound);
  }

  const results = Object.values(rows)
    .filter((r) => r.samples.length > 0 || r.failures.length > 0)
    .map(resultOf);
  const markdown = writeResults(
    join(ROOT, 'bench', 'results'),
    {
      date: new Date().toISOString(),
      mode: QUICK ? 'quick' : 'full',
      rounds: ROUNDS,
      node: process.versions.node,
      kernel: release(),
      cpus: cpus().length,
      commit: gitCommit(),
      durationS: (performance.now() - began) / 1000,
    },
    results,
  );
  process.stdout.write(`\n${markdown}`);
  const failed = results.some((r) => r.failures.length > 0);
  if (failed) process.stderr.write(`logs kept in ${workDir}\n`);
  else rmSync(workDir, { recursive: true, force: true });
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

await main();
