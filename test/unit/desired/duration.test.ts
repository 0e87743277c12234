import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DURATION_PATTERN, parseDuration } from '../../../src/desired/duration.ts';

describe('parseDuration', () => {
  const valid: [string, string | number, number][] = [
    ['milliseconds are taken as written', '500ms', 500],
    ['seconds are multiplied by 1000', '10s', 10_000],
    ['minutes are multiplied by 60000', '5m', 300_000],
    ['hours are multiplied by 3600000', '1h', 3_600_000],
    ['a compound adds its parts', '1m30s', 90_000],
    ['a compound may mix every unit', '1h2m3s4ms', 3_723_004],
    ['a decimal amount is allowed', '1.5s', 1500],
    ['an integer number is seconds', 30, 30_000],
    ['a float number is seconds', 0.5, 500],
    ['a numeric string is seconds (as after interpolation)', '2', 2000],
    ['zero is allowed', 0, 0],
    ['a sub-millisecond result is rounded', '1.4ms', 1],
  ];
  for (const [name, input, ms] of valid) {
    test(name, () => {
      assert.equal(parseDuration(input), ms);
      if (typeof input === 'string') assert.match(input, new RegExp(DURATION_PATTERN));
    });
  }

  const invalid: [string, string | number][] = [
    ['an unknown unit is rejected', '10x'],
    ['a negative number is rejected', -1],
    ['a negative string is rejected', '-1s'],
    ['a space inside is rejected', '10 s'],
    ['an empty string is rejected', ''],
    ['a unit alone is rejected', 's'],
    ['infinity is rejected', Number.POSITIVE_INFINITY],
    ['NaN is rejected', Number.NaN],
    ['an uppercase unit is rejected', '10S'],
  ];
  for (const [name, input] of invalid) {
    test(name, () => {
      assert.equal(parseDuration(input), undefined);
      if (typeof input === 'string') assert.doesNotMatch(input, new RegExp(DURATION_PATTERN));
    });
  }
});
