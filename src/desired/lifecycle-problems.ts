/**
 * Checks across the fields of a process, and across processes, that a schema cannot express:
 * probes and schedules (their own files), restart settings of oneshots, restart limits,
 * rollouts, and dependency conditions a process can never meet. They read the file as written,
 * beside the schema (which reports wrong types), so everything is reported in one pass.
 */
import { formatMessage } from '../errors.ts';
import type { Problem } from './diagnostics.ts';
import { probeProblems } from './probe-problems.ts';
import { has, isRecord } from './records.ts';
import { scheduleProblems } from './schedule-problems.ts';

export function lifecycleProblems(file: unknown): Problem[] {
  const processes = isRecord(file) ? file['processes'] : undefined;
  if (!isRecord(processes)) return [];
  const problems: Problem[] = [];
  for (const [name, entry] of Object.entries(processes)) {
    if (!isRecord(entry)) continue;
    const replicas = entry['replicas'];
    problems.push(
      ...probeProblems(name, entry['probes'], Number.isInteger(replicas) ? Number(replicas) : 1),
      ...scheduleProblems(name, entry),
      ...processProblems(name, entry),
      ...dependencyConditionProblems(name, entry, processes),
    );
  }
  return problems;
}

/** A scheduled process is a oneshot; `type: longrun` beside a schedule is reported apart. */
function isOneshot(entry: Record<string, unknown>): boolean {
  return entry['type'] === 'oneshot' || (has(entry, 'schedule') && !has(entry, 'type'));
}

function processProblems(name: string, entry: Record<string, unknown>): Problem[] {
  const path = ['processes', name];
  const problems: Problem[] = [];
  if (isOneshot(entry) && entry['restart'] === 'always') {
    problems.push({
      code: 'CONFIG_ONESHOT_RESTART',
      path: [...path, 'restart'],
      message: formatMessage('CONFIG_ONESHOT_RESTART', '"always"'),
    });
  }
  if (has(entry, 'restart_window') && !has(entry, 'max_restarts')) {
    problems.push({
      code: 'CONFIG_RESTART_WINDOW',
      path: [...path, 'restart_window'],
      message: formatMessage('CONFIG_RESTART_WINDOW'),
    });
  }
  if (has(entry, 'critical') && has(entry, 'on_failure')) {
    problems.push({
      code: 'CONFIG_EXCLUSIVE_KEYS',
      path: [...path, 'on_failure'],
      message: formatMessage(
        'CONFIG_EXCLUSIVE_KEYS',
        '`critical`',
        '`on_failure`',
        '; they say the same thing (on_failure: exit is critical: true), so write one',
      ),
    });
  }
  const replicas = entry['replicas'];
  const maxReplicas = entry['max_replicas'];
  if (
    Number.isInteger(replicas) &&
    Number.isInteger(maxReplicas) &&
    Number(replicas) > Number(maxReplicas)
  ) {
    problems.push({
      code: 'CONFIG_REPLICAS_ABOVE_MAX',
      path: [...path, 'replicas'],
      message: formatMessage('CONFIG_REPLICAS_ABOVE_MAX', maxReplicas, replicas),
    });
  }
  const rollout = entry['rollout'];
  if (isRecord(rollout) && rollout['max_unavailable'] === 0 && (rollout['max_surge'] ?? 0) === 0) {
    problems.push({
      code: 'CONFIG_ROLLOUT',
      path: [...path, 'rollout', 'max_unavailable'],
      message: formatMessage('CONFIG_ROLLOUT'),
    });
  }
  return problems;
}

/**
 * A dependency on a scheduled process (it runs at times, never "has started" for good), on a
 * long-running one to complete, or on a oneshot to be healthy, would wait forever.
 */
function dependencyConditionProblems(
  name: string,
  entry: Record<string, unknown>,
  processes: Record<string, unknown>,
): Problem[] {
  const dependsOn = entry['depends_on'];
  const conditions: [string, unknown][] = Array.isArray(dependsOn)
    ? dependsOn.filter((d): d is string => typeof d === 'string').map((d) => [d, undefined])
    : isRecord(dependsOn)
      ? Object.entries(dependsOn).map(([d, v]) => [d, isRecord(v) ? v['condition'] : undefined])
      : [];
  const problems: Problem[] = [];
  for (const [dependency, condition] of conditions) {
    const target = has(processes, dependency) ? processes[dependency] : undefined;
    // An undeclared dependency is reported by dependencies.ts.
    if (!isRecord(target)) continue;
    const path = ['processes', name, 'depends_on', dependency];
    if (has(target, 'schedule')) {
      problems.push({
        code: 'CONFIG_DEPENDENCY_SCHEDULED',
        path,
        message: formatMessage('CONFIG_DEPENDENCY_SCHEDULED', JSON.stringify(dependency)),
      });
      continue;
    }
    const oneshot = isOneshot(target);
    const why =
      condition === 'process_completed_successfully' && !oneshot
        ? `"${dependency}" is a long-running process; it never completes (wait for process_started or process_healthy, or give it type: oneshot)`
        : condition === 'process_healthy' && oneshot
          ? `"${dependency}" is a oneshot; a oneshot is never ready (wait for process_completed_successfully)`
          : undefined;
    if (why !== undefined) {
      problems.push({
        code: 'CONFIG_DEPENDENCY_CONDITION',
        path: [...path, 'condition'],
        message: formatMessage('CONFIG_DEPENDENCY_CONDITION', condition, why),
      });
    }
  }
  return problems;
}
