import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { HookSpec } from '../../src/desired/types.ts';
import { type HookContext, runHooks } from '../../src/executors/hooks.ts';
import { type ChildOutput, createChildOutput } from '../../src/logs/output.ts';
import { allProcs, readProc } from '../helpers/procfs.ts';
import { waitFor } from '../helpers/wait-for.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'phpeek-hooks-'));
let files = 0;
const tempFile = (what: string) => join(dir, `${what}-${++files}`);

const hook = (command: string[], more: Partial<HookSpec> = {}): HookSpec => ({
  command,
  timeoutMs: 10_000,
  retries: 0,
  continueOnError: false,
  ...more,
});
const sh = (script: string, more: Partial<HookSpec> = {}) => hook(['/bin/sh', '-c', script], more);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

interface Run {
  readonly logs: { level: string; msg: string }[];
  readonly stdout: Capture;
  readonly stderr: Capture;
  readonly groups: number[];
  readonly context: HookContext;
}

function setup(more: Partial<HookContext> = {}): Run {
  const stdout = new Capture();
  const stderr = new Capture();
  const output: ChildOutput = createChildOutput({
    format: 'text',
    maxLineBytes: 16384,
    stdout,
    stderr,
  });
  const logs: { level: string; msg: string }[] = [];
  const groups: number[] = [];
  const context: HookContext = {
    name: 'pre_start',
    env: { PATH: process.env['PATH'] },
    output,
    log: (level, msg) => logs.push({ level, msg }),
    onGroup: (pgid) => groups.push(pgid),
    ...more,
  };
  return { logs, stdout, stderr, groups, context };
}

/** Live (not zombie) members of a process group. */
const liveMembers = (pgid: number) => allProcs().filter((p) => p.pgid === pgid && p.state !== 'Z');

async function assertGroupGone(pgid: number, pids: number[]): Promise<void> {
  await waitFor(`group ${pgid} to be gone`, () => liveMembers(pgid).length === 0, 5_000);
  for (const pid of pids) {
    const p = readProc(pid);
    assert.ok(p === undefined || p.state === 'Z', `pid ${pid} survived (${p?.state})`);
  }
}

/** The pids hook-group.sh wrote: its own and its background child's. */
const groupPids = (file: string) =>
  readFileSync(file, 'utf8').trim().split(' ').map(Number) as [number, number];

