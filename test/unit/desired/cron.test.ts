import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cronExpressionError } from '../../../src/desired/cron.ts';

describe('cronExpressionError', () => {
  const accepted: [string, string][] = [
    ['five fields are minute precision', '*/5 * * * *'],
    ['six fields start with seconds', '30 */5 * * * *'],
    ['month and weekday names are accepted', '0 9 * JAN-JUN MON-FRI'],
    ['a nickname is accepted', '@weekly'],
    ['the last day of the month is accepted', '0 0 L * *'],
    ['surrounding blanks are ignored', '  0 3 * * *  '],
    ['a date that exists only in leap years is accepted', '0 0 29 2 *'],
  ];
  for (const [name, expression] of accepted) {
    test(name, () => assert.equal(cronExpressionError(expression), undefined));
  }

  const rejected: [string, string, RegExp][] = [
    [
      'three fields are too few',
      '* * *',
      /^expected 5 fields .* or 6 with leading seconds, found 3$/,
    ],
    ['a year field is not taken', '0 0 0 1 1 * 2030', /found 7$/],
    ['a minute out of range is named', '61 * * * *', /^invalid value for minute: 61$/],
    ['a weekday out of range is named', '0 0 * * 8', /^invalid value for dayOfWeek: 8$/],
    ['a zero step is rejected', '*/0 * * * *', /stepping/],
    ['a reboot trigger is rejected', '@reboot', /not supported/],
    [
      'a date that never comes is rejected',
      '0 0 30 2 *',
      /^it matches no date, so it would never run$/,
    ],
  ];
  for (const [name, expression, message] of rejected) {
    test(name, () => assert.match(cronExpressionError(expression) ?? 'accepted', message));
  }
});
