import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { locateConfig } from '../../../src/desired/locate.ts';

function existing(...paths: string[]) {
  return { isFile: (p: string) => paths.includes(p) };
}

describe('locateConfig', () => {
  const cases: [string, string | undefined, Record<string, string>, string[], unknown][] = [
    [
      '-c wins over everything',
      'my.yaml',
      { PHPEEK_PM_CONFIG: 'env.yaml' },
      ['my.yaml', 'env.yaml', 'phpeek-pm.yaml'],
      { file: 'my.yaml' },
    ],
    [
      'PHPEEK_PM_CONFIG wins over the default places',
      undefined,
      { PHPEEK_PM_CONFIG: 'env.yaml' },
      ['env.yaml', 'phpeek-pm.yaml'],
      { file: 'env.yaml' },
    ],
    [
      'an empty PHPEEK_PM_CONFIG counts as unset',
      undefined,
      { PHPEEK_PM_CONFIG: '' },
      ['phpeek-pm.yaml'],
      { file: 'phpeek-pm.yaml' },
    ],
    [
      './phpeek-pm.yaml comes before /etc',
      undefined,
      {},
      ['phpeek-pm.yaml', '/etc/phpeek-pm/phpeek-pm.yaml'],
      { file: 'phpeek-pm.yaml' },
    ],
    [
      '/etc/phpeek-pm/phpeek-pm.yaml is the last resort',
      undefined,
      {},
      ['/etc/phpeek-pm/phpeek-pm.yaml'],
      { file: '/etc/phpeek-pm/phpeek-pm.yaml' },
    ],
  ];
  for (const [name, explicit, env, files, expected] of cases) {
    test(name, () => assert.deepEqual(locateConfig(explicit, env, existing(...files)), expected));
  }

  test('nothing found lists every place looked in', () => {
    const located = locateConfig(undefined, {}, existing());
    assert.deepEqual(located, {
      error:
        'no configuration file found (looked in: phpeek-pm.yaml, /etc/phpeek-pm/phpeek-pm.yaml)',
      lookedIn: ['phpeek-pm.yaml', '/etc/phpeek-pm/phpeek-pm.yaml'],
    });
  });

  test('a missing -c file is not replaced by a default one', () => {
    const located = locateConfig('typo.yaml', {}, existing('phpeek-pm.yaml'));
    assert.deepEqual(located, {
      error: 'no configuration file found (looked in: typo.yaml)',
      lookedIn: ['typo.yaml'],
    });
  });

  test('a missing PHPEEK_PM_CONFIG file says where the name came from', () => {
    const located = locateConfig(
      undefined,
      { PHPEEK_PM_CONFIG: 'gone.yaml' },
      existing('phpeek-pm.yaml'),
    );
    assert.ok('error' in located);
    assert.match(located.error, /gone\.yaml \(from PHPEEK_PM_CONFIG\)/);
  });

  test('relative places are looked up from cwd', () => {
    const located = locateConfig(
      undefined,
      {},
      { cwd: '/app', ...existing('/app/phpeek-pm.yaml') },
    );
    assert.deepEqual(located, { file: '/app/phpeek-pm.yaml' });
  });
});
