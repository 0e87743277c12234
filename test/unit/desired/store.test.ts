import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DesiredStore } from '../../../src/desired/store.ts';
import { baseGlobal, proc } from '../../helpers/states.ts';

const file = (web = {}, extra = {}) => ({
  global: baseGlobal,
  processes: {
    web: proc('web', { replicas: 1, maxReplicas: 10, ...web }),
    db: proc('db'),
    ...extra,
  },
});

describe('DesiredStore: file and API', () => {
  it('an API patch of replicas applies and bumps the generation', () => {
    const store = new DesiredStore(file());
    const result = store.patchProcess('web', { replicas: 4 });
    assert.ok(result.ok);
    assert.equal(store.get().processes['web']?.replicas, 4);
    assert.equal(store.get().generation, 2);
    assert.equal(store.sources('web').replicas, 'api');
  });

  it('a reload of a file that leaves replicas as they were keeps the API value', () => {
    const store = new DesiredStore(file());
    store.patchProcess('web', { replicas: 4 });
    store.applyFile(file({ env: { OTHER: 'x' }, specHash: 'web-v2' }));
    assert.equal(store.get().processes['web']?.replicas, 4);
    assert.equal(store.get().processes['web']?.specHash, 'web-v2');
  });

  it('a file edit of replicas, newer than the patch, wins', () => {
    const store = new DesiredStore(file());
    store.patchProcess('web', { replicas: 4 });
    store.applyFile(file({ replicas: 2 }));
    assert.equal(store.get().processes['web']?.replicas, 2);
    assert.equal(store.sources('web').replicas, 'file');
  });

  it('stop and start through the API survive a reload of an unchanged file', () => {
    const store = new DesiredStore(file());
    store.patchProcess('db', { enabled: false });
    store.applyFile(file());
    assert.equal(store.get().processes['db']?.enabled, false);
  });

  it('refuses replicas above max_replicas and changes nothing', () => {
    const store = new DesiredStore(file());
    const before = store.get();
    const result = store.patchProcess('web', { replicas: 11 });
    assert.deepEqual(result.ok ? undefined : result.code, 'REPLICAS_ABOVE_MAX');
    assert.equal(store.get(), before);
  });

  it('refuses an unknown process and changes nothing', () => {
    const store = new DesiredStore(file());
    const before = store.get();
    const result = store.patchProcess('nope', { replicas: 1 });
    assert.equal(result.ok ? undefined : result.code, 'PROCESS_NOT_FOUND');
    assert.equal(store.get(), before);
  });

  it('a restart request gives the process a new spec hash each time, and a file change resets it', () => {
    const store = new DesiredStore(file());
    const original = store.get().processes['web']!.specHash;
    store.requestRestart('web');
    const first = store.get().processes['web']!.specHash;
    store.requestRestart('web');
    const second = store.get().processes['web']!.specHash;
    assert.notEqual(first, original);
    assert.notEqual(second, first);
    store.applyFile(file({ specHash: 'web-v9' }));
    assert.equal(store.get().processes['web']!.specHash, 'web-v9');
  });

  it('overrides of a process removed from the file are dropped', () => {
    const store = new DesiredStore(file());
    store.patchProcess('db', { replicas: 3 });
    store.applyFile({ global: baseGlobal, processes: { web: proc('web') } });
    store.applyFile(file());
    assert.equal(store.get().processes['db']?.replicas, 1);
  });

  it('nothing changes once shutdown has begun', () => {
    const store = new DesiredStore(file());
    store.requestShutdown({ cause: 'SIGTERM', exitCode: 0, forcedExitCode: 143, now: 0 });
    const result = store.patchProcess('web', { replicas: 3 });
    assert.equal(result.ok ? undefined : result.code, 'SHUTTING_DOWN');
  });
});

describe('DesiredStore.previewFile', () => {
  it('shows what a reload would give, with the same file-versus-API rules, and changes nothing', () => {
    const store = new DesiredStore(file());
    store.patchProcess('web', { replicas: 4 });
    const before = store.get();
    const preview = store.previewFile(
      file({ env: { X: '1' }, specHash: 'web-v2' }, { cron: proc('cron') }),
    );
    assert.equal(preview.processes['web']?.replicas, 4);
    assert.ok(preview.processes['cron']);
    assert.equal(store.get(), before);
    assert.equal(store.previewFile(file({ replicas: 2 })).processes['web']?.replicas, 2);
  });
});
