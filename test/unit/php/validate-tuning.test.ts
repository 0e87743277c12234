import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runValidate, type ValidateReport } from '../../../src/cli/validate.ts';

const file = join(mkdtempSync(join(tmpdir(), 'phpeek-validate-')), 'phpeek-pm.yaml');
writeFileSync(
  file,
  `global:
  php_fpm: { autotune: medium }
processes:
  php-fpm:
    command: ["php-fpm", "-F"]
`,
);

async function validate(env: Record<string, string>, json: boolean, profile?: string) {
  let stdout = '';
  const code = await runValidate(
    { config: file, json, ...(profile === undefined ? {} : { phpFpmProfile: profile }) },
    env,
    { stdout: (s) => (stdout += s), stderr: (s) => (stdout += s) },
  );
  return { code, stdout };
}

describe('validate shows the PHP-FPM computation', () => {
  it('as text, after the verdict', async () => {
    const { code, stdout } = await validate({}, false);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /: valid \(1 process, 1 instance\)$/);
    assert.equal(lines[1], 'php-fpm auto-tuning: profile medium (from global.php_fpm.autotune)');
    assert.match(lines[2] ?? '', /^ {2}memory .* from .*; .* from /);
    assert.match(lines[5] ?? '', /^ {2}pm = dynamic, pm\.max_children = \d+/);
  });

  it('as JSON, with the variables php-fpm will see', async () => {
    const { code, stdout } = await validate({ PHP_FPM_MAX_REQUESTS: '50' }, true, 'heavy');
    const report = JSON.parse(stdout) as ValidateReport;
    assert.equal(code, 0);
    assert.equal(report.phpFpm?.profile, 'heavy');
    assert.equal(report.phpFpm?.pm, 'static');
    assert.equal(report.phpFpm?.env['PHP_FPM_MAX_REQUESTS'], '50');
    assert.equal(report.phpFpm?.env['PHP_FPM_MAX_CHILDREN'], String(report.phpFpm?.maxChildren));
  });

  it('a bad --php-fpm-profile is an invalid configuration', async () => {
    const { code, stdout } = await validate({}, true, 'fast');
    const report = JSON.parse(stdout) as ValidateReport;
    assert.equal(code, 1);
    assert.equal(report.diagnostics[0]?.code, 'CONFIG_FPM_PROFILE');
  });
});
