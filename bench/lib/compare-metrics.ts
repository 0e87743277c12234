/**
 * The figures of the comparison (bench/compare.ts): what each one is, its unit, which way is
 * better, the targets for phpeek-pm, and where the samples go.
 */
import type { Target } from './report.ts';
import { type Summary, summarize } from './stats.ts';
import type { ToolId } from './tools/fleet.ts';

export type MetricId =
  | 'start'
  | 'pss-alone'
  | 'pss'
  | 'rss'
  | 'anon'
  | 'idle-cpu'
  | 'idle-cpu-ns'
  | 'idle-cpu-probes'
  | 'idle-cpu-ns-probes'
  | 'stop'
  | 'restart'
  | 'scale'
  | 'throughput';

export interface Metric {
  readonly id: MetricId;
  /** The scenario number and a short title, for the table. */
  readonly scenario: string;
  readonly unit: string;
  readonly digits: number;
  readonly better: 'lower' | 'higher';
  /** Shown in the chart of ratios. */
  readonly chart: boolean;
  /** Targets for phpeek-pm by N (the number of children). */
  readonly targets?: Readonly<Record<number, Target>>;
}

export const METRICS: readonly Metric[] = [
  {
    id: 'start',
    scenario: '1. cold start: launch → N children running',
    unit: 'ms',
    digits: 0,
    better: 'lower',
    chart: true,
    targets: { 100: { op: '<=', value: 200 }, 500: { op: '<=', value: 1000 } },
  },
  {
    id: 'pss-alone',
    scenario: '2. memory: PSS of the manager’s own processes, interpreter binary unshared',
    unit: 'MiB',
    digits: 1,
    better: 'lower',
    chart: true,
    targets: { 50: { op: '<=', value: 45 }, 500: { op: '<=', value: 55 } },
  },
  {
    id: 'pss',
    scenario: '2. memory: PSS as measured here (binary shared with other processes)',
    unit: 'MiB',
    digits: 1,
    better: 'lower',
    chart: false,
  },
  {
    id: 'rss',
    scenario: '2. memory: RSS, summed over the manager’s own processes',
    unit: 'MiB',
    digits: 1,
    better: 'lower',
    chart: false,
  },
  {
    id: 'anon',
    scenario: '2. memory: anonymous (RssAnon), summed: what no file backs',
    unit: 'MiB',
    digits: 1,
    better: 'lower',
    chart: false,
  },
  {
    id: 'idle-cpu',
    scenario: '3. idle CPU per 30 s (utime+stime)',
    unit: 's',
    digits: 2,
    better: 'lower',
    chart: false,
    targets: { 100: { op: '<=', value: 0.01 } },
  },
  {
    id: 'idle-cpu-ns',
    scenario: '3. idle CPU per 30 s (schedstat run time)',
    unit: 'ms',
    digits: 1,
    better: 'lower',
    chart: true,
    targets: { 100: { op: '<=', value: 10 } },
  },
  {
    id: 'idle-cpu-probes',
    scenario: '3. idle CPU per 30 s with a TCP probe every second on each child (utime+stime)',
    unit: 's',
    digits: 2,
    better: 'lower',
    chart: false,
  },
  {
    id: 'idle-cpu-ns-probes',
    scenario: '3. idle CPU per 30 s with a TCP probe every second on each child (schedstat)',
    unit: 'ms',
    digits: 0,
    better: 'lower',
    chart: false,
  },
  {
    id: 'stop',
    scenario: '4. graceful stop: SIGTERM → manager and N children gone',
    unit: 'ms',
    digits: 0,
    better: 'lower',
    chart: true,
    targets: { 100: { op: '<=', value: 100 } },
  },
  {
    id: 'restart',
    scenario: '5. restart after kill -9: kill → new child running',
    unit: 'ms',
    digits: 1,
    better: 'lower',
    chart: true,
    targets: { 1: { op: '<=', value: 10 } },
  },
  {
    id: 'scale',
    scenario: '6. scale 10 → N at runtime: request → N running',
    unit: 'ms',
    digits: 0,
    better: 'lower',
    chart: true,
  },
  {
    id: 'throughput',
    scenario: '7. spawn throughput: children/s from the first child to the N-th',
    unit: '/s',
    digits: 0,
    better: 'higher',
    chart: true,
  },
];

export interface Cell {
  readonly samples: number[];
  readonly failures: string[];
}

export interface CellResult extends Cell {
  readonly summary: Summary;
}

/** Samples by metric, then N, then tool. */
export class Results {
  private readonly cells = new Map<string, Cell>();

  private cell(metric: MetricId, n: number, tool: ToolId): Cell {
    const key = `${metric}|${n}|${tool}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { samples: [], failures: [] };
      this.cells.set(key, cell);
    }
    return cell;
  }

  add(metric: MetricId, n: number, tool: ToolId, value: number): void {
    if (Number.isFinite(value)) this.cell(metric, n, tool).samples.push(value);
  }

  fail(metrics: readonly MetricId[], n: number, tool: ToolId, why: string): void {
    for (const metric of metrics) this.cell(metric, n, tool).failures.push(why);
  }

  get(metric: MetricId, n: number, tool: ToolId): CellResult | undefined {
    const cell = this.cells.get(`${metric}|${n}|${tool}`);
    return cell ? { ...cell, summary: summarize(cell.samples) } : undefined;
  }

  /** The Ns that have anything for `metric`, ascending. */
  sizes(metric: MetricId): number[] {
    const sizes = new Set<number>();
    for (const key of this.cells.keys()) {
      const [m, n] = key.split('|');
      if (m === metric) sizes.add(Number(n));
    }
    return [...sizes].sort((a, b) => a - b);
  }

  toJSON(): { metric: string; n: number; tool: string; samples: number[]; failures: string[] }[] {
    return [...this.cells].map(([key, cell]) => {
      const [metric, n, tool] = key.split('|');
      return { metric: metric!, n: Number(n), tool: tool!, ...cell };
    });
  }
}
