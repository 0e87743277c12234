import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DueRun,
  dueRun,
  nextRunAt,
  type ScheduleTimes,
} from '../../../src/reconciler/schedule.ts';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  assert.ok(!Number.isNaN(ms), `bad test time ${iso}`);
  return ms;
};
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

const utc = (cron: string): ScheduleTimes => ({ cron, timezone: 'UTC' });
const berlin = (cron: string): ScheduleTimes => ({ cron, timezone: 'Europe/Berlin' });

describe('nextRunAt', () => {
  const cases: {
    name: string;
    schedule: ScheduleTimes;
    after: string;
    next: string | undefined;
  }[] = [
    {
      name: 'every 5 minutes fires at the next multiple of 5 minutes',
      schedule: utc('*/5 * * * *'),
      after: '2024-01-01T10:02:30Z',
      next: '2024-01-01T10:05:00.000Z',
    },
    {
      name: 'a fire exactly at the reference time is not the next one',
      schedule: utc('*/5 * * * *'),
      after: '2024-01-01T10:05:00Z',
      next: '2024-01-01T10:10:00.000Z',
    },
    {
      name: 'a reference a millisecond before a fire gives that fire',
      schedule: utc('*/5 * * * *'),
      after: '2024-01-01T10:04:59.999Z',
      next: '2024-01-01T10:05:00.000Z',
    },
    {
      name: 'milliseconds after a fire do not make it count again',
      schedule: utc('*/5 * * * *'),
      after: '2024-01-01T10:05:00.400Z',
      next: '2024-01-01T10:10:00.000Z',
    },
    {
      name: 'a leading seconds field fires within the minute',
      schedule: utc('*/15 * * * * *'),
      after: '2024-01-01T10:00:16Z',
      next: '2024-01-01T10:00:30.000Z',
    },
    {
      name: 'a seconds field of 0 in six fields behaves as five fields',
      schedule: utc('0 0 * * * *'),
      after: '2024-01-01T10:00:00Z',
      next: '2024-01-01T11:00:00.000Z',
    },
    {
      name: '09:00 UTC is 09:00 UTC',
      schedule: utc('0 9 * * *'),
      after: '2024-01-15T00:00:00Z',
      next: '2024-01-15T09:00:00.000Z',
    },
    {
      name: '09:00 in Berlin in winter is 08:00 UTC',
      schedule: berlin('0 9 * * *'),
      after: '2024-01-15T00:00:00Z',
      next: '2024-01-15T08:00:00.000Z',
    },
    {
      name: '09:00 in Berlin in summer is 07:00 UTC',
      schedule: berlin('0 9 * * *'),
      after: '2024-07-15T00:00:00Z',
      next: '2024-07-15T07:00:00.000Z',
    },
    {
      name: 'a time skipped by the spring DST change runs at the first time after the gap',
      // 2024-03-31 in Berlin: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
      schedule: berlin('30 2 * * *'),
      after: '2024-03-30T12:00:00Z',
      next: '2024-03-31T01:00:00.000Z',
    },
    {
      name: 'a fixed time repeated by the autumn DST change runs once',
      // 2024-10-27 in Berlin: 02:30 happens at 00:30 UTC (CEST) and at 01:30 UTC (CET).
      schedule: berlin('30 2 * * *'),
      after: '2024-10-27T00:30:00Z',
      next: '2024-10-28T01:30:00.000Z',
    },
    {
      name: 'an interval schedule runs on both occurrences of a repeated hour',
      schedule: berlin('30 * * * *'),
      after: '2024-10-27T00:30:00Z',
      next: '2024-10-27T01:30:00.000Z',
    },
    {
      name: 'a date that never exists gives undefined',
      schedule: utc('0 0 30 2 *'),
      after: '2024-01-01T00:00:00Z',
      next: undefined,
    },
    {
      name: 'a nickname is read as validation reads it',
      schedule: utc('@hourly'),
      after: '2024-01-01T10:00:00Z',
      next: '2024-01-01T11:00:00.000Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(iso(nextRunAt(c.schedule, at(c.after))), c.next);
    });
  }

  it('uses the local time zone when none is given, for a schedule that does not depend on it', () => {
    assert.equal(
      iso(nextRunAt({ cron: '*/5 * * * *' }, at('2024-01-01T10:02:30Z'))),
      '2024-01-01T10:05:00.000Z',
    );
  });

  it('keeps answering correctly for more expressions than the cache holds', () => {
    const after = at('2024-01-01T00:00:00Z');
    for (let round = 0; round < 2; round++) {
      for (let minute = 0; minute < 60; minute++) {
        for (let hour = 0; hour < 6; hour++) {
          const expected = after + (hour * 60 + minute) * 60_000;
          const got = nextRunAt(utc(`${minute} ${hour} * * *`), after);
          assert.equal(got, minute === 0 && hour === 0 ? expected + 86_400_000 : expected);
        }
      }
    }
  });

  it('throws on an expression that did not pass validation', () => {
    assert.throws(() => nextRunAt(utc('not a cron'), 0));
    assert.throws(() => nextRunAt(utc('0 0 0 1 1 * 2030'), 0), 'a year field is not accepted');
  });

  it('gives the same answer on repeated calls with a cached expression', () => {
    const s = berlin('0 9 * * *');
    const first = nextRunAt(s, at('2024-01-15T00:00:00Z'));
    assert.equal(nextRunAt({ ...s }, at('2024-01-15T00:00:00Z')), first);
    assert.equal(
      iso(nextRunAt(utc('0 9 * * *'), at('2024-01-15T00:00:00Z'))),
      '2024-01-15T09:00:00.000Z',
      'the same expression in another time zone is a different cache entry',
    );
  });
});

