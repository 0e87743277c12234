import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDesired } from '../../../src/desired/load.ts';
import { canonicalJson, specHash } from '../../../src/desired/spec-hash.ts';

const base = `
processes:
  app:
    command: [php-fpm, -F]
    replicas: 2
    env: { APP_ENV: prod, DEBUG: "0" }
    working_dir: /var/www
    user: www-data
`;

function hashOf(yaml: string): string {
  const result = parseDesired(yaml, 'f.yaml', {});
  if (!result.ok) assert.fail(JSON.stringify(result.diagnostics));
  return result.processes['app']?.specHash ?? assert.fail('no app');
}

describe('specHash', () => {
  test('the same spec gives the same hash', () => {
    assert.equal(hashOf(base), hashOf(base));
  });

  test('the hash is 12 hex digits', () => {
    assert.match(hashOf(base), /^[0-9a-f]{12}$/);
  });

  test('the hash does not depend on key order', () => {
    assert.equal(
      specHash({ command: ['a'], env: { A: '1', B: '2' } }),
      specHash({ command: ['a'], env: { B: '2', A: '1' } }),
    );
  });

  const same: [string, string][] = [
    ['a replicas change keeps the hash', base.replace('replicas: 2', 'replicas: 5')],
    ['disabling keeps the hash', base.replace('replicas: 2', 'replicas: 2\n    enabled: false')],
    [
      'a restart policy change keeps the hash',
      base.replace('replicas: 2', 'replicas: 2\n    restart: never'),
    ],
    [
      'a backoff change keeps the hash',
      base.replace('replicas: 2', 'replicas: 2\n    restart_backoff: { initial: 5s }'),
    ],
    [
      'a stop signal or timeout change keeps the hash',
      base.replace('replicas: 2', 'replicas: 2\n    stop: { signal: QUIT, timeout: 1m }'),
    ],
    ['a dependency change keeps the hash', `${base}    depends_on: [db]\n  db:\n    command: x\n`],
    [
      'a probe keeps the hash',
      base.replace(
        'replicas: 2',
        'replicas: 2\n    probes: { readiness: { tcp: { port: 9000 } } }',
      ),
    ],
    [
      'hooks keep the hash',
      base.replace('replicas: 2', 'replicas: 2\n    post_start: [x]\n    pre_stop: [y]'),
    ],
    [
      'a rollout setting keeps the hash',
      base.replace('replicas: 2', 'replicas: 2\n    rollout: { max_surge: 1 }'),
    ],
    [
      'restart limits and critical keep the hash',
      base.replace(
        'replicas: 2',
        'replicas: 2\n    max_restarts: 3\n    restart_window: 1m\n    critical: true',
      ),
    ],
    [
      'a schedule keeps the hash',
      base.replace('replicas: 2', 'schedule: "0 3 * * *"\n    timezone: UTC'),
    ],
    [
      'env order keeps the hash',
      base.replace('{ APP_ENV: prod, DEBUG: "0" }', '{ DEBUG: "0", APP_ENV: prod }'),
    ],
  ];
  for (const [name, yaml] of same) {
    test(name, () => assert.equal(hashOf(yaml), hashOf(base)));
  }

  const different: [string, string][] = [
    ['an env change changes the hash', base.replace('APP_ENV: prod', 'APP_ENV: staging')],
    ['an added env variable changes the hash', base.replace('DEBUG: "0"', 'DEBUG: "0", X: y')],
    ['a command change changes the hash', base.replace('[php-fpm, -F]', '[php-fpm, -F, -R]')],
    ['a working_dir change changes the hash', base.replace('/var/www', '/srv')],
    ['a user change changes the hash', base.replace('www-data', 'root')],
    [
      'a group changes the hash',
      base.replace('user: www-data', 'user: www-data\n    group: www-data'),
    ],
    [
      'the same words as a shell string change the hash',
      base.replace('[php-fpm, -F]', '"php-fpm -F"'),
    ],
  ];
  for (const [name, yaml] of different) {
    test(name, () => assert.notEqual(hashOf(yaml), hashOf(base)));
  }
});

describe('canonicalJson', () => {
  test('keys are sorted at every level and undefined is left out', () => {
    assert.equal(
      canonicalJson({ b: { d: 1, c: [2, { f: 1, e: 0 }] }, a: undefined }),
      '{"b":{"c":[2,{"e":0,"f":1}],"d":1}}',
    );
  });
});
