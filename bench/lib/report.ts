/** The results files: bench/results/core.md (a table) and bench/results/core.json (everything). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Summary, summarize } from './stats.ts';

export interface Target {
  readonly op: '<=' | '<';
  readonly value: number;
}

export interface Row {
  /** Stable key for the JSON file. */
  readonly id: string;
  readonly scenario: string;
  readonly unit: string;
  /** Digits after the decimal point in the table. */
  readonly digits: number;
  readonly target?: Target;
  /** Every sample, in the order taken. */
  readonly samples: number[];
  /** Rounds that failed (timeouts, crashes), with why. */
  readonly failures: string[];
  /** What the samples are, for the JSON reader. */
  readonly note?: string;
}

export interface RowResult extends Row {
  readonly summary: Summary;
  /** Whether the median meets the target; undefined without a target or samples. */
  readonly met?: boolean;
}

export function resultOf(row: Row): RowResult {
  const summary = summarize(row.samples);
  const met =
    row.target === undefined || summary.n === 0
      ? undefined
      : row.target.op === '<='
        ? summary.median <= row.target.value
        : summary.median < row.target.value;
  return { ...row, summary, met };
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

export function markdownTable(rows: readonly RowResult[]): string {
  const lines = [
    '| scenario | median | min–max | target | unit | samples | met |',
    '|---|---:|---:|---:|---|---:|:---:|',
  ];
  for (const r of rows) {
    const { summary: s, digits } = r;
    const target = r.target ? `${r.target.op === '<=' ? '≤' : '<'} ${r.target.value}` : '';
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    const failed = r.failures.length > 0 ? ` (${r.failures.length} failed)` : '';
    lines.push(
      `| ${r.scenario} | ${fmt(s.median, digits)} | ${fmt(s.min, digits)}–${fmt(s.max, digits)} | ${target} | ${r.unit} | ${s.n}${failed} | ${met} |`,
    );
  }
  return lines.join('\n') + '\n';
}

export interface RunInfo {
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly rounds: number;
  readonly node: string;
  readonly kernel: string;
  readonly cpus: number;
  readonly commit: string | undefined;
  readonly durationS: number;
}

export function writeResults(dir: string, info: RunInfo, rows: readonly RowResult[]): string {
  mkdirSync(dir, { recursive: true });
  const failures = rows.flatMap((r) => r.failures.map((f) => `- ${r.scenario}: ${f}`));
  const markdown = [
    '# Core benchmarks',
    '',
    `${info.date}, ${info.mode} mode, ${info.rounds} rounds, Node ${info.node}, Linux ${info.kernel}, ${info.cpus} CPUs` +
      `${info.commit ? `, commit ${info.commit.slice(0, 10)}` : ''}; took ${Math.round(info.durationS)} s.`,
    'How each figure is obtained: bench/README.md. `met` compares the median with the target.',
    '',
    markdownTable(rows),
    ...(failures.length > 0 ? ['Failures:', '', ...failures, ''] : []),
  ].join('\n');
  writeFileSync(join(dir, 'core.md'), markdown);
  writeFileSync(join(dir, 'core.json'), JSON.stringify({ ...info, rows }, null, 2) + '\n');
  return markdown;
}
