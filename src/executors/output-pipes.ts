/**
 * stdout and stderr for a child as real pipes. Node gives children socketpairs, and a socket
 * cannot be opened by path: `error_log = /proc/self/fd/2` (the official php-fpm image),
 * nginx's `access_log /dev/stdout` and `echo > /dev/stderr` all fail on one with ENXIO. A pipe
 * from the native addon's pipe2() works with all of them; without the addon, the socketpairs
 * are used and the first use says so.
 */
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { loadNativeAddon } from './native-addon.ts';

export interface OutputPipes {
  /** For spawn(): stdin closed, stdout and stderr the pipes' write ends. */
  readonly stdio: StdioOptions;
  /**
   * Call once spawn() has returned (or thrown, with no child): closes our copies of the write
   * ends, so the read ends see EOF when the child and its descendants are done, and returns
   * the read ends. Without a running child, everything is closed.
   */
  opened(child: ChildProcess | undefined): { stdout?: Readable; stderr?: Readable };
}

let warned = false;

export function openOutputPipes(warn: (msg: string) => void): OutputPipes {
  const loaded = loadNativeAddon();
  if ('error' in loaded) {
    if (!warned) {
      warned = true;
      warn(
        `children's output goes through socketpairs (${loaded.error}): /dev/stdout cannot be opened by them`,
      );
    }
    return nodePipes();
  }
  let out: [number, number];
  let err: [number, number];
  try {
    out = loaded.addon.pipe();
  } catch (error) {
    warn(`pipe2 failed, using a socketpair: ${(error as Error).message}`);
    return nodePipes();
  }
  try {
    err = loaded.addon.pipe();
  } catch (error) {
    closeSync(out[0]);
    closeSync(out[1]);
    warn(`pipe2 failed, using a socketpair: ${(error as Error).message}`);
    return nodePipes();
  }
  const [outRead, outWrite] = out;
  const [errRead, errWrite] = err;
  return {
    stdio: ['ignore', outWrite, errWrite],
    opened(child) {
      closeSync(outWrite);
      closeSync(errWrite);
      if (child?.pid === undefined) {
        closeSync(outRead);
        closeSync(errRead);
        return {};
      }
      return { stdout: readEnd(outRead), stderr: readEnd(errRead) };
    },
  };
}

function nodePipes(): OutputPipes {
  return {
    stdio: ['ignore', 'pipe', 'pipe'],
    opened: (child) => ({
      ...(child?.stdout ? { stdout: child.stdout } : {}),
      ...(child?.stderr ? { stderr: child.stderr } : {}),
    }),
  };
}

/** libuv opens a pipe fd as a non-blocking stream on the event loop, as it does for stdin. */
function readEnd(fd: number): Readable {
  const socket = new Socket({ fd, readable: true, writable: false });
  // A read error (the child's end vanished) ends the stream; it must not crash the manager.
  socket.on('error', () => socket.destroy());
  return socket;
}
