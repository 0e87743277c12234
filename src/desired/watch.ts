import { watch } from 'chokidar';

/** How long to wait for a burst of writes (editor saves, ConfigMap swaps) to settle. */
const SETTLE_MS = 15;
/**
 * chokidar drops a second `change` of the same path within 50 ms of the first, so a save that
 * quickly follows another would be lost: look once more after that window.
 */
const RECHECK_MS = 120;

/**
 * Calls `onChange` after the file at `file` changes, however it was saved: in place,
 * temp file + rename, vim's backup dance, or a Kubernetes ConfigMap `..data` symlink swap.
 * chokidar watching the path itself survives all of these; `fs.watch` does not.
 * `onChange` may be called when nothing changed: the caller compares file versions.
 */
export function watchConfigFile(
  file: string,
  onChange: () => void,
  onReady?: () => void,
): { close(): Promise<void> } {
  let settle: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(settle);
    clearTimeout(recheck);
    settle = setTimeout(onChange, SETTLE_MS);
    recheck = setTimeout(onChange, RECHECK_MS);
  };
  const watcher = watch(file, { ignoreInitial: true, persistent: false, followSymlinks: true });
  watcher.on('add', fire).on('change', fire).on('unlink', fire);
  if (onReady) watcher.once('ready', onReady);
  // A watcher error (the directory vanished) must not stop the manager; SIGHUP still works.
  watcher.on('error', () => {});
  return {
    async close() {
      clearTimeout(settle);
      clearTimeout(recheck);
      await watcher.close();
    },
  };
}
