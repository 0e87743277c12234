/**
 * Schema pieces shared by the parts of the file: durations, commands, mapping keys. The
 * annotations (`description`, `code`, `suggest`) are read by schema-problems.ts, `docType` by
 * the configuration reference (schema-doc.ts).
 */
import { Type } from '@sinclair/typebox';
import { DURATION_PATTERN, POSITIVE_DURATION_PATTERN } from './duration.ts';

/** Unknown keys are errors everywhere, so a typo never silently falls back to a default. */
export const strict = { additionalProperties: false } as const;

/** Any mapping key. TypeBox's default key pattern `^(.*)$` would skip keys holding a newline. */
export const AnyKey = Type.String({ pattern: String.raw`^[\s\S]*$` });

export const DurationSchema = Type.Union(
  [Type.String({ pattern: DURATION_PATTERN }), Type.Number({ minimum: 0 })],
  {
    description: 'a duration such as "500ms", "10s", "5m", "1m30s" or a number of seconds',
    code: 'CONFIG_DURATION',
    docType: 'duration',
  },
);

/** A duration where 0 makes no sense: a probe period, a timeout, a window. */
export const PositiveDurationSchema = Type.Union(
  [Type.String({ pattern: POSITIVE_DURATION_PATTERN }), Type.Number({ exclusiveMinimum: 0 })],
  {
    description: 'a duration greater than 0 such as "500ms", "10s" or "5m"',
    code: 'CONFIG_DURATION_POSITIVE',
    docType: 'duration > 0',
  },
);

export const CommandSchema = Type.Union(
  [
    // A string of blanks would run `/bin/sh -c ' '`, exit 0 and restart forever.
    Type.String({ pattern: String.raw`\S`, code: 'CONFIG_COMMAND_EMPTY' }),
    Type.Array(Type.String(), { minItems: 1, code: 'CONFIG_COMMAND_EMPTY' }),
  ],
  { description: 'a command string or a list of arguments', docType: 'command' },
);

/** A user or group, as `user:` and `group:` take them. */
export const IdentitySchema = (what: string) =>
  Type.Union([Type.String({ minLength: 1 }), Type.Integer({ minimum: 0 })], {
    description: `a ${what} name or numeric id`,
  });
