/**
 * Where the manager's start-up time goes, from a V8 CPU profile of `phpeek-pm run`
 * (`node --cpu-prof --cpu-prof-interval=100 bin/phpeek-pm run ...`).
 *
 *   node --import tsx bench/lib/profile-summary.ts FILE.cpuprofile [...more]
 *
 * Bundle frames are mapped back to their sources through dist/*.map. Only samples up to the
 * last one inside `child_process` spawn count (the start-up window). Each sample is charged to
 * the first phase whose rule matches its stack; figures are milliseconds, averaged over files.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** A frame with its bundle position mapped back to the original file. */
interface Frame {
  readonly name: string;
  /** `src/...`, `node_modules/<pkg>/...`, `node:...`, or '' for V8's own pseudo-frames. */
  readonly source: string;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(url: string): SourceMap | null {
  let map = maps.get(url);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return map;
}

function frameOf(callFrame: CallFrame): Frame {
  const { url, functionName: name, lineNumber, columnNumber } = callFrame;
  if (!url.startsWith('file:')) return { name, source: url };
  const entry = sourceMapFor(url)?.findEntry(lineNumber, columnNumber);
  const original = entry && 'originalSource' in entry ? entry.originalSource : undefined;
  if (!original) return { name, source: url };
  const at = original.lastIndexOf('node_modules/');
  if (at >= 0) return { name, source: original.slice(at) };
  const src = original.lastIndexOf('src/');
  return { name, source: src >= 0 ? original.slice(src) : original };
}

function packageOf(source: string): string {
  const parts = source.split('/');
  if (parts[0] !== 'node_modules') return source;
  return parts[1]?.startsWith('@') ? `${parts[1]}/${parts[2]}` : (parts[1] ?? source);
}

function isSpawn(stack: readonly Frame[]): boolean {
  return stack.some((f) => f.source === 'node:child_process' && f.name === 'spawn');
}

/** Phases, first match wins; `stack` is root → leaf. */
const PHASES: [string, (stack: readonly Frame[]) => boolean][] = [
  ['garbage collection', (s) => s.at(-1)?.name === '(garbage collector)'],
  ['idle (waiting in the event loop)', (s) => s.at(-1)?.name === '(idle)'],
  ['spawn (child_process.spawn, fork+exec in libuv)', isSpawn],
  ['child output (pipes, line splitting)', (s) => s.some((f) => f.source === 'src/logs/output.ts')],
  [
    'reconcile (plan, reducer, immer)',
    (s) => s.some((f) => /^src\/(reconciler|observed)\//.test(f.source)),
  ],
  [
    'config load (read, YAML, TypeBox, normalize)',
    (s) => s.some((f) => f.source.startsWith('src/desired/')),
  ],
  ['pino logger creation', (s) => s.some((f) => f.source === 'src/logs/logger.ts')],
  ['reaper start (addon load)', (s) => s.some((f) => f.source === 'src/executors/reaper.ts')],
  [
    'bundle top-level evaluation',
    (s) => s.some((f) => f.source.startsWith('node_modules/') || f.source.startsWith('src/')),
  ],
  [
    'module loading (resolve, read, compile)',
    (s) => s.some((f) => f.source.startsWith('node:internal/modules/')),
  ],
  ['(program): V8/native outside JS', (s) => s.at(-1)?.name === '(program)'],
  ['Node bootstrap and other', () => true],
];

interface Summary {
  windowMs: number;
  firstSpawnMs: number;
  phases: Map<string, number>;
  /** When each phase was first seen, ms after the profile's start. */
  firstSeen: Map<string, number>;
  /** Self time by the leaf frame's package or Node module. */
  leaves: Map<string, number>;
  /** Bundle top-level evaluation by package being evaluated (innermost module frame). */
  evaluation: Map<string, number>;
}

function summarize(profile: Profile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<number, Frame[]>();
  const stackOf = (id: number): Frame[] => {
    let stack = stacks.get(id);
    if (!stack) {
      const up = parent.get(id);
      stack = [...(up === undefined ? [] : stackOf(up)), frameOf(byId.get(id)!.callFrame)];
      stacks.set(id, stack);
    }
    return stack;
  };

  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) {
    t += d;
    times.push(t);
  }
  let end = profile.samples.length - 1;
  while (end > 0 && !isSpawn(stackOf(profile.samples[end]!))) end--;
  let first = profile.samples.findIndex((id) => isSpawn(stackOf(id)));
  if (first < 0) first = end;

  const summary: Summary = {
    windowMs: (times[end]! - profile.startTime) / 1000,
    firstSpawnMs: (times[first]! - profile.startTime) / 1000,
    phases: new Map(),
    firstSeen: new Map(),
    leaves: new Map(),
    evaluation: new Map(),
  };
  const add = (map: Map<string, number>, key: string, ms: number) =>
    map.set(key, (map.get(key) ?? 0) + ms);
  for (let i = 0; i <= end; i++) {
    // A sample stands for the time until the next one.
    const ms = ((times[i + 1] ?? times[i]!) - times[i]!) / 1000;
    const stack = stackOf(profile.samples[i]!);
    const phase = PHASES.find(([, test]) => test(stack))![0];
    add(summary.phases, phase, ms);
    if (!summary.firstSeen.has(phase)) {
      summary.firstSeen.set(phase, (times[i]! - profile.startTime) / 1000);
    }
    const leaf = stack.at(-1)!;
    add(summary.leaves, packageOf(leaf.source) || leaf.name, ms);
    if (phase === 'bundle top-level evaluation') {
      const modules = stack.filter(
        (f) => f.source.startsWith('node_modules/') || f.source.startsWith('src/'),
      );
      add(summary.evaluation, packageOf(modules.at(-1)!.source), ms);
    }
  }
  return summary;
}

function printTable(
  title: string,
  maps: Map<string, number>[],
  limit = 20,
  order: 'largest' | 'earliest' = 'largest',
): void {
  const total = new Map<string, number>();
  for (const m of maps) for (const [k, v] of m) total.set(k, (total.get(k) ?? 0) + v / maps.length);
  const rows = [...total]
    .sort((a, b) => (order === 'largest' ? b[1] - a[1] : a[1] - b[1]))
    .slice(0, limit);
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${v.toFixed(1).padStart(7)} ms  ${k}`);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: profile-summary.ts FILE.cpuprofile [...]');
  process.exit(2);
}
const summaries = files.map((f) => summarize(JSON.parse(readFileSync(f, 'utf8')) as Profile));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  `${files.length} profiles; from the profile's start (after Node's bootstrap): first spawn at ` +
    `${mean(summaries.map((s) => s.firstSpawnMs)).toFixed(1)} ms, last spawn at ` +
    `${mean(summaries.map((s) => s.windowMs)).toFixed(1)} ms`,
);
printTable(
  'by phase (until the last spawn)',
  summaries.map((s) => s.phases),
);
printTable(
  'timeline: when each phase first appears (ms after the profile starts)',
  summaries.map((s) => s.firstSeen),
  20,
  'earliest',
);
printTable(
  'bundle top-level evaluation, by package',
  summaries.map((s) => s.evaluation),
  12,
);
printTable(
  'self time by leaf frame (package or Node module)',
  summaries.map((s) => s.leaves),
);
