import { watch } from 'chokidar';

/** How long to wait for a burst of writes (editor saves, ConfigMap swaps) to settle. */
const SETTLE_MS = 15;

/**
 * Calls `onChange` after the file at `file` changes, however it was saved: in place,
 * temp file + rename, vim's backup dance, or a Kubernetes ConfigMap `..data` symlink swap.
 * chokidar watching the path itself survives all of these; `fs.watch` does not.
 */
export function watchConfigFile(file: string, onChange: () => void): { close(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  const watcher = watch(file, { ignoreInitial: true, persistent: false, followSymlinks: true });
  watcher.on('add', fire).on('change', fire).on('unlink', fire);
  // A watcher error (the directory vanished) must not stop the manager; SIGHUP still works.
  watcher.on('error', () => {});
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