describe('dueRun', () => {
  const due = (t: string): DueRun => ({ dueAt: at(t) });
  const next = (t: string): DueRun => ({ nextAt: at(t) });
  const cases: {
    name: string;
    schedule: ScheduleTimes;
    lastFire?: string;
    since: string;
    now: string;
    expected: DueRun;
  }[] = [
    {
      name: 'not due yet gives the next fire time',
      schedule: utc('*/5 * * * *'),
      since: '2024-01-01T10:00:30Z',
      now: '2024-01-01T10:03:00Z',
      expected: next('2024-01-01T10:05:00Z'),
    },
    {
      name: 'a fire that has just come is due',
      schedule: utc('*/5 * * * *'),
      since: '2024-01-01T10:00:30Z',
      now: '2024-01-01T10:05:00.120Z',
      expected: due('2024-01-01T10:05:00Z'),
    },
    {
      name: 'a fire exactly at now is due',
      schedule: utc('*/5 * * * *'),
      since: '2024-01-01T10:00:30Z',
      now: '2024-01-01T10:05:00Z',
      expected: due('2024-01-01T10:05:00Z'),
    },
    {
      name: 'a fire exactly at the start time does not count',
      schedule: utc('*/5 * * * *'),
      since: '2024-01-01T10:00:00Z',
      now: '2024-01-01T10:00:00Z',
      expected: next('2024-01-01T10:05:00Z'),
    },
    {
      name: 'after a fire the next one is counted from it, not from the start',
      schedule: utc('*/5 * * * *'),
      lastFire: '2024-01-01T10:05:00Z',
      since: '2024-01-01T09:00:00Z',
      now: '2024-01-01T10:05:01Z',
      expected: next('2024-01-01T10:10:00Z'),
    },
    {
      name: 'missed fires collapse to the latest one at or before now',
      schedule: utc('*/5 * * * *'),
      lastFire: '2024-01-01T10:05:00Z',
      since: '2024-01-01T09:00:00Z',
      now: '2024-01-01T11:42:10Z',
      expected: due('2024-01-01T11:40:00Z'),
    },
    {
      name: 'missed fires of a seconds schedule collapse too',
      schedule: utc('*/10 * * * * *'),
      lastFire: '2024-01-01T10:00:00Z',
      since: '2024-01-01T09:00:00Z',
      now: '2024-01-01T10:00:59.900Z',
      expected: due('2024-01-01T10:00:50Z'),
    },
    {
      name: 'days without the manager give one run, for the latest missed fire',
      schedule: berlin('0 9 * * *'),
      lastFire: '2024-01-10T08:00:00Z',
      since: '2024-01-01T00:00:00Z',
      now: '2024-01-15T12:00:00Z',
      expected: due('2024-01-15T08:00:00Z'),
    },
    {
      name: 'the daily fire in Berlin is not due at 09:00 UTC after it ran at 08:00 UTC',
      schedule: berlin('0 9 * * *'),
      lastFire: '2024-01-15T08:00:00Z',
      since: '2024-01-01T00:00:00Z',
      now: '2024-01-15T09:00:00Z',
      expected: next('2024-01-16T08:00:00Z'),
    },
    {
      name: 'a fire skipped by the spring DST change is due just after the gap',
      schedule: berlin('30 2 * * *'),
      lastFire: '2024-03-30T01:30:00Z',
      since: '2024-03-01T00:00:00Z',
      now: '2024-03-31T01:00:05Z',
      expected: due('2024-03-31T01:00:00Z'),
    },
    {
      name: 'a fixed time repeated by the autumn DST change is not due a second time',
      schedule: berlin('30 2 * * *'),
      lastFire: '2024-10-27T00:30:00Z',
      since: '2024-10-01T00:00:00Z',
      now: '2024-10-27T01:30:05Z',
      expected: next('2024-10-28T01:30:00Z'),
    },
    {
      name: 'a clock that went back behind the last fire waits for the fire after it',
      schedule: utc('*/5 * * * *'),
      lastFire: '2024-01-01T10:05:00Z',
      since: '2024-01-01T09:00:00Z',
      now: '2024-01-01T10:01:00Z',
      expected: next('2024-01-01T10:10:00Z'),
    },
    {
      name: 'an expression that matches no date never fires',
      schedule: utc('0 0 30 2 *'),
      since: '2024-01-01T00:00:00Z',
      now: '2024-06-01T00:00:00Z',
      expected: { never: true },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const lastFire = c.lastFire === undefined ? undefined : at(c.lastFire);
      assert.deepEqual(dueRun(c.schedule, lastFire, at(c.since), at(c.now)), c.expected);
    });
  }

  it('answers with the next fire once the due one is recorded as the last fire', () => {
    const s = utc('*/5 * * * *');
    const now = at('2024-01-01T11:42:10Z');
    const first = dueRun(s, at('2024-01-01T10:05:00Z'), 0, now);
    assert.ok('dueAt' in first);
    assert.deepEqual(dueRun(s, first.dueAt, 0, now), next('2024-01-01T11:45:00Z'));
  });
});
