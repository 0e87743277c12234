/**
 * The one registry of user-facing errors. Codes are stable: scripts and the API match on them.
 * A message template names what was expected and what was found; `status` is the HTTP status
 * the API answers with.
 */

export const errorCodes = {
  CONFIG_NOT_FOUND: { status: 404, message: 'no configuration file found (looked in: %s)' },
  CONFIG_READ: { status: 500, message: 'cannot read %s: %s' },
  CONFIG_YAML: { status: 400, message: 'YAML syntax error: %s' },
  CONFIG_SCHEMA: { status: 400, message: '%s' },
  CONFIG_UNKNOWN_KEY: { status: 400, message: 'unknown key %s%s' },
  CONFIG_INTERPOLATION: { status: 400, message: '%s' },
  CONFIG_DURATION: {
    status: 400,
    message: 'expected a duration such as "500ms", "10s", "5m" or a number of seconds, found %s',
  },
  CONFIG_DEPENDENCY_UNKNOWN: { status: 400, message: 'depends on %s, which is not declared' },
  CONFIG_DEPENDENCY_DISABLED: { status: 400, message: 'depends on %s, which is disabled' },
  CONFIG_DEPENDENCY_CYCLE: { status: 400, message: 'dependency cycle: %s' },
  CONFIG_SIGNAL: { status: 400, message: 'expected a signal name such as SIGTERM, found %s' },
  CONFIG_COMMAND_EMPTY: { status: 400, message: 'expected a non-empty command, found %s' },
  CONFIG_MISSING_KEY: { status: 400, message: 'missing required key %s: expected %s' },
  CONFIG_VERSION: { status: 400, message: 'expected version 1, found %s' },
  CONFIG_PROCESS_NAME: {
    status: 400,
    message:
      'expected a process name of lowercase letters, digits, "-" and "_", starting and ending with a letter or digit, at most 63 characters, found %s',
  },
  CLI_USAGE: { status: 400, message: '%s' },
  USER_UNKNOWN: { status: 400, message: 'unknown user %s' },
  GROUP_UNKNOWN: { status: 400, message: 'unknown group %s' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** Fills `%s` placeholders in order. */
export function formatMessage(code: ErrorCode, ...args: readonly unknown[]): string {
  let i = 0;
  return errorCodes[code].message.replace(/%s/g, () => String(args[i++] ?? ''));
}

export class PmError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, ...args: readonly unknown[]) {
    super(formatMessage(code, ...args));
    this.name = 'PmError';
    this.code = code;
    this.status = errorCodes[code].status;
  }
}
