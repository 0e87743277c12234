/**
 * What the comparison needs from each process manager: start it with N `sleep 1000` children,
 * see its children and its own processes, scale it, stop it as `docker stop` would, and make
 * sure nothing of it is left afterwards.
 */
import { readFileSync, rmSync } from 'node:fs';
import { type Launched, launchCommand, trackDescendants } from '../manager.ts';
import { hasExited, readChildren, readCmdline, readStat } from '../proc.ts';
import { isSleeper, SleeperWatch } from '../sleepers.ts';

export type ManagerId = 'phpeek-pm' | 's6' | 'supervisord' | 'pm2';
export type BaselineId = 'node' | 'bash';
export type ToolId = ManagerId | BaselineId;

export interface StartOptions {
  readonly replicas: number;
  /** Each tool's fastest restart after a crash (scenario 5). */
  readonly fastRestart?: boolean;
  /** phpeek-pm only: a TCP readiness probe every second on each instance, to this port. */
  readonly probePort?: number;
}

export interface Tool {
  readonly id: ToolId;
  readonly label: string;
  /** Why the tool cannot run here; undefined when it can. */
  readonly unavailable?: string;
  /** Writes the configuration into `dir` (empty, owned by this run) and launches the manager. */
  start(dir: string, options: StartOptions): Fleet;
}

export interface Fleet {
  readonly tool: ToolId;
  /** The process a stop signal goes to (PID 1 in a container). */
  readonly pid: number;
  /** `performance.now()` just before the launch. */
  readonly startedAt: number;
  readonly exited: Promise<number>;
  /** A watch over the running `sleep 1000` children (see SleeperWatch). */
  watch(cache: boolean): SleeperWatch;
  /** The manager's own processes now: its children (the workloads) excluded. */
  ownPids(): number[];
  /**
   * Asks for `replicas` children the way a user of the tool would. Resolves once the request
   * is on its way; `command` is the process that carries it (a CLI), if any.
   */
  scale(replicas: number): Promise<{ command?: Launched }>;
  /** SIGTERM to the manager only, as `docker stop` does to PID 1. */
  terminate(): void;
  /** Kills whatever is left of the manager and its children, waits, removes its files. */
  dispose(): Promise<void>;
  /** The last lines of the manager's log, for failure messages. */
  logTail(): string;
}

export function tail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text ? ` (log: ${text.split('\n').slice(-3).join(' / ').slice(0, 400)})` : '';
  } catch {
    return '';
  }
}

/**
 * A fleet whose manager is one launched process with the workloads `depth` generations below
 * it; the manager's own processes are the launched one and, at depth 2, the middle generation.
 */
export class LaunchedFleet implements Fleet {
  constructor(
    readonly tool: ToolId,
    readonly run: Launched,
    readonly dir: string,
    readonly log: string,
    readonly depth: 1 | 2,
    private readonly scaler: (replicas: number) => Promise<{ command?: Launched }>,
    private readonly afterDispose: () => void = () => {},
  ) {}

  get pid(): number {
    return this.run.pid;
  }
  get startedAt(): number {
    return this.run.startedAt;
  }
  get exited(): Promise<number> {
    return this.run.exited;
  }

  watch(cache: boolean): SleeperWatch {
    return new SleeperWatch(this.run.pid, this.depth, cache);
  }

  ownPids(): number[] {
    if (hasExited(this.run.pid)) return [];
    const own = [this.run.pid];
    if (this.depth === 2) {
      for (const pid of readChildren(this.run.pid) ?? []) {
        if (!isSleeper(readCmdline(pid))) own.push(pid);
      }
    }
    return own;
  }

  scale(replicas: number): Promise<{ command?: Launched }> {
    return this.scaler(replicas);
  }

  terminate(): void {
    process.kill(this.run.pid, 'SIGTERM');
  }

  async dispose(): Promise<void> {
    await killTree(this.run);
    this.afterDispose();
    rmSync(this.dir, { recursive: true, force: true });
  }

  logTail(): string {
    return tail(this.log);
  }
}

/**
 * SIGKILLs a launched process and everything below it, without touching other fleets (the
 * idle scenario runs several at once). The process group is stopped first, so that nothing
 * spawns between listing the descendants and killing them.
 */
export async function killTree(run: Launched): Promise<void> {
  if (hasExited(run.pid)) {
    await run.exited;
    return;
  }
  signal(-run.pid, 'SIGSTOP');
  trackDescendants(run.pid);
  const doomed = descendants(run.pid);
  signal(-run.pid, 'SIGKILL');
  signal(run.pid, 'SIGKILL');
  for (const { pid, starttime } of doomed) {
    if (readStat(pid)?.starttime !== starttime) continue;
    // Workloads lead their own process group (setsid); kill the group and the pid itself.
    signal(-pid, 'SIGKILL');
    signal(pid, 'SIGKILL');
  }
  await run.exited;
}

function descendants(pid: number, depth = 3): { pid: number; starttime: number }[] {
  if (depth === 0) return [];
  const found: { pid: number; starttime: number }[] = [];
  for (const child of readChildren(pid) ?? []) {
    const stat = readStat(child);
    if (stat) found.push({ pid: child, starttime: stat.starttime });
    found.push(...descendants(child, depth - 1));
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

/** Runs a short command (a CLI) with its output in `log`; resolves with its exit code. */
export async function runCommand(
  file: string,
  args: readonly string[],
  log: string,
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const command = launchCommand(file, args, log, env ? { env } : {});
  return command.exited;
}
