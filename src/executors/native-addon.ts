/**
 * The native addon (native/reaper.c, built by node-gyp into build/Release): the syscalls the
 * manager needs and Node does not expose. Loaded once; a manager without it still runs, with
 * no orphan reaping and socketpairs for children's output (each user says so).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  /** A zombie child's pid, left unreaped, or 0 when there is none. Throws on unexpected errors. */
  peekZombie(): number;
  /** `waitpid(pid, WNOHANG)`: the pid when reaped, 0 if not exited, or -errno. */
  reap(pid: number): number;
  /** Becomes a child subreaper (true); throws on failure. */
  setChildSubreaper(): boolean;
  /** `pipe2(O_CLOEXEC)`: [readFd, writeFd]. Throws on failure. */
  pipe(): [number, number];
}

export type LoadResult = { addon: NativeAddon } | { error: string; tried: string[] };

// Relative to this module: src/executors/ under tsx; dist/phpeek-pm.js or a chunk in
// dist/chunks/ when bundled.
const ADDON_CANDIDATES = [
  '../build/Release/phpeek_reaper.node',
  '../../build/Release/phpeek_reaper.node',
] as const;

const FUNCTIONS = ['peekZombie', 'reap', 'setChildSubreaper', 'pipe'] as const;

const cache = new Map<string, LoadResult>();

export function loadNativeAddon(addonPath?: string): LoadResult {
  const key = addonPath ?? '';
  let result = cache.get(key);
  if (result === undefined) {
    result = load(addonPath);
    cache.set(key, result);
  }
  return result;
}

function load(addonPath: string | undefined): LoadResult {
  const require = createRequire(import.meta.url);
  const tried =
    addonPath !== undefined
      ? [addonPath]
      : ADDON_CANDIDATES.map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  let lastError = 'not found';
  for (const path of tried) {
    try {
      const mod = require(path) as Partial<Record<string, unknown>>;
      const missing = FUNCTIONS.filter((name) => typeof mod[name] !== 'function');
      if (missing.length > 0) {
        lastError = `${path} does not export ${missing.join(', ')} (rebuild: npm run build)`;
        continue;
      }
      return { addon: mod as unknown as NativeAddon };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // A missing candidate is expected; any other failure (wrong ABI, ...) is worth reporting.
      if (code !== 'MODULE_NOT_FOUND') lastError = (err as Error).message;
    }
  }
  return { error: lastError, tried };
}
