/**
 * Memory sizes as Kubernetes writes them, so a value can be copied from a pod's resources:
 * `512Mi`, `1Gi`, `64M` (decimal, 10^6), `128974848` (bytes). Also lower-case `k`.
 */

const UNIT = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
} as const;

/** Matches every string `parseSize` accepts; the schema uses it. */
export const SIZE_PATTERN = String.raw`^\d+(?:\.\d+)?(?:[kKMGT]i?)?$`;

const sizeRegex = /^(\d+(?:\.\d+)?)((?:[kKMGT]i?)?)$/;

/** Bytes (rounded down), or undefined when the input is not a size. */
export function parseSize(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const match = sizeRegex.exec(input);
  if (!match) return undefined;
  const unit = UNIT[match[2] as keyof typeof UNIT];
  return unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
}

/** `512 MiB`, `1.5 GiB`: for log lines and reports. */
export function formatSize(bytes: number): string {
  if (bytes >= 2 ** 30) return `${round(bytes / 2 ** 30)} GiB`;
  if (bytes >= 2 ** 20) return `${round(bytes / 2 ** 20)} MiB`;
  if (bytes >= 2 ** 10) return `${round(bytes / 2 ** 10)} KiB`;
  return `${bytes} B`;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}
