import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { descendants, envOf, readProc } from './procfs.ts';
import { waitFor } from './wait-for.ts';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const fixture = (name: string) => join(repoRoot, 'test', 'fixtures', name);
const bin = join(repoRoot, 'bin', 'phpeek-pm');

export const canUnshare =
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

export type SaveStyle = 'in-place' | 'rename' | 'vim' | 'configmap';

export interface StartOptions {
  /** Run as PID 1 of a new PID namespace (`unshare --pid --fork --mount-proc`). */
  readonly pid1?: boolean;
  readonly env?: Record<string, string>;
  /** Lay the file out like a Kubernetes ConfigMap volume (`..data` symlink swap on save). */
  readonly configMap?: boolean;
  /** More arguments for `run`. */
  readonly args?: readonly string[];
  /** With `pid1`: directories bind-mounted read-only in the manager's mount namespace. */
  readonly readOnly?: readonly string[];
  /** With `readOnly`: then writable directories bound over parts of them (`[source, target]`). */
  readonly binds?: readonly (readonly [string, string])[];
}

/**
 * The real manager (the built bin/phpeek-pm) on a config written to a temp dir, with its
 * output captured line by line.
 */
export class ManagerUnderTest {
  readonly dir = mkdtempSync(join(tmpdir(), 'phpeek-pm-test-'));
  readonly configPath: string;
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private configVersion = 0;

  constructor(
    config: string,
    readonly options: StartOptions = {},
  ) {
    this.configPath = join(this.dir, 'phpeek-pm.yaml');
    if (options.configMap) {
      this.writeConfigMap(config);
      symlinkSync('..data/phpeek-pm.yaml', this.configPath);
    } else {
      writeFileSync(this.configPath, config);
    }
    const args = [bin, 'run', '-c', this.configPath, ...(options.args ?? [])];
    // --mount-proc gives the manager its own mount namespace: read-only binds stay in it.
    const readOnly = (options.readOnly ?? []).length
      ? [
          'sh',
          '-ec',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${...}
          'for d in $RO_DIRS; do mount --bind "$d" "$d"; mount -o remount,bind,ro "$d"; done; for b in $BINDS; do mount --bind "${b%%=*}" "${b#*=}"; done; exec "$@"',
          'sh',
        ]
      : [];
    const [cmd, argv] = options.pid1
      ? ['unshare', ['--pid', '--fork', '--mount-proc', ...readOnly, process.execPath, ...args]]
      : [process.execPath, args];
    this.child = spawn(cmd as string, argv as string[], {
      // Tests run many managers at once: no default listeners unless a test asks for them.
      env: {
        ...process.env,
        PHPEEK_PM_API_LISTEN: 'false',
        PHPEEK_PM_API_SOCKET: 'false',
        PHPEEK_PM_METRICS_LISTEN: 'false',
        ...(options.readOnly ? { RO_DIRS: options.readOnly.join(' ') } : {}),
        ...(options.binds ? { BINDS: options.binds.map(([s, t]) => `${s}=${t}`).join(' ') } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        this.lines.push(...parts);
      });
    }
    // 'close', not 'exit': by then every line the manager wrote has been read.
    this.exited = new Promise((res) =>
      this.child.once('close', (code, signal) => res({ code, signal })),
    );
  }

  /** The manager's pid as seen from here (the child of `unshare` when run as PID 1). */
  managerPid(): number {
    if (!this.options.pid1) return this.child.pid!;
    const inner = descendants(this.child.pid!).find((p) => p.ppid === this.child.pid);
    if (!inner) throw new Error('manager not started yet');
    return inner.pid;
  }

  /** Instance id → pid of every process that the manager runs as an instance right now. */
  instances(): Map<string, number> {
    const out = new Map<string, number>();
    let manager: number;
    try {
      manager = this.managerPid();
    } catch {
      return out;
    }
    for (const p of descendants(manager)) {
      if (p.ppid !== manager || p.state === 'Z') continue;
      const id = envOf(p.pid, 'PHPEEK_PM_INSTANCE_ID');
      if (id !== undefined) out.set(id, p.pid);
    }
    return out;
  }

  /** Waits until exactly these instance ids run; returns their pids. */
  async waitForInstances(ids: string[], timeoutMs = 10_000): Promise<Map<string, number>> {
    const want = [...ids].sort().join(',');
    let seen = '';
    try {
      return await waitFor(
        `instances ${want}`,
        () => {
          const now = this.instances();
          seen = [...now.keys()].sort().join(',');
          return seen === want ? now : undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; running: ${seen}\n${this.tail()}`);
    }
  }

  /** The last lines of output, for failure messages. */
  tail(n = 40): string {
    return ['--- manager output (last lines) ---', ...this.lines.slice(-n)].join('\n');
  }

  async waitForLine(pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<string> {
    return waitFor(
      `a line matching ${pattern}\n--- output so far ---\n${this.lines.join('\n')}`,
      () => this.lines.slice(from).find((l) => pattern.test(l)),
      timeoutMs,
    );
  }

  /** Saves a new config the way an editor or Kubernetes would. */
  writeConfig(text: string, style: SaveStyle = 'rename'): void {
    switch (style) {
      case 'in-place':
        writeFileSync(this.configPath, text);
        return;
      case 'rename': {
        const tmp = `${this.configPath}.tmp`;
        writeFileSync(tmp, text);
        renameSync(tmp, this.configPath);
        return;
      }
      case 'vim': {
        // vim's default with backupcopy=no: rename the original away, write anew, drop the backup.
        const backup = `${this.configPath}~`;
        renameSync(this.configPath, backup);
        writeFileSync(this.configPath, text);
        unlinkSync(backup);
        return;
      }
      case 'configmap':
        this.writeConfigMap(text);
        return;
    }
  }

  /**
   * kubelet's atomic writer: a new timestamped dir, `..data` swapped to it by rename, then the
   * old dir removed.
   */
  private writeConfigMap(text: string): void {
    const previous =
      this.configVersion > 0 ? join(this.dir, `..v${this.configVersion}`) : undefined;
    const version = `..v${++this.configVersion}`;
    const dir = join(this.dir, version);
    mkdirSync(dir);
    writeFileSync(join(dir, 'phpeek-pm.yaml'), text);
    const tmpLink = join(this.dir, '..data_tmp');
    symlinkSync(version, tmpLink);
    renameSync(tmpLink, join(this.dir, '..data'));
    if (previous) rmSync(previous, { recursive: true, force: true });
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.options.pid1 ? this.managerPid() : this.child.pid!, signal);
  }

  /** Stops the manager (SIGKILL if SIGTERM is not enough) and removes the temp dir. */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        this.signal('SIGTERM');
      } catch {}
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function isAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== 'Z';
}
