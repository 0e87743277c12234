/** Plain-text rendering of API answers for the terminal. */

export interface ProcessRow {
  name: string;
  type: string;
  replicas: number;
  replicasSource: string;
  enabled: boolean;
  running: number;
  ready: number;
  instances: {
    id: string;
    phase: string;
    pid: number | null;
    ready: boolean;
    restarts: number;
    reason: string | null;
    lastExit: { code: number | null; signal: string | null } | null;
  }[];
}

/** A table with columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function statusTable(processes: readonly ProcessRow[]): string {
  const rows: string[][] = [['NAME', 'TYPE', 'DESIRED', 'RUNNING', 'READY', 'RESTARTS', 'STATUS']];
  for (const p of processes) {
    const restarts = p.instances.reduce((n, i) => n + i.restarts, 0);
    const desired = p.enabled
      ? `${p.replicas}${p.replicasSource === 'api' ? ' (api)' : ''}`
      : 'stopped';
    const waiting = p.instances.find((i) => i.reason)?.reason;
    rows.push([
      p.name,
      p.type,
      desired,
      String(p.running),
      String(p.ready),
      String(restarts),
      waiting ?? '',
    ]);
    for (const i of p.instances) {
      const exit = i.lastExit
        ? i.lastExit.signal
          ? ` last: ${i.lastExit.signal}`
          : ` last: exit ${i.lastExit.code}`
        : '';
      rows.push([
        `  ${i.id}`,
        i.phase,
        i.pid === null ? '-' : `pid ${i.pid}`,
        '',
        i.ready ? 'ready' : '',
        String(i.restarts),
        `${i.reason ?? ''}${i.reason ? '' : exit}`.trim(),
      ]);
    }
  }
  return table(rows);
}

export interface PlanView {
  actions: { kind: string; id?: string; process?: string; reason: string }[];
  blocked: { id: string; reason: string }[];
  phpFpm?: string[];
}

export function planText(plan: PlanView): string {
  const lines: string[] = [];
  for (const a of plan.actions)
    lines.push(
      `${a.kind === 'spawn' ? '+' : a.kind === 'stop' || a.kind === 'kill' ? '-' : '~'} ${a.kind} ${a.id ?? a.process ?? ''}: ${a.reason}`,
    );
  for (const b of plan.blocked) lines.push(`  ${b.id}: ${b.reason}`);
  const verdict = lines.length > 0 ? lines.join('\n') : 'nothing to do: everything is as desired';
  return plan.phpFpm?.length ? `${verdict}\n\n${plan.phpFpm.join('\n')}` : verdict;
}

export function changesText(
  changes: readonly { name: string; change: string; detail?: string }[],
): string {
  if (changes.length === 0) return 'no process changes';
  return changes
    .map(
      (c) =>
        `${c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~'} ${c.name}: ${c.change}${c.detail ? ` ${c.detail}` : ''}`,
    )
    .join('\n');
}
