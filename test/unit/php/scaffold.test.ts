import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadStartConfig } from '../../../src/cli/start-config.ts';
import { FRAMEWORKS } from '../../../src/desired/php-schema.ts';
import { scaffold } from '../../../src/php/scaffold.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'phpeek-scaffold-'));

describe('scaffold', () => {
  for (const framework of FRAMEWORKS) {
    it(`${framework}: a configuration that validates, and a Dockerfile`, async () => {
      const dir = tempDir();
      const result = await scaffold({ framework, dir, dockerfile: true, force: false });
      assert.deepEqual(result, {
        ok: true,
        framework,
        written: [join(dir, 'phpeek-pm.yaml'), join(dir, 'Dockerfile')],
      });
      const loaded = await loadStartConfig(join(dir, 'phpeek-pm.yaml'), {});
      assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.diagnostics));
      assert.equal(loaded.global.php.framework, framework);
      assert.equal(loaded.php.tuning?.profile, 'medium');
      assert.ok(loaded.processes['php-fpm'] && loaded.processes['nginx']);
      const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      assert.match(dockerfile, /^COPY phpeek-pm\.yaml \/etc\/phpeek-pm\/phpeek-pm\.yaml$/m);
      assert.match(dockerfile, /fastcgi_pass 127\.0\.0\.1:9000;/);
    });
  }

  it('never replaces a file without --force, and writes nothing at all then', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM mine\n');
    const refused = await scaffold({ framework: 'laravel', dir, dockerfile: true, force: false });
    assert.deepEqual(refused, {
      ok: false,
      error: `${join(dir, 'Dockerfile')} already exists; nothing written (--force replaces)`,
    });
    assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM mine\n');
    assert.throws(() => readFileSync(join(dir, 'phpeek-pm.yaml')), { code: 'ENOENT' });

    const forced = await scaffold({ framework: 'laravel', dir, dockerfile: true, force: true });
    assert.ok(forced.ok);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /FROM \$\{PHPEEK_PM_IMAGE\}/);
  });

  it('auto detects the framework from the directory', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'artisan'), '<?php\n');
    const result = await scaffold({ framework: 'auto', dir, dockerfile: false, force: false });
    assert.ok(result.ok);
    assert.equal(result.framework, 'laravel');
    assert.match(readFileSync(join(dir, 'phpeek-pm.yaml'), 'utf8'), /artisan", "queue:work"/);
  });

  it('an unknown framework is refused', async () => {
    const result = await scaffold({
      framework: 'drupal',
      dir: tempDir(),
      dockerfile: false,
      force: false,
    });
    assert.deepEqual(result, {
      ok: false,
      error:
        'unknown framework "drupal": expected one of laravel, symfony, wordpress, generic or auto',
    });
  });
});
