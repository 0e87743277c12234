/**
 * "did you mean ...?" for unknown keys and misspelt values. Separators and case are ignored
 * when comparing (`workingDir`, `working-dir` -> `working_dir`), and a few names other process
 * managers use (supervisord's `numprocs`, compose's `environment`) map to ours.
 */

const ALIASES: Readonly<Record<string, string>> = {
  cmd: 'command',
  args: 'command',
  environment: 'env',
  cwd: 'working_dir',
  directory: 'working_dir',
  workdir: 'working_dir',
  numprocs: 'replicas',
  scale: 'replicas',
  instances: 'replicas',
  autostart: 'enabled',
  autorestart: 'restart',
  depends: 'depends_on',
  stopsignal: 'stop',
  stop_signal: 'stop',
  stopwaitsecs: 'stop',
  backoff: 'restart_backoff',
  // Kubernetes' probe words.
  healthcheck: 'probes',
  readinessprobe: 'probes',
  livenessprobe: 'probes',
  startupprobe: 'probes',
  initialdelayseconds: 'initial_delay',
  periodseconds: 'period',
  timeoutseconds: 'timeout',
  httpget: 'http',
  tcpsocket: 'tcp',
  // supervisord's and cron's.
  startretries: 'max_restarts',
  cron: 'schedule',
  tz: 'timezone',
};

/** The candidate the input most likely meant, or undefined when none is close. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const alias = ALIASES[input.toLowerCase()];
  if (alias !== undefined && candidates.includes(alias)) return alias;
  const wanted = comparable(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, comparable(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Two edits is enough for typos; on short words it would match almost anything.
  const limit = Math.min(2, Math.floor(wanted.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[-_]/g, '');
}

/** Levenshtein distance with adjacent transpositions (`relpicas` is one edit from `replicas`). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}
