// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings is the syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  fillInstanceVariables,
  instanceProbeTarget,
  isInProbeTarget,
} from '../../../src/desired/probe-target.ts';
import type { ProbeTarget } from '../../../src/desired/types.ts';

const worker3 = { process: 'worker', index: 3, id: 'worker-3' };

describe('instanceProbeTarget', () => {
  const cases: [string, ProbeTarget, ProbeTarget][] = [
    [
      'a tcp port and host are filled in',
      { type: 'tcp', host: '${PHPEEK_PM_PROCESS_NAME}.local', port: '90${PHPEEK_PM_REPLICA}' },
      { type: 'tcp', host: 'worker.local', port: '903' },
    ],
    [
      'an http URL and header values are filled in; everything else is kept',
      {
        type: 'http',
        url: 'http://127.0.0.1:80${PHPEEK_PM_REPLICA}/status?id=${PHPEEK_PM_INSTANCE_ID}',
        method: 'GET',
        headers: { 'X-Instance': '${PHPEEK_PM_INSTANCE_ID}', Host: 'app.test' },
        expectedStatus: [200],
      },
      {
        type: 'http',
        url: 'http://127.0.0.1:803/status?id=worker-3',
        method: 'GET',
        headers: { 'X-Instance': 'worker-3', Host: 'app.test' },
        expectedStatus: [200],
      },
    ],
    [
      'every argument of an exec command is filled in',
      { type: 'exec', command: ['/bin/sh', '-c', 'check --replica ${PHPEEK_PM_REPLICA}'] },
      { type: 'exec', command: ['/bin/sh', '-c', 'check --replica 3'] },
    ],
    [
      'a target without per-instance variables comes back equal',
      { type: 'tcp', host: '127.0.0.1', port: '9000' },
      { type: 'tcp', host: '127.0.0.1', port: '9000' },
    ],
  ];
  for (const [name, target, expected] of cases) {
    test(name, () => assert.deepEqual(instanceProbeTarget(target, worker3), expected));
  }

  test('the input target is not changed', () => {
    const target: ProbeTarget = { type: 'exec', command: ['echo', '${PHPEEK_PM_REPLICA}'] };
    const copy = structuredClone(target);
    instanceProbeTarget(target, worker3);
    assert.deepEqual(target, copy);
  });
});

describe('fillInstanceVariables', () => {
  const cases: [string, string, string][] = [
    ['the replica index is filled in', 'p${PHPEEK_PM_REPLICA}', 'p3'],
    ['the instance id is filled in', '${PHPEEK_PM_INSTANCE_ID}', 'worker-3'],
    ['the process name is filled in', '${PHPEEK_PM_PROCESS_NAME}', 'worker'],
    ['every occurrence is filled in', '${PHPEEK_PM_REPLICA}${PHPEEK_PM_REPLICA}', '33'],
    ['other variables are left alone', '${HOME} $PHPEEK_PM_REPLICA', '${HOME} $PHPEEK_PM_REPLICA'],
    ['a form with a default is left alone', '${PHPEEK_PM_REPLICA:-0}', '${PHPEEK_PM_REPLICA:-0}'],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(fillInstanceVariables(input, worker3), expected));
  }
});

describe('isInProbeTarget', () => {
  const cases: [string, (string | number)[], boolean][] = [
    [
      'an http URL is in a probe target',
      ['processes', 'w', 'probes', 'readiness', 'http', 'url'],
      true,
    ],
    [
      'an exec argument is in a probe target',
      ['processes', 'w', 'probes', 'liveness', 'exec', 'command', 1],
      true,
    ],
    [
      'a header value is in a probe target',
      ['processes', 'w', 'probes', 'startup', 'http', 'headers', 'X'],
      true,
    ],
    ['a probe period is not', ['processes', 'w', 'probes', 'readiness', 'period'], false],
    ['a process env value is not', ['processes', 'w', 'env', 'PORT'], false],
    ['the command of a process is not', ['processes', 'w', 'command', 0], false],
  ];
  for (const [name, path, expected] of cases) {
    test(name, () => assert.equal(isInProbeTarget(path), expected));
  }
});
