/**
 * The zombie reaper against real processes: as PID 1 of a new PID namespace, and as a child
 * subreaper. Each run is test/fixtures/reaper-harness.ts, which spawns own children with known
 * exit codes next to orphan makers and reports what it saw.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startReaper } from '../../src/executors/reaper.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const harness = fileURLToPath(new URL('../fixtures/reaper-harness.ts', import.meta.url));
const addon = fileURLToPath(new URL('../../build/Release/phpeek_reaper.node', import.meta.url));

// The harness gives up after HARNESS_DEADLINE_MS (+10 s for stragglers); this is the backstop.
const HARNESS_DEADLINE_MS = 90_000;
const RUN_TIMEOUT_MS = HARNESS_DEADLINE_MS + 30_000;

interface Summary {
  pid: number;
  mode: string;
  tasks: number;
  finished: number;
  mismatches: unknown[];
  makers: number;
  reaped: number;
  childrenLeft: number;
  zombiesLeft: number;
  left: string[];
  unwrapped: boolean;
  warnings: string[];
  error: string | null;
}

function runHarness(
  command: readonly string[],
  args: readonly string[],
): Promise<{ code: number | null; summary: Summary; stderr: string }> {
  const [file, ...pre] = [...command, process.execPath, '--import', 'tsx', harness, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file!, pre, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ code, summary: JSON.parse(line) as Summary, stderr });
      } catch {
        reject(new Error(`harness printed no summary (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

function assertClean(run: { code: number | null; summary: Summary; stderr: string }): void {
  const { summary } = run;
  const context = JSON.stringify({ ...summary, stderr: run.stderr.slice(0, 2000) });
  assert.equal(summary.error, null, context);
  assert.equal(run.code, 0, context);
  assert.equal(summary.finished, summary.tasks, context);
  assert.deepEqual(summary.mismatches, [], 'every own child reported its own exit');
  assert.equal(summary.zombiesLeft, 0, context);
  assert.equal(summary.childrenLeft, 0, context);
  // Each asynchronous orphan maker left one orphan that was surely running when re-parented.
  assert.ok(summary.reaped >= summary.makers, `reaped ${summary.reaped} < ${summary.makers}`);
  assert.ok(summary.unwrapped, 'stop() put ChildProcess.prototype.spawn back');
  assert.deepEqual(summary.warnings, []);
}

const stress = ['--own', '300', '--makers', '300', '--deadline-ms', String(HARNESS_DEADLINE_MS)];

const unshareProblem = ((): string | null => {
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], {
    stdio: 'ignore',
  });
  if (probe.error !== undefined) return `unshare is not available: ${probe.error.message}`;
  if (probe.status !== 0) return 'unshare --pid --fork --mount-proc failed (needs root)';
  return null;
})();

test('the native addon is built', () => {
  assert.ok(existsSync(addon), `missing ${addon}: run node scripts/build.mjs`);
});

test('as PID 1 of a new PID namespace: no zombie left, every own exit code right, orphans reaped', {
  skip: unshareProblem ?? false,
  timeout: RUN_TIMEOUT_MS + 5_000,
}, async () => {
  const run = await runHarness(['unshare', '--pid', '--fork', '--mount-proc'], stress);
  assert.equal(run.summary.pid, 1);
  assert.equal(run.summary.mode, 'pid1');
  assertClean(run);
});

test('as a child subreaper (not PID 1): the same', {
  timeout: RUN_TIMEOUT_MS + 5_000,
}, async () => {
  const run = await runHarness([], stress);
  assert.notEqual(run.summary.pid, 1);
  assert.equal(run.summary.mode, 'subreaper');
  assertClean(run);
});

test('without the addon, orphans stay zombies: the harness can tell', {
  skip: unshareProblem ?? false,
  timeout: RUN_TIMEOUT_MS + 5_000,
}, async () => {
  const run = await runHarness(
    ['unshare', '--pid', '--fork', '--mount-proc'],
    [
      '--own',
      '10',
      '--makers',
      '10',
      '--settle-ms',
      '1000',
      '--addon',
      '/nonexistent/phpeek_reaper.node',
    ],
  );
  assert.equal(run.summary.mode, 'disabled');
  assert.ok(run.summary.zombiesLeft > 0, JSON.stringify(run.summary));
  assert.notEqual(run.code, 0);
  assert.equal(run.summary.warnings.length, 1, 'the missing addon is reported once');
});

test('a missing addon gives mode "disabled" and one warning, and wraps nothing', () => {
  const spawnMethod = () => (ChildProcess.prototype as unknown as { spawn: unknown }).spawn;
  const before = spawnMethod();
  const logs: string[] = [];
  const reaper = startReaper({
    addonPath: '/nonexistent/phpeek_reaper.node',
    log: (level, msg) => logs.push(`${level}: ${msg}`),
  });
  assert.equal(reaper.mode, 'disabled');
  assert.equal(reaper.reapedCount(), 0);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /^warn: .*addon/);
  assert.equal(spawnMethod(), before);
  reaper.stop();
  reaper.stop();
});

test('spawn is wrapped once per process, a second reaper is refused, stop() unwraps', async () => {
  const spawnMethod = () => (ChildProcess.prototype as unknown as { spawn: unknown }).spawn;
  const before = spawnMethod();
  // A second copy of the module, as when both src/ and the bundle get loaded.
  const copy = (await import(
    `../../src/executors/reaper.ts?copy=${Date.now()}`
  )) as typeof import('../../src/executors/reaper.ts');
  assert.notEqual(copy.startReaper, startReaper);

  const reaper = startReaper({ addonPath: addon, log: () => {} });
  assert.equal(reaper.mode, 'subreaper');
  const wrapped = spawnMethod();
  assert.notEqual(wrapped, before);
  assert.throws(() => startReaper({ addonPath: addon, log: () => {} }), /already running/);
  assert.throws(() => copy.startReaper({ addonPath: addon, log: () => {} }), /already running/);
  assert.equal(spawnMethod(), wrapped);

  const exit = await new Promise((resolve) =>
    spawn('sh', ['-c', 'exit 9'], { stdio: 'ignore' }).on('exit', resolve),
  );
  assert.equal(exit, 9);
  reaper.stop();
  reaper.stop();
  assert.equal(spawnMethod(), before);

  const again = copy.startReaper({ addonPath: addon, log: () => {} });
  assert.notEqual(spawnMethod(), before);
  again.stop();
  assert.equal(spawnMethod(), before);
});
