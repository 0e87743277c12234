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
import { DEFAULT_SCHEDULE } from './normalize.ts';
import { PositiveDurationSchema, strict } from './schema-common.ts';
import { documented, valueDefault } from './schema-doc.ts';
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
  docType: 'cron expression',
  doc: 'Five fields (minute, hour, day of month, month, day of week), or six with seconds first: `"*/5 * * * *"`, `"0 3 * * 1-5"`.',
});

/** The settings a schedule may have besides its cron expression. */
export const ScheduleSettings = {
  timezone: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'a time zone name such as "Europe/Berlin"',
      doc: 'The time zone of the cron expression, an IANA name such as `Europe/Berlin`. Only with a `schedule`.',
      defaultText: "the manager's local time",
    }),
  ),
  concurrency: Type.Optional(
    documented(Type.Union(CONCURRENCY_POLICIES.map((c) => Type.Literal(c))), {
      doc: 'What a fire does while the previous run still goes: `forbid` skips it, `allow` runs beside it, `replace` stops the old run first. Only with a `schedule`.',
      defaultText: valueDefault(() => DEFAULT_SCHEDULE.concurrency),
    }),
  ),
  timeout: Type.Optional(
    documented(PositiveDurationSchema, {
      doc: 'A run still going after this long is stopped (`stop.signal`, then SIGKILL after `stop.timeout`). Only with a `schedule`.',
      defaultText: 'none',
    }),
  ),
  history: Type.Optional(
    documented(Type.Integer({ minimum: 1, maximum: HISTORY_LIMIT_MAX }), {
      doc: 'How many finished runs `phpeek-pm status` and the API show. Only with a `schedule`.',
      defaultText: valueDefault(() => DEFAULT_SCHEDULE.historyLimit),
    }),
  ),
};

export const SCHEDULE_SETTING_KEYS = Object.keys(
  ScheduleSettings,
) as (keyof typeof ScheduleSettings)[];

export const ScheduleSchema = Type.Union(
  [CronSchema, Type.Object({ cron: CronSchema, ...ScheduleSettings }, strict)],
  {
    description: 'a cron expression or a mapping with `cron`',
    docType: 'cron expression, or mapping',
    doc: 'Run the process at these times, one instance each time it fires. A cron expression, with `timezone`, `concurrency`, `timeout` and `history` beside it, or a mapping with `cron` and those settings. A scheduled process is a oneshot; fires missed while a run goes collapse into one.',
  },
);

export type ScheduleEntry = Static<typeof ScheduleSchema>;
