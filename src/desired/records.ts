/** Reading an unvalidated file: checks run beside the schema, on whatever was written. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys only: a process named `constructor` or `__proto__` is just a key. */
export function has(record: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(record, key);
}
