import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Diagnostic,
  formatDiagnostic,
  formatPath,
  fromPointer,
  toPointer,
} from '../../../src/desired/diagnostics.ts';

describe('formatDiagnostic', () => {
  const base: Diagnostic = {
    code: 'CONFIG_SCHEMA',
    file: 'phpeek-pm.yaml',
    path: 'processes.worker.replicas',
    line: 12,
    column: 5,
    message: 'expected an integer >= 0, found "three"',
  };
  const cases: [string, Diagnostic, string][] = [
    [
      'a located diagnostic reads file:line:column path: message',
      base,
      'phpeek-pm.yaml:12:5 processes.worker.replicas: expected an integer >= 0, found "three"',
    ],
    [
      'a diagnostic without a position names the file alone',
      { ...base, line: undefined, column: undefined },
      'phpeek-pm.yaml processes.worker.replicas: expected an integer >= 0, found "three"',
    ],
    [
      'a diagnostic about the whole document has no path',
      { ...base, path: '' },
      'phpeek-pm.yaml:12:5: expected an integer >= 0, found "three"',
    ],
  ];
  for (const [name, diagnostic, expected] of cases) {
    test(name, () => assert.equal(formatDiagnostic(diagnostic), expected));
  }
});

describe('formatPath', () => {
  const cases: [string, (string | number)[], string][] = [
    ['keys are joined with dots', ['processes', 'web', 'replicas'], 'processes.web.replicas'],
    ['list indexes are bracketed', ['processes', 'web', 'command', 1], 'processes.web.command[1]'],
    [
      'a key with a dot or space is quoted',
      ['processes', 'web', 'env', 'A.B'],
      'processes.web.env["A.B"]',
    ],
    ['the document itself is the empty path', [], ''],
  ];
  for (const [name, path, expected] of cases) {
    test(name, () => assert.equal(formatPath(path), expected));
  }

  test('a JSON pointer round-trips keys holding / and ~', () => {
    assert.deepEqual(fromPointer(toPointer(['a/b', 'c~d', 'e'])), ['a/b', 'c~d', 'e']);
  });
});
