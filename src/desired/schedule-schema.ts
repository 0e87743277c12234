/**
 * `schedule:` of a process, in either of two forms:
 *
 *   schedule: "0 3 * * *"          schedule:
 *   timezone: Europe/Berlin          cron: "0 3 * * *"
 *   concurrency: forbid              timezone: Europe/Berlin
 *                                    concurrency: forbid
 *
 * The settings are the same in both; the checks that need more than a schema (the cron
 * expression, the time zone, settings without a schedule) are in schedule-problems.ts.
 */
import { type Static, Type } from '@sinclair/typebox';
import { PositiveDurationSchema, strict } from './schema-common.ts';
import type { Concurrency } from './types.ts';

export const CONCURRENCY_POLICIES = [
  'forbid',
  'allow',
  'replace',
] as const satisfies readonly Concurrency[];

export const HISTORY_LIMIT_MAX = 1000;

const CronSchema = Type.String({
  pattern: String.raw`\S`,
  description: 'a cron expression such as "*/5 * * * *"',
});

/** The settings a schedule may have besides its cron expression. */
export const ScheduleSettings = {
  timezone: Type.Optional(
    Type.String({ minLength: 1, description: 'a time zone name such as "Europe/Berlin"' }),
  ),
  concurrency: Type.Optional(Type.Union(CONCURRENCY_POLICIES.map((c) => Type.Literal(c)))),
  timeout: Type.Optional(PositiveDurationSchema),
  history: Type.Optional(Type.Integer({ minimum: 1, maximum: HISTORY_LIMIT_MAX })),
};

export const SCHEDULE_SETTING_KEYS = Object.keys(
  ScheduleSettings,
) as (keyof typeof ScheduleSettings)[];

export const ScheduleSchema = Type.Union(
  [CronSchema, Type.Object({ cron: CronSchema, ...ScheduleSettings }, strict)],
  { description: 'a cron expression or a mapping with `cron`' },
);

export type ScheduleEntry = Static<typeof ScheduleSchema>;
