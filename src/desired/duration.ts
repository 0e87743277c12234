/**
 * Durations as the file writes them: `"500ms"`, `"10s"`, `"5m"`, `"1h"`, compounds such as
 * `"1m30s"`, or a plain number of seconds (`30`, `0.5`, also as a string after interpolation).
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const PART = `(${NUMBER})(ms|s|m|h)`;

/**
 * Matches every string `parseDuration` accepts. The schema uses it so a malformed duration is
 * reported with every other schema problem rather than in a later pass.
 */
export const DURATION_PATTERN = `^(?:${NUMBER}|(?:${NUMBER}(?:ms|s|m|h))+)$`;

/** `DURATION_PATTERN` less the zero durations (`0`, `0s`, `0m0s`): some digit is not 0. */
export const POSITIVE_DURATION_PATTERN = `^(?=[^1-9]*[1-9])${DURATION_PATTERN.slice(1)}`;

const durationRegex = new RegExp(DURATION_PATTERN);
const partRegex = new RegExp(PART, 'g');

/** Milliseconds (rounded to an integer), or undefined when the input is not a duration. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  }
  if (!durationRegex.test(input)) return undefined;
  if (!/[a-z]/.test(input)) return Math.round(Number(input) * 1000);
  let ms = 0;
  for (const [, amount, unit] of input.matchAll(partRegex)) {
    ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return Math.round(ms);
}

/**
 * A duration of a validated file in milliseconds, `fallback` when absent. The schema has
 * checked the value, so a malformed one is a bug and throws.
 */
export function durationMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined) throw new Error(`normalize: ${JSON.stringify(value)} is not a duration`);
  return ms;
}

/** As `durationMs`, at least 1: `0.1ms` is a duration greater than 0 that rounds to 0 ms. */
export function positiveDurationMs(value: string | number | undefined, fallback: number): number {
  return Math.max(1, durationMs(value, fallback));
}
