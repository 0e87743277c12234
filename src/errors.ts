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
  CONFIG_DURATION_POSITIVE: {
    status: 400,
    message: 'expected a duration greater than 0 such as "500ms", "10s" or "5m", found %s',
  },
  CONFIG_EXCLUSIVE_KEYS: { status: 400, message: '%s and %s cannot be used together%s' },
  CONFIG_PROBE_TARGET: {
    status: 400,
    message: 'expected exactly one of exec, http, tcp, found %s',
  },
  CONFIG_PROBE_PORT: { status: 400, message: 'expected a port between 1 and 65535, found %s' },
  CONFIG_PROBE_URL: { status: 400, message: 'expected an http:// or https:// URL, found %s' },
  CONFIG_CRON: { status: 400, message: 'invalid cron expression %s: %s' },
  CONFIG_TIMEZONE: { status: 400, message: 'unknown time zone %s%s' },
  CONFIG_SCHEDULE_KEY: {
    status: 400,
    message: '%s applies only to a process with a `schedule`',
  },
  CONFIG_SCHEDULE_REPLICAS: {
    status: 400,
    message:
      'a scheduled process runs one instance each time it fires: expected replicas: 1, found %s (to turn it off, write enabled: false)',
  },
  CONFIG_SCHEDULE_TYPE: {
    status: 400,
    message: 'a scheduled process is a oneshot: expected type: oneshot or no type, found %s',
  },
  CONFIG_FPM_PROFILE: {
    status: 400,
    message: '%s: expected a PHP-FPM profile (one of %s) or false, found %s',
  },
  CONFIG_ONESHOT_RESTART: {
    status: 400,
    message:
      'a oneshot runs to completion: expected restart: on-failure or never, found %s; to run it again and again, give it a schedule',
  },
  CONFIG_RESTART_WINDOW: {
    status: 400,
    message: 'restart_window needs max_restarts: it is the window that max_restarts counts in',
  },
  CONFIG_REPLICAS_ABOVE_MAX: {
    status: 400,
    message: 'expected at most %s replicas (max_replicas), found %s',
  },
  CONFIG_ROLLOUT: {
    status: 400,
    message:
      'max_unavailable and max_surge are both 0, so a rollout could never replace an instance: expected max_unavailable >= 1 or max_surge >= 1',
  },
  CONFIG_DEPENDENCY_CONDITION: { status: 400, message: 'condition %s can never be met: %s' },
  CONFIG_DEPENDENCY_SCHEDULED: {
    status: 400,
    message: 'depends on %s, which is scheduled: it runs at times, not once',
  },
  CONFIG_INVALID: { status: 400, message: 'invalid configuration: %s' },
  API_NOT_FOUND: { status: 404, message: 'no route %s %s' },
  API_UNAUTHORIZED: {
    status: 401,
    message: 'expected an Authorization: Bearer <token> header with the API token, found %s',
  },
  API_FORBIDDEN: { status: 403, message: 'refused: %s' },
  API_BAD_REQUEST: { status: 400, message: '%s' },
  API_MALFORMED_BODY: { status: 400, message: 'malformed request body: %s' },
  API_PAYLOAD_TOO_LARGE: { status: 413, message: 'expected a request body of at most %s bytes' },
  API_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'expected a body of type %s, found %s' },
  API_RATE_LIMITED: {
    status: 429,
    message: 'too many requests: at most %s changes per %s; retry in %s',
  },
  API_PROCESS_NOT_FOUND: { status: 404, message: 'no process named %s' },
  API_REPLICAS_ABOVE_MAX: {
    status: 422,
    message: 'expected at most %s replicas (max_replicas in the file), found %s',
  },
  API_SHUTTING_DOWN: {
    status: 409,
    message: 'the manager is shutting down and accepts no changes',
  },
  API_SIGNAL_REFUSED: { status: 422, message: 'refusing to send %s: %s' },
  API_INTERNAL: { status: 500, message: 'internal error (the manager log has the details)' },
  API_TOKEN_INVALID: { status: 400, message: 'expected an API token of %s, found %s' },
  API_TOKEN_MISMATCH: {
    status: 400,
    message: 'the token given to the listeners is not the one the API server was created with',
  },
  API_LISTEN_ADDRESS: {
    status: 400,
    message: 'expected a listen address such as 127.0.0.1:9180 or [::1]:9180, found %s',
  },
  API_LISTEN_INSECURE: {
    status: 400,
    message:
      'refusing to listen on %s without an API token: set a token, or listen on a loopback address (127.0.0.1, ::1) or the Unix socket',
  },
  API_SOCKET_PATH: { status: 400, message: 'cannot use %s for the API socket: %s' },
  API_LISTEN_FAILED: { status: 500, message: 'cannot listen on %s: %s' },
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
