import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObservedEvent } from '../../../src/observed/events.ts';
import { reduceObserved, reduceObservedAll } from '../../../src/observed/reduce.ts';
import { emptyObserved, type ObservedState } from '../../../src/observed/types.ts';

const issue = (id = 'w-0', specHash = 'v1', at = 0): ObservedEvent => ({
  type: 'spawn-issued',
  id,
  process: 'w',
  index: 0,
  specHash,
  at,
});
const exited = (pid: number, at: number, code = 1, resetAfterMs = 60_000): ObservedEvent => ({
  type: 'exited',
  id: 'w-0',
  pid,
  code,
  signal: null,
  at,
  jitter: 0.5,
  resetAfterMs,
});

/** Runs `w-0` through n crash cycles, each `runMs` long. */
function crashLoop(n: number, runMs: number, resetAfterMs = 60_000): ObservedState {
  let state = emptyObserved;
  let t = 0;
  for (let i = 0; i < n; i++) {
    state = reduceObservedAll(state, [
      issue('w-0', 'v1', t),
      { type: 'spawned', id: 'w-0', pid: 100 + i, at: t },
    ]);
    t += runMs;
    state = reduceObserved(state, exited(100 + i, t, 1, resetAfterMs));
  }
  return state;
}

describe('reduceObserved', () => {
  it('a spawn goes starting -> running -> exited with its exit recorded', () => {
    let s = reduceObserved(emptyObserved, issue());
    assert.equal(s.instances['w-0']?.phase, 'starting');
    s = reduceObserved(s, { type: 'spawned', id: 'w-0', pid: 42, at: 5 });
    assert.equal(s.instances['w-0']?.phase, 'running');
    assert.equal(s.instances['w-0']?.pid, 42);
    s = reduceObserved(s, exited(42, 10, 3));
    assert.deepEqual(s.instances['w-0']?.lastExit, {
      code: 3,
      signal: null,
      at: 10,
      requested: false,
    });
    assert.equal(s.instances['w-0']?.phase, 'exited');
  });

  it('counts consecutive failures of short runs', () => {
    assert.equal(crashLoop(4, 100).instances['w-0']?.consecutiveFailures, 4);
  });

  it('resets the failure count after a run of at least reset_after', () => {
    let state = crashLoop(4, 100, 1_000);
    state = reduceObservedAll(state, [
      issue('w-0', 'v1', 10_000),
      { type: 'spawned', id: 'w-0', pid: 999, at: 10_000 },
    ]);
    state = reduceObserved(state, exited(999, 11_000, 1, 1_000));
    assert.equal(state.instances['w-0']?.consecutiveFailures, 1);
    assert.equal(state.instances['w-0']?.restarts, 4);
  });

  it('an exit after a stop request is not a failure', () => {
    let s = crashLoop(2, 100);
    s = reduceObservedAll(s, [
      issue('w-0', 'v1', 1_000),
      { type: 'spawned', id: 'w-0', pid: 7, at: 1_000 },
    ]);
    s = reduceObserved(s, {
      type: 'stop-issued',
      id: 'w-0',
      reason: 'scaled down',
      cause: 'requested',
      killAt: 2_000,
      at: 1_100,
    });
    s = reduceObserved(s, exited(7, 1_200, 0));
    assert.equal(s.instances['w-0']?.lastExit?.requested, true);
    assert.equal(s.instances['w-0']?.consecutiveFailures, 0);
  });

  it('a spawn under a new spec starts the counts afresh', () => {
    const s = reduceObserved(crashLoop(3, 100), issue('w-0', 'v2', 5_000));
    assert.equal(s.instances['w-0']?.restarts, 0);
    assert.equal(s.instances['w-0']?.consecutiveFailures, 0);
    assert.equal(s.instances['w-0']?.lastExit, undefined);
  });

  it('ignores an exit of a pid it no longer tracks', () => {
    let s = reduceObservedAll(emptyObserved, [
      issue(),
      { type: 'spawned', id: 'w-0', pid: 1, at: 0 },
    ]);
    const before = s;
    s = reduceObserved(s, exited(2, 10));
    assert.equal(s, before);
  });

  it('ignores events about unknown instances', () => {
    assert.equal(
      reduceObserved(emptyObserved, { type: 'spawned', id: 'nope-0', pid: 1, at: 0 }),
      emptyObserved,
    );
    assert.equal(reduceObserved(emptyObserved, exited(1, 1)), emptyObserved);
  });

  it('a failed spawn counts as a failure and keeps the error', () => {
    const s = reduceObservedAll(emptyObserved, [
      issue(),
      { type: 'spawn-failed', id: 'w-0', error: 'command not found: x', at: 3, jitter: 0.2 },
    ]);
    assert.equal(s.instances['w-0']?.phase, 'exited');
    assert.equal(s.instances['w-0']?.consecutiveFailures, 1);
    assert.equal(s.instances['w-0']?.lastExit?.spawnError, 'command not found: x');
    assert.equal(s.instances['w-0']?.jitter, 0.2);
  });

  it('a kill of a running instance marks it stopping with the kill sent', () => {
    let s = reduceObservedAll(emptyObserved, [
      issue(),
      { type: 'spawned', id: 'w-0', pid: 1, at: 0 },
    ]);
    s = reduceObserved(s, { type: 'kill-issued', id: 'w-0', reason: 'forced shutdown', at: 4 });
    assert.equal(s.instances['w-0']?.phase, 'stopping');
    assert.equal(s.instances['w-0']?.killSent, true);
  });

  it('forgets an instance', () => {
    const s = reduceObserved(reduceObserved(emptyObserved, issue()), {
      type: 'forgotten',
      id: 'w-0',
    });
    assert.deepEqual(s.instances, {});
  });
});

describe('reduceObserved: retired instances', () => {
  it('moves a retired instance out of its slot and routes its exit by pid', () => {
    let s = reduceObservedAll(emptyObserved, [
      issue('w-0', 'v1'),
      { type: 'spawned', id: 'w-0', pid: 10, at: 0 },
    ]);
    s = reduceObserved(s, { type: 'retired', id: 'w-0', at: 1 });
    assert.equal(s.instances['w-0'], undefined);
    assert.equal(s.instances['w-0@v1']?.retiredFrom, 'w-0');
    s = reduceObservedAll(s, [
      issue('w-0', 'v2', 2),
      { type: 'spawned', id: 'w-0', pid: 11, at: 2 },
    ]);
    // The executor reports the old process's exit under the slot id, with its own pid.
    s = reduceObserved(s, exited(10, 3, 0));
    assert.equal(s.instances['w-0@v1']?.phase, 'exited');
    assert.equal(s.instances['w-0']?.phase, 'running');
    assert.equal(s.instances['w-0']?.pid, 11);
  });
});
