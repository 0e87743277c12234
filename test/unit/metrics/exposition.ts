/** Reading the Prometheus text format back, for assertions on exact series. */

/** `labels → value` of every sample of `name`; labels as rendered, e.g. `process="web"`. */
export function series(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    if (match[1] !== name) continue;
    out[match[2] ?? ''] = Number(match[3]);
  }
  return out;
}

/** Every sample line that mentions `text` (e.g. a label pair). */
export function linesWith(exposition: string, text: string): string[] {
  return exposition.split('\n').filter((l) => !l.startsWith('#') && l.includes(text));
}
