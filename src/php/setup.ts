/**
 * Container setup before the processes start: the framework's writable directories, created
 * with mode 0775 and handed (recursively) to the user php-fpm's workers run as. It reports
 * what it did, for one log line; it never stops the manager: a directory it cannot prepare is a
 * warning, and a read-only filesystem skips the step.
 */
import { constants, lchownSync, lstatSync, readdirSync } from 'node:fs';
import { access, chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Framework, PhpSpec } from '../desired/types.ts';
import { resolveCredentials } from '../executors/users.ts';
import { detectFramework, FRAMEWORK_LAYOUTS } from './framework.ts';

export interface SetupReport {
  readonly framework?: Framework;
  readonly detected: boolean;
  /** Directories created. */
  readonly created: readonly string[];
  /** Files and directories whose owner was set. */
  readonly owned: number;
  readonly owner?: string;
  /** Why nothing was done, when nothing was. */
  readonly skipped?: string;
  readonly warnings: readonly string[];
  /** Directories left alone because they are on a read-only filesystem. */
  readonly readOnly?: readonly string[];
}

export interface SetupEnvironment {
  /** Our uid: only root can give files away. */
  readonly uid: number;
  /** Where passwd and group are; tests point elsewhere. */
  readonly etc?: string;
}

const MODE = 0o775;

export async function prepareWorkdir(spec: PhpSpec, env: SetupEnvironment): Promise<SetupReport> {
  const none = { detected: false, created: [], owned: 0, warnings: [] };
  if (!spec.setup) return { ...none, skipped: 'global.setup is false' };
  if (!(await isDirectory(spec.workdir))) {
    return { ...none, skipped: `${spec.workdir} does not exist (global.workdir)` };
  }
  const detected = spec.framework === 'auto';
  const framework = detected ? detectFramework(spec.workdir) : spec.framework;
  const layout = FRAMEWORK_LAYOUTS[framework];
  const base = { ...none, framework, detected };
  if (layout.directories.length === 0) return { ...base, skipped: 'nothing to prepare' };
  // A read-only root filesystem may still have writable volumes mounted on some directories
  // (an emptyDir on storage/): prepare those, leave the rest.
  const readOnly: string[] = [];
  for (const relative of layout.directories) {
    const existing = await nearestExisting(join(spec.workdir, relative));
    if ((await writeError(existing)) === 'EROFS') readOnly.push(relative);
  }
  if (readOnly.length === layout.directories.length) {
    return { ...base, skipped: `read-only filesystem at ${spec.workdir}` };
  }

  const warnings: string[] = [];
  const created: string[] = [];
  for (const relative of layout.directories) {
    if (readOnly.includes(relative)) continue;
    const dir = join(spec.workdir, relative);
    try {
      const first = await mkdir(dir, { recursive: true, mode: MODE });
      if (first === undefined) continue;
      // mkdir's mode is filtered by the umask; the group must be able to write.
      for (let d = dir; d.length >= first.length; d = dirname(d)) await chmod(d, MODE);
      created.push(relative);
    } catch (error) {
      warnings.push(`cannot create ${dir}: ${(error as Error).message}`);
    }
  }

  // Without a group, the user's primary group (as chown user: does).
  const owner = spec.group === undefined ? spec.user : `${spec.user}:${spec.group}`;
  let credentials: { uid?: number; gid?: number };
  try {
    credentials = resolveCredentials(spec.user, spec.group, env.etc);
  } catch (error) {
    warnings.push(`${(error as Error).message}: ownership left as it is`);
    return { ...base, created, readOnly, warnings };
  }
  const { uid = -1, gid = -1 } = credentials;
  if (env.uid !== 0 && uid !== env.uid) {
    warnings.push(`not running as root: cannot give the directories to ${owner}`);
    return { ...base, created, readOnly, warnings };
  }
  let owned = 0;
  for (const relative of layout.owned) {
    const tree = join(spec.workdir, relative);
    if ((await writeError(tree)) === 'EROFS') continue;
    owned += chownTree(tree, uid, gid, warnings);
  }
  return { ...base, created, readOnly, owned, owner, warnings };
}

/** One line for the log: `laravel (detected) in /var/www/html: created 3 directories, ...`. */
export function describeSetup(report: SetupReport, workdir: string, ms: number): string {
  const what = report.framework
    ? `${report.framework}${report.detected ? ' (detected)' : ''} in ${workdir}`
    : workdir;
  const took = `(${ms.toFixed(1)} ms)`;
  if (report.skipped !== undefined) return `setup: ${what}: ${report.skipped}, skipped ${took}`;
  const done = [
    report.created.length === 0
      ? 'directories already there'
      : `created ${report.created.join(', ')}`,
    ...(report.owner === undefined ? [] : [`${report.owned} entries owned by ${report.owner}`]),
    ...(report.readOnly?.length
      ? [`read-only, left as they are: ${report.readOnly.join(', ')}`]
      : []),
  ];
  return `setup: ${what}: ${done.join('; ')} ${took}`;
}

/**
 * Synchronous on purpose: it runs before the first process, with nothing else to do, and a
 * storage/ of thousands of cached views takes a few milliseconds this way against tens with
 * one awaited promise per entry.
 */
function chownTree(path: string, uid: number, gid: number, warnings: string[]): number {
  let count = 0;
  try {
    lchownSync(path, uid, gid);
    count++;
    if (!lstatSync(path).isDirectory()) return count;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        count += chownTree(child, uid, gid, warnings);
      } else {
        lchownSync(child, uid, gid);
        count++;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      warnings.push(`cannot set the owner of ${path}: ${(error as Error).message}`);
    }
  }
  return count;
}

/** `path`, or its closest ancestor that exists: where a mkdir of `path` would write. */
async function nearestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    if (p === dirname(p) || (await exists(p))) return p;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function writeError(path: string): Promise<string | undefined> {
  try {
    await access(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}
