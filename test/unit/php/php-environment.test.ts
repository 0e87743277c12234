import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerLimits } from '../../../src/php/container-limits.ts';
import { describePhpEnvironment, phpEnvironment } from '../../../src/php/php-environment.ts';

const MiB = 2 ** 20;
const limits = (): ContainerLimits => ({
  memory: { value: 1024 * MiB, source: 'cgroup v2 memory.max' },
  cpus: { value: 2, source: 'cgroup v2 cpu.max' },
});
const unreadable = (): ContainerLimits => {
  throw new Error('limits must not be read without a profile');
};

const fileWith = (fpm: string) => `global:
  php_fpm:
${fpm}
processes:
  php-fpm:
    command: php-fpm -F
`;

describe('phpEnvironment', () => {
  it('no profile anywhere: the environment as it is, and the limits are not read', () => {
    const env = { PATH: '/bin' };
    const result = phpEnvironment('processes: {}\n', env, { limits: unreadable });
    assert.deepEqual(result, { ok: true, env, keptFromEnvironment: [] });
  });

  it("the file's profile adds the pool variables", () => {
    const result = phpEnvironment(fileWith('    autotune: medium'), {}, { limits });
    assert.ok(result.ok);
    assert.equal(result.profileSource, 'global.php_fpm.autotune');
    assert.equal(result.env['PHP_FPM_PM'], 'dynamic');
    assert.equal(result.env['PHP_FPM_MAX_CHILDREN'], '14');
  });

  it('the file may take its profile from a variable', () => {
    const result = phpEnvironment(
      fileWith(`    autotune: \${PROFILE:-light}`),
      { PROFILE: 'heavy' },
      { limits },
    );
    assert.ok(result.ok);
    assert.equal(result.tuning?.profile, 'heavy');
  });

  it('PHP_FPM_AUTOTUNE_PROFILE comes before the file, the command line before both', () => {
    const text = fileWith('    autotune: medium');
    const fromEnv = phpEnvironment(text, { PHP_FPM_AUTOTUNE_PROFILE: 'light' }, { limits });
    const fromFlag = phpEnvironment(
      text,
      { PHP_FPM_AUTOTUNE_PROFILE: 'light' },
      { limits, profile: 'static-is-not-a-profile' },
    );
    assert.ok(fromEnv.ok);
    assert.deepEqual(
      [fromEnv.tuning?.profile, fromEnv.profileSource],
      ['light', 'PHP_FPM_AUTOTUNE_PROFILE'],
    );
    assert.deepEqual(fromFlag, {
      ok: false,
      source: '--php-fpm-profile',
      error:
        '--php-fpm-profile: expected a PHP-FPM profile (one of dev, light, medium, heavy, bursty) or false, found "static-is-not-a-profile"',
    });
  });

  it('false or off anywhere first turns tuning off', () => {
    for (const off of ['false', 'off']) {
      const result = phpEnvironment(fileWith('    autotune: medium'), {}, { limits, profile: off });
      assert.ok(result.ok);
      assert.equal(result.tuning, undefined);
    }
    const fromFile = phpEnvironment(fileWith('    autotune: false'), {}, { limits: unreadable });
    assert.ok(fromFile.ok && fromFile.tuning === undefined);
  });

  it('a variable already in the environment is kept, and the report says so', () => {
    const result = phpEnvironment(
      fileWith('    autotune: medium'),
      { PHP_FPM_MAX_CHILDREN: '40' },
      { limits },
    );
    assert.ok(result.ok);
    assert.equal(result.env['PHP_FPM_MAX_CHILDREN'], '40');
    assert.deepEqual(result.keptFromEnvironment, ['PHP_FPM_MAX_CHILDREN']);
    assert.match(
      describePhpEnvironment(result).join('\n'),
      /PHP_FPM_MAX_CHILDREN=40 is set in the environment and is kept/,
    );
  });

  it("the file's worker and reserved memory are used", () => {
    const result = phpEnvironment(
      fileWith('    autotune: heavy\n    worker_memory: 200Mi\n    reserved_memory: 24Mi'),
      {},
      { limits },
    );
    assert.ok(result.ok);
    assert.equal(result.tuning?.maxChildren, 5);
  });

  it('an invalid profile in the file is left to the schema, which reports it with its line', () => {
    const result = phpEnvironment(fileWith('    autotune: huge'), {}, { limits: unreadable });
    assert.ok(result.ok && result.tuning === undefined);
  });

  it('a file that is not YAML is left to the parser', () => {
    const result = phpEnvironment('php_fpm: [unclosed', {}, { limits: unreadable });
    assert.ok(result.ok && result.tuning === undefined);
  });
});
