/**
 * The comparison's results: bench/results/<name>.md (the table, the machine, fairness notes),
 * <name>.json (every sample) and <name>.svg (the chart of ratios).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChartGroup, ratioChart } from './chart.ts';
import { type CellResult, METRICS, type Metric, type Results } from './compare-metrics.ts';
import type { ToolId } from './tools/fleet.ts';

export interface RunInfo {
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly settings: Record<string, unknown>;
  readonly machine: string;
  /** Load on the machine during the run: the machines are shared. */
  readonly load: string;
  readonly node: string;
  readonly commit: string | undefined;
  readonly durationS: number;
  readonly partDurationsS: Record<string, number>;
  readonly versions: Record<string, string>;
  readonly skipped: Record<string, string>;
  /** Per-sample details that are not figures of the table (CLI exit times, exit codes). */
  readonly details: Record<string, unknown>[];
}

const LABELS: Record<ToolId, string> = {
  'phpeek-pm': 'phpeek-pm',
  s6: 's6',
  supervisord: 'supervisord',
  pm2: 'PM2 (runtime)',
  node: 'bare Node',
  bash: 'bash loop',
};
const ORDER: readonly ToolId[] = ['phpeek-pm', 's6', 'supervisord', 'pm2', 'node', 'bash'];
const PEERS: readonly ToolId[] = ['s6', 'supervisord', 'pm2'];
const COLORS: Record<string, string> = { s6: '#4e79a7', supervisord: '#f28e2b', pm2: '#59a14f' };

function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function cellText(cell: CellResult | undefined, metric: Metric): string {
  if (!cell) return '';
  const { summary: s } = cell;
  const failed = cell.failures.length > 0 ? ` ⚠ ${cell.failures.length} failed` : '';
  if (s.n === 0) return `–${failed}`;
  const range = s.n > 1 ? ` (${fmt(s.min, metric.digits)}–${fmt(s.max, metric.digits)})` : '';
  return `${fmt(s.median, metric.digits)}${range}${failed}`;
}

function metOf(metric: Metric, n: number, cell: CellResult | undefined): string {
  const target = metric.targets?.[n];
  if (!target || !cell || cell.summary.n === 0) return '';
  const m = cell.summary.median;
  return (target.op === '<=' ? m <= target.value : m < target.value) ? 'yes' : '**no**';
}

/** Ratio of medians, oriented so that > 1 means phpeek-pm does better. */
export function ratioOf(metric: Metric, ours: number, peer: number): number | undefined {
  if (!Number.isFinite(ours) || !Number.isFinite(peer)) return undefined;
  const [num, den] = metric.better === 'lower' ? [peer, ours] : [ours, peer];
  if (den === 0) return num === 0 ? 1 : Number.POSITIVE_INFINITY;
  return num / den;
}

export function markdownTable(results: Results, tools: readonly ToolId[]): string {
  const baselines = (['node', 'bash'] as const).filter((b) =>
    METRICS.some((m) => results.sizes(m.id).some((n) => results.get(m.id, n, b))),
  );
  const managers = ORDER.filter((t) => t !== 'node' && t !== 'bash' && tools.includes(t));
  const columns = [...managers, ...baselines];
  const lines = [
    `| scenario | N | ${columns.map((c) => LABELS[c]).join(' | ')} | unit | target (phpeek-pm) | met |`,
    `|---|---:|${columns.map(() => '---:').join('|')}|---|---:|:---:|`,
  ];
  for (const metric of METRICS) {
    for (const n of results.sizes(metric.id)) {
      const cells = columns.map((c) => cellText(results.get(metric.id, n, c), metric));
      const target = metric.targets?.[n];
      const targetText = target ? `${target.op === '<=' ? '≤' : '<'} ${target.value}` : '';
      const met = metOf(metric, n, results.get(metric.id, n, 'phpeek-pm'));
      lines.push(
        `| ${metric.scenario} | ${n} | ${cells.join(' | ')} | ${metric.unit} | ${targetText} | ${met} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

export function chartSvg(results: Results, peers: readonly ToolId[], subtitle: string): string {
  const groups: ChartGroup[] = [];
  for (const metric of METRICS) {
    if (!metric.chart) continue;
    for (const n of results.sizes(metric.id)) {
      const ours = results.get(metric.id, n, 'phpeek-pm')?.summary.median ?? Number.NaN;
      const short = metric.scenario.replace(/:.*$/, '').replace(/^\d\. /, '');
      groups.push({
        label: `${short}${metric.id === 'restart' ? '' : `, N=${n}`}`,
        bars: peers.map((peer) => ({
          series: LABELS[peer],
          ratio: ratioOf(
            metric,
            ours,
            results.get(metric.id, n, peer)?.summary.median ?? Number.NaN,
          ),
        })),
      });
    }
  }
  return ratioChart({
    title: 'phpeek-pm against s6, supervisord and PM2: ratio of medians',
    subtitle,
    series: peers.map((p) => ({ name: LABELS[p], color: COLORS[p] ?? '#999' })),
    groups,
  });
}

export function writeComparison(
  dir: string,
  name: string,
  info: RunInfo,
  results: Results,
  tools: readonly ToolId[],
  notes: string,
): string {
  mkdirSync(dir, { recursive: true });
  const peers = PEERS.filter((p) => tools.includes(p));
  const failures: string[] = [];
  for (const metric of METRICS) {
    for (const n of results.sizes(metric.id)) {
      for (const tool of tools) {
        for (const why of results.get(metric.id, n, tool)?.failures ?? []) {
          failures.push(`- ${metric.scenario}, N=${n}, ${LABELS[tool]}: ${why}`);
        }
      }
    }
  }
  const versions = Object.entries(info.versions)
    .map(([k, v]) => `${LABELS[k as ToolId] ?? k} ${v}`)
    .join(', ');
  const skipped = Object.entries(info.skipped).map(
    ([k, v]) => `- ${LABELS[k as ToolId] ?? k} skipped: ${v}`,
  );
  const parts = Object.entries(info.partDurationsS)
    .map(([k, v]) => `${k} ${Math.round(v)} s`)
    .join(', ');
  const markdown = [
    '# phpeek-pm against s6, supervisord and PM2',
    '',
    `${info.date}, ${info.mode} mode, commit ${info.commit ?? 'unknown'}; took ${Math.round(info.durationS)} s (${parts}).`,
    '',
    `Machine: ${info.machine}; Node ${info.node}. Versions: ${versions}.`,
    '',
    `Load: ${info.load}.`,
    '',
    'Each cell: median (min–max) of all samples of all rounds, the tools run in alternation',
    '(their order rotated every round). Every figure is read from /proc, none from a tool’s own',
    'report; how each is taken and why each peer’s setup is fair: bench/README.md and the notes',
    `below. \`met\` compares phpeek-pm’s median with the target. Chart: [${name}.svg](${name}.svg).`,
    '',
    markdownTable(results, tools),
    ...(skipped.length > 0 ? ['', ...skipped, ''] : []),
    notes,
    ...(failures.length > 0 ? ['', '## Failed rounds', '', ...failures, ''] : []),
  ].join('\n');
  writeFileSync(join(dir, `${name}.md`), markdown);
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ ...info, metrics: METRICS, cells: results.toJSON() }, null, 1) + '\n',
  );
  writeFileSync(
    join(dir, `${name}.svg`),
    chartSvg(
      results,
      peers,
      `${info.date.slice(0, 10)}, ${info.mode} mode. Bars: peer ÷ phpeek-pm (time, memory, CPU); for spawn throughput phpeek-pm ÷ peer.`,
    ),
  );
  return markdown;
}
