import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readContainerLimits } from '../../src/php/container-limits.ts';
import { fpmTuning } from '../../src/php/fpm-tuning.ts';
import { canUnshare, ManagerUnderTest } from '../helpers/manager.ts';

/** A Laravel-shaped application directory. */
function laravelApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phpeek-laravel-'));
  writeFileSync(join(dir, 'artisan'), '<?php\n');
  mkdirSync(join(dir, 'storage'));
  return dir;
}

/** A process that prints what php-fpm would be told, then stays up. */
const config = (workdir: string, autotune: string) => `
global:
  workdir: ${workdir}
  php_fpm:
    autotune: ${autotune}
    user: root
processes:
  pool-env:
    command: ["sh", "-c", "echo pool $PHP_FPM_PM $PHP_FPM_MAX_CHILDREN $FROM_FILE; exec sleep 1000"]
    env:
      FROM_FILE: "max=\${PHP_FPM_MAX_CHILDREN}"
`;

const hostLimits = () =>
  readContainerLimits('/', { memoryBytes: totalmem(), cpus: availableParallelism() });

describe('PHP container setup at start', () => {
  const managers: ManagerUnderTest[] = [];
  after(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
  });

  it('prepares a Laravel application, then starts the processes with the tuned pool', async () => {
    const app = laravelApp();
    const m = new ManagerUnderTest(config(app, 'light'));
    managers.push(m);
    const expected = fpmTuning({ profile: 'light', limits: hostLimits() });
    const line = await m.waitForLine(/pool /);
    assert.match(
      line,
      new RegExp(`pool ondemand ${expected.maxChildren} max=${expected.maxChildren}$`),
    );
    const setup = await m.waitForLine(/setup: /);
    assert.match(
      setup,
      new RegExp(
        `setup: laravel \\(detected\\) in ${app}: created storage/app/public, .*bootstrap/cache; \\d+ entries owned by root`,
      ),
    );
    assert.ok(statSync(join(app, 'storage/framework/views')).isDirectory());
    await m.waitForLine(/php-fpm auto-tuning: profile light \(from global\.php_fpm\.autotune\)/);
    // Setup comes before the first process.
    const setupAt = m.lines.findIndex((l) => l.includes('setup: '));
    const poolAt = m.lines.findIndex((l) => l.includes('pool '));
    assert.ok(setupAt < poolAt, m.tail());
  });

  it('--php-fpm-profile comes before the file', async () => {
    const m = new ManagerUnderTest(config(laravelApp(), 'heavy'), {
      args: ['--php-fpm-profile', 'dev'],
    });
    managers.push(m);
    const expected = fpmTuning({ profile: 'dev', limits: hostLimits() });
    assert.match(
      await m.waitForLine(/pool /),
      new RegExp(`pool ondemand ${expected.maxChildren} `),
    );
    await m.waitForLine(/profile dev \(from --php-fpm-profile\)/);
  });

  it('a bad profile in the environment stops the start with the reason', async () => {
    const m = new ManagerUnderTest(config(laravelApp(), 'light'), {
      env: { PHP_FPM_AUTOTUNE_PROFILE: 'turbo' },
    });
    managers.push(m);
    const { code } = await m.exited;
    assert.equal(code, 1);
    assert.match(m.tail(), /PHP_FPM_AUTOTUNE_PROFILE: expected a PHP-FPM profile .* found "turbo"/);
  });

  it('a read-only application directory: setup is skipped in one line, the processes start', {
    skip: canUnshare ? false : 'needs root and unshare',
  }, async () => {
    const app = laravelApp();
    const m = new ManagerUnderTest(config(app, 'medium'), { pid1: true, readOnly: [app] });
    managers.push(m);
    await m.waitForLine(/pool dynamic/);
    const skipped = m.lines.filter((l) => l.includes('setup: '));
    assert.equal(skipped.length, 1, m.tail());
    assert.match(skipped[0] ?? '', new RegExp(`read-only filesystem at ${app}, skipped`));
    assert.throws(() => statSync(join(app, 'storage/framework')), { code: 'ENOENT' });
  });

  it('a read-only root with a writable volume on storage/: storage is prepared, the rest left', {
    skip: canUnshare ? false : 'needs root and unshare',
  }, async () => {
    const app = laravelApp();
    const volume = mkdtempSync(join(tmpdir(), 'phpeek-volume-'));
    const m = new ManagerUnderTest(config(app, 'medium'), {
      pid1: true,
      readOnly: [app],
      binds: [[volume, join(app, 'storage')]],
    });
    managers.push(m);
    const line = await m.waitForLine(/setup: /);
    assert.match(
      line,
      /created storage\/app\/public, storage\/framework\/cache\/data, storage\/framework\/sessions, storage\/framework\/views, storage\/logs; \d+ entries owned by root; read-only, left as they are: bootstrap\/cache/,
    );
    assert.ok(statSync(join(volume, 'framework/views')).isDirectory());
  });
});
