/**
 * Stop signals by name. The file may write `TERM` or `SIGTERM`; the desired state always holds
 * the `SIG` form, the one `process.kill` takes.
 */
import { constants } from 'node:os';

/** Every signal this platform knows, e.g. `SIGTERM`. */
export const SIGNAL_NAMES = Object.keys(constants.signals) as NodeJS.Signals[];

/** Matches `SIGTERM` and `TERM` for every known signal; case matters, as in `kill -l`. */
export const SIGNAL_PATTERN = `^(?:SIG)?(?:${SIGNAL_NAMES.map((n) => n.slice(3)).join('|')})$`;

/** `TERM` -> `SIGTERM`. The input must already match `SIGNAL_PATTERN`. */
export function toSignalName(name: string): NodeJS.Signals {
  return (name.startsWith('SIG') ? name : `SIG${name}`) as NodeJS.Signals;
}
