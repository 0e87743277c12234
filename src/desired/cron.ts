/**
 * Cron expressions, as croner reads them. The file takes 5 fields (minute hour day month
 * weekday), 6 with leading seconds, or a nickname such as `@daily`; whoever fires schedules
 * should read them with `CRON_OPTIONS` too, so that what loads is what runs.
 */
import { Cron, type CronOptions } from 'croner';

export const CRON_OPTIONS = { mode: '5-or-6-parts' } as const satisfies CronOptions;

/**
 * A fixed start for "does it ever fire?", so that the answer never depends on the clock: an
 * expression without a year field that matches any date matches one in every 400-year
 * Gregorian cycle, and croner searches up to the year 9999.
 */
const REFERENCE_START = new Date(Date.UTC(2000, 0, 1));

/** Why `expression` is not a usable cron expression, or undefined when it is. */
export function cronExpressionError(expression: string): string | undefined {
  const text = expression.trim();
  const fields = text.split(/\s+/).length;
  if (!text.startsWith('@') && fields !== 5 && fields !== 6) {
    return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 with leading seconds, found ${fields}`;
  }
  let cron: Cron;
  try {
    // Without a callback croner only reads the expression: no timer is created.
    cron = new Cron(text, CRON_OPTIONS);
  } catch (error) {
    return cronerMessage(error);
  }
  if (cron.nextRun(REFERENCE_START) === null) return 'it matches no date, so it would never run';
  return undefined;
}

/** croner's message as part of a sentence: no `CronPattern: ` prefix, no final period. */
function cronerMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/^CronPattern:\s*/, '').replace(/\.$/, '');
  return text.charAt(0).toLowerCase() + text.slice(1);
}
