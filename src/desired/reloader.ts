import { statSync } from 'node:fs';
import { type DesiredParseResult, loadDesiredFile } from './load.ts';

/** Identifies a version of the file, through symlinks (a ConfigMap swap changes the target). */
export function fileVersion(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return 'missing';
  }
}

export type Loaded = Extract<DesiredParseResult, { ok: true }>;

export interface ReloaderOptions {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The version of the file that produced the running desired state. */
  readonly initialVersion: string;
  readonly apply: (loaded: Loaded, why: string) => void;
  readonly reject: (result: Extract<DesiredParseResult, { ok: false }>, why: string) => void;
}

/**
 * Loads the file again when asked: one load at a time, requests that arrive meanwhile fold into
 * one more. A watcher request for a file version already loaded is skipped (watchers report more
 * than real changes); SIGHUP always loads.
 */
export class ConfigReloader {
  private running: Promise<void> | undefined;
  private again: { why: string; force: boolean } | undefined;
  private version: string;

  constructor(private readonly options: ReloaderOptions) {
    this.version = options.initialVersion;
  }

  request(why: string, force = false): void {
    if (this.running) {
      this.again = { why, force: force || (this.again?.force ?? false) };
      return;
    }
    this.running = this.load(why, force)
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        const next = this.again;
        this.again = undefined;
        if (next) this.request(next.why, next.force);
      });
  }

  /** Loads now (after any load under way), whatever the file version, and says how it went. */
  async reloadNow(why: string): Promise<DesiredParseResult> {
    await this.idle();
    const run = this.load(why, true);
    this.running = run.then(() => undefined);
    try {
      return (await run) as DesiredParseResult;
    } finally {
      this.running = undefined;
    }
  }

  /** Resolves once no load is running or queued (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async load(why: string, force: boolean): Promise<DesiredParseResult | undefined> {
    const version = fileVersion(this.options.file);
    if (!force && version === this.version) return undefined;
    this.version = version;
    const result = await loadDesiredFile(this.options.file, this.options.env);
    if (result.ok) this.options.apply(result, why);
    else this.options.reject(result, why);
    return result;
  }
}
