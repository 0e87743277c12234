/**
 * The `depends_on` graph: checks (unknown, disabled, cycles) and orderings. An edge `a -> b`
 * means a depends on b: b starts first and stops last.
 */
import { formatMessage } from '../errors.ts';
import type { Problem } from './diagnostics.ts';
import { closestMatch } from './suggest.ts';

export interface DependencyNode {
  readonly enabled: boolean;
  /** Keys are the names depended on; the values (conditions) do not matter here. */
  readonly dependsOn: Readonly<Record<string, unknown>>;
}

/** Process name -> node. `ProcessSpec` records fit as they are. */
export type DependencyGraph = Readonly<Record<string, DependencyNode>>;

/**
 * Every dependency problem: a name not declared, an enabled process waiting on a disabled one
 * (it would wait forever), and each cycle once, printed from its alphabetically first member.
 */
export function dependencyProblems(graph: DependencyGraph): Problem[] {
  const problems: Problem[] = [];
  const names = Object.keys(graph);
  for (const [name, node] of Object.entries(graph)) {
    for (const dependency of Object.keys(node.dependsOn)) {
      const path = ['processes', name, 'depends_on', dependency];
      const target = Object.hasOwn(graph, dependency) ? graph[dependency] : undefined;
      if (target === undefined) {
        const match = closestMatch(dependency, names);
        problems.push({
          code: 'CONFIG_DEPENDENCY_UNKNOWN',
          path,
          message:
            formatMessage('CONFIG_DEPENDENCY_UNKNOWN', JSON.stringify(dependency)) +
            (match === undefined ? '' : `; did you mean "${match}"?`),
        });
      } else if (node.enabled && !target.enabled) {
        problems.push({
          code: 'CONFIG_DEPENDENCY_DISABLED',
          path,
          message: `${formatMessage('CONFIG_DEPENDENCY_DISABLED', JSON.stringify(dependency))} (enabled: false), so "${name}" would never start`,
        });
      }
    }
  }
  for (const cycle of dependencyCycles(graph)) {
    problems.push({
      code: 'CONFIG_DEPENDENCY_CYCLE',
      path: ['processes', cycle[0] ?? '', 'depends_on', cycle[1] ?? ''],
      message: formatMessage('CONFIG_DEPENDENCY_CYCLE', cycle.join(' -> ')),
    });
  }
  return problems;
}

/** Each cycle as `[a, b, c, a]`, starting from its alphabetically first member; deterministic. */
export function dependencyCycles(graph: DependencyGraph): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dependency of declaredDependencies(graph, name)) {
      const seen = state.get(dependency);
      if (seen === 'visiting') {
        const cycle = rotateToFirst(stack.slice(stack.indexOf(dependency)));
        cycles.set(cycle.join('\0'), [...cycle, cycle[0] ?? '']);
      } else if (seen === undefined) {
        visit(dependency);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(graph).sort()) {
    if (!state.has(name)) visit(name);
  }
  return [...cycles.values()];
}

/**
 * Names with every dependency before its dependents (start order; reverse it to stop), ties
 * broken by name. Total: members of a cycle come last, by name.
 */
export function topologicalOrder(graph: DependencyGraph): string[] {
  const waitingOn = new Map<string, Set<string>>();
  for (const name of Object.keys(graph)) {
    waitingOn.set(name, new Set(declaredDependencies(graph, name)));
  }
  const order: string[] = [];
  for (;;) {
    const ready = [...waitingOn].filter(([, deps]) => deps.size === 0).map(([name]) => name);
    if (ready.length === 0) break;
    const next = ready.sort()[0] ?? '';
    order.push(next);
    waitingOn.delete(next);
    for (const deps of waitingOn.values()) deps.delete(next);
  }
  return [...order, ...[...waitingOn.keys()].sort()];
}

/** The processes that declare a dependency on `name`, by name. */
export function dependentsOf(graph: DependencyGraph, name: string): string[] {
  return Object.keys(graph)
    .filter((other) => Object.hasOwn(graph[other]?.dependsOn ?? {}, name))
    .sort();
}

/**
 * The graph as far as it can be read from an unvalidated file, so that dependency problems are
 * reported together with schema problems instead of after they are fixed.
 */
export function dependencyGraphOfFile(file: unknown): DependencyGraph {
  const processes = isRecord(file) ? file['processes'] : undefined;
  if (!isRecord(processes)) return {};
  const graph: [string, DependencyNode][] = [];
  for (const [name, entry] of Object.entries(processes)) {
    if (!isRecord(entry)) continue;
    const dependsOn = entry['depends_on'];
    const names = Array.isArray(dependsOn)
      ? dependsOn.filter((d): d is string => typeof d === 'string')
      : isRecord(dependsOn)
        ? Object.keys(dependsOn)
        : [];
    graph.push([
      name,
      {
        enabled: entry['enabled'] !== false,
        dependsOn: Object.fromEntries(names.map((d) => [d, true])),
      },
    ]);
  }
  return Object.fromEntries(graph);
}

function declaredDependencies(graph: DependencyGraph, name: string): string[] {
  return Object.keys(graph[name]?.dependsOn ?? {})
    .filter((d) => Object.hasOwn(graph, d))
    .sort();
}

function rotateToFirst(cycle: string[]): string[] {
  const first = [...cycle].sort()[0] ?? '';
  const at = cycle.indexOf(first);
  return [...cycle.slice(at), ...cycle.slice(0, at)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
