import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_PHP } from '../../../src/desired/normalize.ts';
import type { PhpSpec } from '../../../src/desired/types.ts';
import { detectFramework, FRAMEWORK_LAYOUTS } from '../../../src/php/framework.ts';
import { describeSetup, prepareWorkdir } from '../../../src/php/setup.ts';

const isRoot = process.getuid?.() === 0;
const etc = mkdtempSync(join(tmpdir(), 'phpeek-etc-'));
writeFileSync(join(etc, 'passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:4242:4343::/app:/bin/sh\n');
writeFileSync(join(etc, 'group'), 'root:x:0:\napp:x:4343:\n');

/** An application directory holding `files` (a trailing / makes a directory). */
function app(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'phpeek-app-'));
  for (const file of files) {
    const path = join(dir, file);
    if (file.endsWith('/')) {
      mkdirSync(path, { recursive: true });
    } else {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, '<?php\n');
    }
  }
  return dir;
}

const spec = (workdir: string, overrides: Partial<PhpSpec> = {}): PhpSpec => ({
  ...DEFAULT_PHP,
  workdir,
  user: 'app',
  group: 'app',
  ...overrides,
});

describe('detectFramework', () => {
  const cases: [string, string[], string][] = [
    ['artisan is Laravel', ['artisan', 'public/index.php'], 'laravel'],
    ['bin/console with var/ is Symfony', ['bin/console', 'var/'], 'symfony'],
    ['bin/console with symfony.lock is Symfony', ['bin/console', 'symfony.lock'], 'symfony'],
    ['a bare bin/console is not Symfony', ['bin/console'], 'generic'],
    ['wp-config.php is WordPress', ['wp-config.php', 'wp-content/'], 'wordpress'],
    ['wp-load.php is WordPress before wp-config.php exists', ['wp-load.php'], 'wordpress'],
    ['anything else is generic', ['index.php'], 'generic'],
    ['an empty directory is generic', [], 'generic'],
  ];
  for (const [name, files, expected] of cases) {
    it(name, () => assert.equal(detectFramework(app(files)), expected));
  }
});

describe('prepareWorkdir', () => {
  it('Laravel: creates the storage and cache directories, group-writable', async () => {
    const dir = app(['artisan', 'storage/logs/']);
    const report = await prepareWorkdir(spec(dir), { uid: process.getuid?.() ?? 0, etc });
    assert.equal(report.framework, 'laravel');
    assert.equal(report.detected, true);
    assert.deepEqual(
      report.created,
      FRAMEWORK_LAYOUTS.laravel.directories.filter((d) => d !== 'storage/logs'),
    );
    for (const d of FRAMEWORK_LAYOUTS.laravel.directories) {
      assert.ok(statSync(join(dir, d)).isDirectory(), d);
    }
    assert.equal(statSync(join(dir, 'storage/framework/views')).mode & 0o777, 0o775);
    assert.equal(statSync(join(dir, 'storage/framework')).mode & 0o777, 0o775);
  });

  it('as root: hands the trees, existing files included, to the php-fpm user', {
    skip: isRoot ? false : 'needs root to give files away',
  }, async () => {
    const dir = app(['artisan', 'storage/logs/laravel.log', 'bootstrap/cache/']);
    const report = await prepareWorkdir(spec(dir), { uid: 0, etc });
    for (const path of [
      'storage',
      'storage/logs/laravel.log',
      'storage/framework/views',
      'bootstrap/cache',
    ]) {
      const st = statSync(join(dir, path));
      assert.deepEqual([st.uid, st.gid], [4242, 4343], path);
    }
    // The application's own files stay as they are.
    assert.equal(statSync(join(dir, 'artisan')).uid, 0);
    assert.equal(report.owner, 'app:app');
    assert.equal(report.owned, 11);
    assert.deepEqual(report.warnings, []);
  });

  it("without a group, the user's primary group", {
    skip: isRoot ? false : 'needs root to give files away',
  }, async () => {
    const dir = app(['wp-config.php']);
    const { group: _, ...noGroup } = spec(dir);
    const report = await prepareWorkdir(noGroup, { uid: 0, etc });
    const st = statSync(join(dir, 'wp-content/uploads'));
    assert.deepEqual([st.uid, st.gid, report.owner], [4242, 4343, 'app']);
  });

  it('a second run finds everything in place', async () => {
    const dir = app(['bin/console', 'var/']);
    await prepareWorkdir(spec(dir), { uid: process.getuid?.() ?? 0, etc });
    const again = await prepareWorkdir(spec(dir), { uid: process.getuid?.() ?? 0, etc });
    assert.deepEqual(again.created, []);
    assert.match(
      describeSetup(again, dir, 0.4),
      /^setup: symfony \(detected\) in .*: directories already there/,
    );
  });

  it('a framework named in the file is not detected', async () => {
    const dir = app(['index.php']);
    const report = await prepareWorkdir(spec(dir, { framework: 'wordpress' }), {
      uid: process.getuid?.() ?? 0,
      etc,
    });
    assert.deepEqual(
      [report.framework, report.detected, report.created],
      ['wordpress', false, ['wp-content/uploads']],
    );
  });

  it('an unknown user is a warning: directories are still created', async () => {
    const dir = app(['artisan']);
    const report = await prepareWorkdir(spec(dir, { user: 'nobody-here', group: 'nobody-here' }), {
      uid: 0,
      etc,
    });
    assert.equal(report.created.length, 6);
    assert.match(report.warnings[0] ?? '', /unknown user "nobody-here".*ownership left as it is/);
  });

  it('not root: ownership cannot change, which is said once', async () => {
    const dir = app(['wp-config.php']);
    const report = await prepareWorkdir(spec(dir), { uid: 1000, etc });
    assert.deepEqual(report.created, ['wp-content/uploads']);
    assert.deepEqual(report.warnings, [
      'not running as root: cannot give the directories to app:app',
    ]);
  });

  const skips: [string, (dir: string) => PhpSpec, RegExp][] = [
    [
      'global.setup: false does nothing',
      (dir) => spec(dir, { setup: false }),
      /global\.setup is false/,
    ],
    [
      'a missing workdir is skipped',
      (dir) => spec(join(dir, 'nope')),
      /does not exist \(global\.workdir\)/,
    ],
    [
      'a generic application has nothing to prepare',
      (dir) => spec(dir),
      /generic \(detected\).*nothing to prepare/,
    ],
  ];
  for (const [name, make, line] of skips) {
    it(name, async () => {
      const dir = app(['index.php']);
      const report = await prepareWorkdir(make(dir), { uid: 0, etc });
      assert.deepEqual(report.created, []);
      assert.match(describeSetup(report, dir, 0.1), line);
    });
  }
});