describe('runHooks', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs hooks in order and succeeds when every hook exits with 0', async () => {
    const file = tempFile('order');
    const r = setup();
    const outcome = await runHooks(
      [sh(`echo one >> ${file}`), sh(`echo two >> ${file}`), sh(`echo three >> ${file}`)],
      r.context,
    );
    assert.deepEqual(outcome, { ok: true });
    assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\nthree\n');
    assert.equal(r.logs.filter((l) => / started$/.test(l.msg)).length, 3);
    assert.match(r.logs.at(-1)!.msg, /^pre_start hook 3 \(echo three >> .*\) succeeded in \d+ ms$/);
    assert.ok(r.logs.every((l) => l.level === 'info'));
  });

  it('succeeds at once with no hooks', async () => {
    assert.deepEqual(await runHooks([], setup().context), { ok: true });
  });

  it('retries a failing hook until it succeeds', async () => {
    const counter = tempFile('counter');
    const r = setup();
    const outcome = await runHooks(
      [hook(['sh', fixture('hook-fails-until.sh'), counter, '2'], { retries: 2 })],
      r.context,
    );
    assert.deepEqual(outcome, { ok: true });
    assert.equal(readFileSync(counter, 'utf8').trim(), '3');
    const msgs = r.logs.map((l) => l.msg.replace(/\(sh .*?\)/, '(cmd)'));
    assert.deepEqual(
      msgs.map((m) => m.replace(/\d+ ms/, 'N ms')),
      [
        'pre_start hook 1 (cmd) started (attempt 1 of 3)',
        'pre_start hook 1 (cmd) exited with code 1 (N ms); retrying',
        'pre_start hook 1 (cmd) started (attempt 2 of 3)',
        'pre_start hook 1 (cmd) exited with code 1 (N ms); retrying',
        'pre_start hook 1 (cmd) started (attempt 3 of 3)',
        'pre_start hook 1 (cmd) succeeded in N ms',
      ],
    );
  });

  it('fails with the last attempt when retries run out, and runs no later hook', async () => {
    const counter = tempFile('counter');
    const marker = tempFile('marker');
    const r = setup();
    const command = ['sh', fixture('hook-fails-until.sh'), counter, '5'];
    const outcome = await runHooks(
      [sh('true'), hook(command, { retries: 2 }), sh(`touch ${marker}`)],
      r.context,
    );
    assert.deepEqual(outcome, {
      ok: false,
      error: `pre_start hook 2 (${command.join(' ')}) exited with code 1 after 3 attempts`,
    });
    assert.equal(readFileSync(counter, 'utf8').trim(), '3');
    assert.equal(existsSync(marker), false);
  });

  it('names a failure of a single attempt without an attempt count', async () => {
    const outcome = await runHooks([sh('exit 3')], setup().context);
    assert.deepEqual(outcome, { ok: false, error: 'pre_start hook 1 (exit 3) exited with code 3' });
  });

  it('goes on with the next hook after a failure with continue_on_error', async () => {
    const marker = tempFile('marker');
    const r = setup();
    const outcome = await runHooks(
      [sh('exit 3', { continueOnError: true, retries: 1 }), sh(`touch ${marker}`)],
      r.context,
    );
    assert.deepEqual(outcome, { ok: true });
    assert.equal(existsSync(marker), true);
    const warning = r.logs.find((l) => l.msg.includes('continuing'));
    assert.deepEqual(warning, {
      level: 'warn',
      msg: 'pre_start hook 1 (exit 3) exited with code 3 after 2 attempts; continuing (continue_on_error)',
    });
  });

  it('kills the whole process group of a hook that times out', async () => {
    const pids = tempFile('pids');
    const r = setup();
    const outcome = await runHooks(
      [hook(['sh', fixture('hook-group.sh'), pids], { timeoutMs: 700 })],
      r.context,
    );
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.error : '', /\) timed out after 700 ms$/);
    assert.ok(existsSync(pids), 'the hook did not get to start its child');
    const [leader, child] = groupPids(pids);
    assert.deepEqual(r.groups, [leader]);
    await assertGroupGone(leader, [leader, child]);
  });

  it('retries a hook that timed out', async () => {
    const r = setup();
    const outcome = await runHooks([sh('sleep 30', { timeoutMs: 150, retries: 1 })], r.context);
    assert.deepEqual(outcome, {
      ok: false,
      error: 'pre_start hook 1 (sleep 30) timed out after 150 ms after 2 attempts',
    });
    assert.equal(r.groups.length, 2);
  });

  it('kills the running hook and its group when aborted, without retrying', async () => {
    const pids = tempFile('pids');
    const marker = tempFile('marker');
    const controller = new AbortController();
    const r = setup({ name: 'web-0 pre_stop', signal: controller.signal });
    const running = runHooks(
      [
        hook(['sh', fixture('hook-group.sh'), pids], { retries: 3, continueOnError: true }),
        sh(`touch ${marker}`),
      ],
      r.context,
    );
    await waitFor('the hook to start its child', () => existsSync(pids));
    controller.abort();
    const outcome = await running;
    assert.equal(outcome.ok, false);
    assert.match(
      !outcome.ok ? outcome.error : '',
      /^web-0 pre_stop hook 1 \(.*\) was killed: aborted$/,
    );
    assert.equal(r.logs.filter((l) => l.msg.includes('started')).length, 1);
    assert.equal(existsSync(marker), false);
    const [leader, child] = groupPids(pids);
    await assertGroupGone(leader, [leader, child]);
  });

  it('starts nothing when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = setup({ signal: controller.signal });
    const outcome = await runHooks([sh('true')], r.context);
    assert.deepEqual(outcome, {
      ok: false,
      error: 'pre_start hook 1 (true) was not started: aborted',
    });
    assert.deepEqual(r.groups, []);
  });

  it('cuts a hook short at the overall deadline and runs nothing after it', async () => {
    const marker = tempFile('marker');
    const r = setup({ deadlineMs: 300 });
    const outcome = await runHooks(
      [sh('sleep 30', { continueOnError: true, retries: 2 }), sh(`touch ${marker}`)],
      r.context,
    );
    assert.equal(outcome.ok, false);
    assert.match(
      !outcome.ok ? outcome.error : '',
      /^pre_start hook 1 \(sleep 30\) was killed: the deadline passed after \d+ ms$/,
    );
    assert.equal(existsSync(marker), false);
    assert.equal(r.groups.length, 1);
  });

  it('forwards output tagged with the hook, in the hook environment', async () => {
    const r = setup({ env: { PATH: process.env['PATH'], GREETING: 'hello' } });
    const outcome = await runHooks([sh('echo "$GREETING"; echo oops >&2')], r.context);
    assert.deepEqual(outcome, { ok: true });
    await waitFor('stdout', () => r.stdout.text.includes('\n'));
    await waitFor('stderr', () => r.stderr.text.includes('\n'));
    assert.equal(r.stdout.text, 'hook:pre_start | hello\n');
    assert.equal(r.stderr.text, 'hook:pre_start | oops\n');
  });

  it('tags output with the given source and runs in the given directory', async () => {
    const r = setup({ cwd: dir, source: { process: 'web', instance: 'web-0:pre_stop' } });
    const outcome = await runHooks([sh('pwd')], r.context);
    assert.deepEqual(outcome, { ok: true });
    await waitFor('stdout', () => r.stdout.text.includes('\n'));
    assert.equal(r.stdout.text, `web-0:pre_stop | ${dir}\n`);
  });

  it('reports a command that does not exist', async () => {
    const r = setup();
    const outcome = await runHooks([hook(['/nonexistent/phpeek-hook', 'x'])], r.context);
    assert.deepEqual(outcome, {
      ok: false,
      error:
        'pre_start hook 1 (/nonexistent/phpeek-hook x) could not be started: command not found: /nonexistent/phpeek-hook',
    });
  });

  it('reports a working directory that does not exist', async () => {
    const missing = join(dir, 'missing');
    const outcome = await runHooks([sh('true')], setup({ cwd: missing }).context);
    assert.deepEqual(outcome, {
      ok: false,
      error: `pre_start hook 1 (true) could not be started: working directory ${missing} does not exist`,
    });
  });

  it('shows a long command shortened', async () => {
    const long = `exit 4 # ${'x'.repeat(200)}`;
    const outcome = await runHooks([sh(long)], setup().context);
    assert.equal(outcome.ok, false);
    const error = !outcome.ok ? outcome.error : '';
    assert.match(error, /^pre_start hook 1 \(exit 4 # x+\.\.\.\) exited with code 4$/);
    assert.ok(error.length < 180, error);
  });
});
