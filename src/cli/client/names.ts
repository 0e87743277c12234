/** The CLI commands that talk to a running manager (kept apart so main.ts stays small). */
export const CLIENT_COMMANDS = [
  'status',
  'scale',
  'restart',
  'stop',
  'start',
  'signal',
  'logs',
  'events',
  'plan',
  'reload',
] as const;
export type ClientCommand = (typeof CLIENT_COMMANDS)[number];
