/**
 * A hand-built SVG of horizontal bars on a log scale: for each scenario and N, one bar per peer
 * with the ratio of medians, oriented so that a bar to the right of 1× means phpeek-pm does
 * better (needs less time, memory or CPU; or spawns faster).
 */

export interface ChartBar {
  readonly series: string;
  /** The ratio; 0 or Infinity are drawn at the edge of the scale; undefined: no data. */
  readonly ratio: number | undefined;
}

export interface ChartGroup {
  readonly label: string;
  readonly bars: readonly ChartBar[];
}

export interface ChartSpec {
  readonly title: string;
  readonly subtitle: string;
  readonly series: readonly { name: string; color: string }[];
  readonly groups: readonly ChartGroup[];
}

const WIDTH = 980;
const LABEL_W = 360;
const PLOT_X0 = LABEL_W + 20;
const PLOT_X1 = WIDTH - 70;
const BAR_H = 13;
const BAR_GAP = 3;
const GROUP_GAP = 12;
const TOP = 86;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatRatio(ratio: number): string {
  if (ratio === 0) return '0 (peer ≈ 0)';
  if (!Number.isFinite(ratio)) return '∞ (phpeek-pm ≈ 0)';
  if (ratio >= 100) return `${ratio.toFixed(0)}×`;
  if (ratio >= 10) return `${ratio.toFixed(1)}×`;
  return `${ratio.toFixed(2)}×`;
}

export function ratioChart(spec: ChartSpec): string {
  const finite = spec.groups
    .flatMap((g) => g.bars.map((b) => b.ratio))
    .filter((r): r is number => r !== undefined && r > 0 && Number.isFinite(r));
  const lo = Math.min(-1, Math.floor(Math.log10(Math.min(1, ...finite))));
  const hi = Math.max(1, Math.ceil(Math.log10(Math.max(1, ...finite))));
  const x = (ratio: number) => {
    const clamped = ratio <= 0 ? lo : Number.isFinite(ratio) ? Math.log10(ratio) : hi;
    const t = (Math.min(hi, Math.max(lo, clamped)) - lo) / (hi - lo);
    return PLOT_X0 + t * (PLOT_X1 - PLOT_X0);
  };
  const groupH = (g: ChartGroup) => g.bars.length * (BAR_H + BAR_GAP) - BAR_GAP + GROUP_GAP;
  const plotH = spec.groups.reduce((sum, g) => sum + groupH(g), 0);
  const height = TOP + plotH + 40;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="bold">${escapeXml(spec.title)}</text>`,
    `<text x="16" y="46" fill="#444">${escapeXml(spec.subtitle)}</text>`,
  );
  // Legend.
  let lx = 16;
  for (const s of spec.series) {
    out.push(
      `<rect x="${lx}" y="58" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${lx + 17}" y="68.5">${escapeXml(s.name)}</text>`,
    );
    lx += 30 + s.name.length * 7;
  }
  // Decades.
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    const label = d >= 0 ? `${10 ** d}×` : `${(10 ** d).toFixed(-d)}×`;
    out.push(
      `<line x1="${gx}" y1="${TOP - 6}" x2="${gx}" y2="${TOP + plotH}" stroke="${d === 0 ? '#222' : '#ddd'}" stroke-width="${d === 0 ? 1.5 : 1}"/>`,
      `<text x="${gx}" y="${TOP + plotH + 16}" text-anchor="middle" fill="#444">${label}</text>`,
    );
  }
  out.push(
    `<text x="${x(1) - 6}" y="${TOP + plotH + 32}" text-anchor="end" fill="#666">← phpeek-pm worse</text>`,
    `<text x="${x(1) + 6}" y="${TOP + plotH + 32}" fill="#666">phpeek-pm better →</text>`,
  );

  let y = TOP;
  spec.groups.forEach((group, index) => {
    const h = groupH(group);
    if (index % 2 === 1) {
      out.push(
        `<rect x="0" y="${y - GROUP_GAP / 2}" width="${WIDTH}" height="${h}" fill="#f5f5f5" fill-opacity="0.6"/>`,
      );
    }
    const mid = y + (h - GROUP_GAP) / 2 + 4;
    out.push(`<text x="${LABEL_W}" y="${mid}" text-anchor="end">${escapeXml(group.label)}</text>`);
    group.bars.forEach((bar, i) => {
      const by = y + i * (BAR_H + BAR_GAP);
      const color = spec.series.find((s) => s.name === bar.series)?.color ?? '#999';
      if (bar.ratio === undefined) {
        out.push(
          `<text x="${x(1) + 4}" y="${by + BAR_H - 2}" fill="#999" font-size="10">${escapeXml(bar.series)}: no data</text>`,
        );
        return;
      }
      const x0 = x(1);
      const x1 = x(bar.ratio);
      const left = Math.min(x0, x1);
      const width = Math.max(1, Math.abs(x1 - x0));
      out.push(
        `<rect x="${left.toFixed(1)}" y="${by}" width="${width.toFixed(1)}" height="${BAR_H}" fill="${color}"><title>${escapeXml(`${group.label}, ${bar.series}: ${formatRatio(bar.ratio)}`)}</title></rect>`,
      );
      const right = x1 >= x0;
      out.push(
        `<text x="${(right ? x1 + 4 : x1 - 4).toFixed(1)}" y="${by + BAR_H - 2}" font-size="10" text-anchor="${right ? 'start' : 'end'}">${escapeXml(formatRatio(bar.ratio))}</text>`,
      );
    });
    y += h;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
