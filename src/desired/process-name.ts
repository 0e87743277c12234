/**
 * Process names end up in instance ids (`name-<index>`), log prefixes, metric labels and API
 * URLs, so they are kept to a shape that is safe in all of them.
 */
import { formatMessage } from '../errors.ts';
import type { Problem } from './diagnostics.ts';

export const PROCESS_NAME_MAX_LENGTH = 63;

/** Lowercase letters, digits, `-` and `_`; starts and ends with a letter or digit. */
const PROCESS_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

export function isValidProcessName(name: string): boolean {
  return PROCESS_NAME.test(name);
}

/** A problem for every key of `processes` that is not a valid name, with a suggested fix. */
export function processNameProblems(processes: unknown): Problem[] {
  if (typeof processes !== 'object' || processes === null || Array.isArray(processes)) return [];
  const problems: Problem[] = [];
  for (const name of Object.keys(processes)) {
    if (isValidProcessName(name)) continue;
    const fixed = suggestedProcessName(name);
    const hint = fixed === undefined ? '' : `; did you mean "${fixed}"?`;
    problems.push({
      code: 'CONFIG_PROCESS_NAME',
      path: ['processes', name],
      message: formatMessage('CONFIG_PROCESS_NAME', JSON.stringify(name)) + hint,
    });
  }
  return problems;
}

/** `"My App"` -> `"my-app"`; undefined when nothing usable is left. */
function suggestedProcessName(name: string): string | undefined {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, PROCESS_NAME_MAX_LENGTH)
    .replace(/^[-_]+|[-_]+$/g, '');
  return isValidProcessName(slug) ? slug : undefined;
}
