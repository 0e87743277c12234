/**
 * Checks on a process's schedule beyond the schema: a cron expression croner can run, a time
 * zone this runtime knows, settings that only make sense with a schedule, and the fields a
 * scheduled process cannot have (it is a oneshot with one instance per run). Read from the file
 * as written, beside the schema.
 */
import { formatMessage } from '../errors.ts';
import { cronExpressionError } from './cron.ts';
import { type DocPath, describeFound, type Problem } from './diagnostics.ts';
import { has, isRecord } from './records.ts';
import { SCHEDULE_SETTING_KEYS } from './schedule-schema.ts';
import { closestMatch } from './suggest.ts';

export function scheduleProblems(process: string, entry: Record<string, unknown>): Problem[] {
  const path = ['processes', process];
  const schedule = entry['schedule'];
  if (!has(entry, 'schedule')) {
    return SCHEDULE_SETTING_KEYS.filter((key) => has(entry, key)).map((key) => ({
      code: 'CONFIG_SCHEDULE_KEY',
      path: [...path, key],
      message: formatMessage('CONFIG_SCHEDULE_KEY', `\`${key}\``),
    }));
  }
  const problems: Problem[] = [];
  if (isRecord(schedule)) {
    for (const key of SCHEDULE_SETTING_KEYS.filter((k) => has(entry, k))) {
      problems.push({
        code: 'CONFIG_EXCLUSIVE_KEYS',
        path: [...path, key],
        message: formatMessage(
          'CONFIG_EXCLUSIVE_KEYS',
          `\`${key}\``,
          'a `schedule` mapping',
          `; write it inside the mapping, as \`schedule.${key}\``,
        ),
      });
    }
    problems.push(...cronProblems(schedule['cron'], [...path, 'schedule', 'cron']));
    problems.push(...timeZoneProblems(schedule['timezone'], [...path, 'schedule', 'timezone']));
  } else {
    problems.push(...cronProblems(schedule, [...path, 'schedule']));
    problems.push(...timeZoneProblems(entry['timezone'], [...path, 'timezone']));
  }
  const replicas = entry['replicas'];
  if (typeof replicas === 'number' && replicas !== 1) {
    problems.push({
      code: 'CONFIG_SCHEDULE_REPLICAS',
      path: [...path, 'replicas'],
      message: formatMessage('CONFIG_SCHEDULE_REPLICAS', replicas),
    });
  }
  if (entry['type'] === 'longrun') {
    problems.push({
      code: 'CONFIG_SCHEDULE_TYPE',
      path: [...path, 'type'],
      message: formatMessage('CONFIG_SCHEDULE_TYPE', describeFound(entry['type'])),
    });
  }
  return problems;
}

function cronProblems(expression: unknown, path: DocPath): Problem[] {
  // Anything but a non-blank string is the schema's to report.
  if (typeof expression !== 'string' || !/\S/.test(expression)) return [];
  const error = cronExpressionError(expression);
  if (error === undefined) return [];
  return [
    {
      code: 'CONFIG_CRON',
      path,
      message: formatMessage('CONFIG_CRON', JSON.stringify(expression), error),
    },
  ];
}

function timeZoneProblems(zone: unknown, path: DocPath): Problem[] {
  if (typeof zone !== 'string' || zone === '' || isTimeZone(zone)) return [];
  const match = closestMatch(zone, timeZoneNames());
  return [
    {
      code: 'CONFIG_TIMEZONE',
      path,
      message: formatMessage(
        'CONFIG_TIMEZONE',
        JSON.stringify(zone),
        match === undefined
          ? ' (expected an IANA name such as "Europe/Berlin" or "UTC")'
          : `; did you mean "${match}"?`,
      ),
    },
  ];
}

/** What croner will accept: it formats dates in the zone with `Intl`, which throws on others. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function timeZoneNames(): string[] {
  // Node 20 leaves `UTC` out of the canonical list, though it is the most common answer.
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}
