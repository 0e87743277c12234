// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings is the syntax under test.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { interpolate, isWholeExpression } from '../../../src/desired/interpolate.ts';

const env = { HOST: 'db', EMPTY: '', PORT: '5432' };

describe('interpolate', () => {
  const cases: [string, string, string][] = [
    ['a string without $ is unchanged', 'plain text', 'plain text'],
    ['${VAR} is replaced by its value', 'host=${HOST}', 'host=db'],
    ['several expressions are all replaced', '${HOST}:${PORT}', 'db:5432'],
    ['${VAR:-default} uses the value when set', '${HOST:-x}', 'db'],
    ['${VAR:-default} uses the default when unset', '${NOPE:-x}', 'x'],
    ['${VAR:-default} uses the default when empty', '${EMPTY:-x}', 'x'],
    ['${VAR-default} keeps an empty value', '[${EMPTY-x}]', '[]'],
    ['${VAR-default} uses the default when unset', '${NOPE-x}', 'x'],
    ['a default may itself hold an expression', '${NOPE:-${HOST}}', 'db'],
    ['a default may be empty', '[${NOPE:-}]', '[]'],
    ['a default may hold spaces and colons', '${NOPE:-a b:c}', 'a b:c'],
    ['$$ is a literal dollar', 'cost: $$5', 'cost: $5'],
    ['$${VAR} is not expanded', '$${HOST}', '${HOST}'],
    ['a lone $ before a name is kept for the shell', 'echo $HOME', 'echo $HOME'],
    ['a trailing $ is kept', 'price$', 'price$'],
    ['${VAR:?msg} gives the value when set', '${HOST:?need a host}', 'db'],
    ['an empty value is substituted as empty', '[${EMPTY}]', '[]'],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.deepEqual(interpolate(input, env), { value: expected, errors: [] });
    });
  }

  const failures: [string, string, RegExp][] = [
    ['an unset ${VAR} names the variable', '${NOPE}', /variable NOPE is not set/],
    ['an unset ${VAR} suggests a default', '${NOPE}', /\$\{NOPE:-default\}/],
    [
      '${VAR:?msg} unset gives the message',
      '${NOPE:?set NOPE to the DSN}',
      /NOPE is required but not set: set NOPE to the DSN/,
    ],
    [
      '${VAR:?msg} empty gives the message',
      '${EMPTY:?needed}',
      /EMPTY is required but empty: needed/,
    ],
    [
      '${VAR?msg} unset gives the message',
      '${NOPE?needed}',
      /NOPE is required but not set: needed/,
    ],
    ['${VAR:?} without a message still fails', '${NOPE:?}', /NOPE is required but not set$/],
    ['an unterminated expression is reported', 'a ${HOST', /unterminated "\$\{"/],
    ['an invalid name is reported', '${1X}', /found "\$\{1X\}"/],
    ['an empty expression is reported', '${}', /found "\$\{\}"/],
    [
      'an unset variable inside a used default is reported',
      '${NOPE:-${ALSO_NOPE}}',
      /ALSO_NOPE is not set/,
    ],
  ];
  for (const [name, input, pattern] of failures) {
    test(name, () => {
      const { errors } = interpolate(input, env);
      assert.equal(errors.length, 1, `errors: ${errors.join('; ')}`);
      assert.match(errors[0] ?? '', pattern);
    });
  }

  test('an unused default is not expanded, so its unset variables are no error', () => {
    assert.deepEqual(interpolate('${HOST:-${NOPE}}', env), { value: 'db', errors: [] });
  });

  test('every failing expression in one string is reported', () => {
    assert.equal(interpolate('${A} ${B}', {}).errors.length, 2);
  });
});

describe('interpolate: per-instance variables', () => {
  const perInstance = new Set(['PHPEEK_PM_REPLICA']);
  const keep = { perInstance, keepPerInstance: true };

  test('a per-instance ${NAME} is kept as written where it is filled in later', () => {
    assert.deepEqual(interpolate('90${PHPEEK_PM_REPLICA}', env, keep), {
      value: '90${PHPEEK_PM_REPLICA}',
      errors: [],
    });
  });

  test('other variables around it are still expanded', () => {
    assert.deepEqual(interpolate('${HOST}:90${PHPEEK_PM_REPLICA}', env, keep), {
      value: 'db:90${PHPEEK_PM_REPLICA}',
      errors: [],
    });
  });

  test('a per-instance variable is kept even when the manager has it set', () => {
    const nested = { ...env, PHPEEK_PM_REPLICA: '3' };
    assert.equal(interpolate('${PHPEEK_PM_REPLICA}', nested, keep).value, '${PHPEEK_PM_REPLICA}');
  });

  test('a default on a per-instance variable is an error: it is never unset', () => {
    const { errors } = interpolate('${PHPEEK_PM_REPLICA:-0}', env, keep);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /filled in for each instance .*write \$\{PHPEEK_PM_REPLICA\}/);
  });

  test('elsewhere, an unset per-instance variable says where it can be used', () => {
    const { errors } = interpolate('${PHPEEK_PM_REPLICA}', env, { perInstance });
    assert.equal(errors.length, 1);
    assert.match(
      errors[0] ?? '',
      /not set: it is filled in for each instance only in probe targets/,
    );
  });

  test('elsewhere, a per-instance variable set in the environment is expanded as usual', () => {
    const nested = { ...env, PHPEEK_PM_REPLICA: '3' };
    assert.equal(interpolate('${PHPEEK_PM_REPLICA}', nested, { perInstance }).value, '3');
  });
});

describe('isWholeExpression', () => {
  const cases: [string, string, boolean][] = [
    ['a single expression is whole', '${WORKERS}', true],
    ['a single expression with a default is whole', '${WORKERS:-2}', true],
    ['a nested default is still one expression', '${A:-${B}}', true],
    ['text around an expression is not whole', '${A}s', false],
    ['two expressions are not whole', '${A}${B}', false],
    ['plain text is not whole', '2', false],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(isWholeExpression(input), expected));
  }
});
