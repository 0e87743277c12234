/**
 * Where the API listens: a TCP address and/or a Unix socket, each an http.Server that hands its
 * requests to the app's router. Without a token, only a loopback address or the socket (mode
 * 0600: file permissions are the authentication) may be used; anything else is refused before
 * a port is opened.
 */

import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { connect, isIPv6 } from 'node:net';
import { dirname, isAbsolute } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PmError } from '../errors.ts';
import { appTokenOf, sameToken } from './auth.ts';
import { isLoopback } from './loopback.ts';

export { isLoopback };

export const DEFAULT_LISTEN = '127.0.0.1:9180';
export const DEFAULT_SOCKET = '/run/phpeek-pm/api.sock';

export interface ApiListenOptions {
  /** `host:port` or `[v6]:port`; false for no TCP listener. Default 127.0.0.1:9180. */
  readonly listen?: string | false;
  /** Path of the Unix socket; false for none. Default /run/phpeek-pm/api.sock. */
  readonly socket?: string | false;
  /** Optional: when given, must be the token the app was created with. */
  readonly token?: string;
}

export interface ApiListeners {
  /** `http://127.0.0.1:9180`, `unix:/run/phpeek-pm/api.sock`. */
  readonly addresses: readonly string[];
  /** Stops accepting, ends event streams, closes the app, removes the socket file. */
  close(): Promise<void>;
}

/** How long close() lets requests in flight finish before cutting connections. */
const CLOSE_GRACE_MS = 2000;
const MAX_CONNECTIONS = 128;

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `127.0.0.1:9180`, `[::1]:0`, `localhost:9180`, `:9180` (every interface). */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65535 || (match[1] !== undefined && !isIPv6(match[1]))) {
    throw new PmError('API_LISTEN_ADDRESS', JSON.stringify(text));
  }
  const host = match[1] ?? match[2] ?? '';
  if (host === '') return { host: '0.0.0.0', port };
  if (host === 'localhost') return { host: '127.0.0.1', port };
  return { host, port };
}

/**
 * An app built on the first request: the listeners are bound at start-up, fastify and the
 * routes are loaded only when somebody asks (a manager nobody queries never pays their
 * memory). `token` must be the one the app will be created with: it decides, before the app
 * exists, whether a listener may open.
 */
export interface LazyApp {
  readonly load: () => Promise<FastifyInstance>;
  readonly token: string | undefined;
}

export async function startApiListeners(
  appOrLazy: FastifyInstance | LazyApp,
  options: ApiListenOptions = {},
): Promise<ApiListeners> {
  const listen = options.listen === undefined ? DEFAULT_LISTEN : options.listen;
  const socketPath = options.socket === undefined ? DEFAULT_SOCKET : options.socket;
  const lazy = 'load' in appOrLazy ? appOrLazy : undefined;
  if (lazy && options.token !== lazy.token) throw new PmError('API_TOKEN_MISMATCH');
  const digest = lazy
    ? lazy.token === undefined
      ? undefined
      : true
    : appTokenOf(appOrLazy as FastifyInstance);
  if (
    !lazy &&
    options.token !== undefined &&
    (digest === undefined || digest === true || !sameToken(digest, options.token))
  ) {
    throw new PmError('API_TOKEN_MISMATCH');
  }
  const tcp = listen === false ? undefined : parseListenAddress(listen);
  if (tcp !== undefined && digest === undefined && !isLoopback(tcp.host)) {
    throw new PmError('API_LISTEN_INSECURE', JSON.stringify(listen));
  }
  if (socketPath !== false) checkSocketPath(socketPath);

  // Held in a box: a fastify instance is itself thenable, and a promise would adopt it.
  let loaded: Promise<{ app: FastifyInstance }> | undefined;
  if (!lazy) {
    const ready = appOrLazy as FastifyInstance;
    await ready.ready();
    loaded = Promise.resolve({ app: ready });
  }
  const app = (): Promise<{ app: FastifyInstance }> => {
    loaded ??= lazy!.load().then(async (built) => {
      await built.ready();
      return { app: built };
    });
    return loaded;
  };
  const servers: Server[] = [];
  const addresses: string[] = [];
  try {
    if (tcp !== undefined) {
      const server = httpServer(app);
      servers.push(server);
      await listenOn(server, { host: tcp.host, port: tcp.port }, String(listen));
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : tcp.port;
      addresses.push(`http://${isIPv6(tcp.host) ? `[${tcp.host}]` : tcp.host}:${port}`);
    }
    if (socketPath !== false) {
      await prepareSocketPath(socketPath);
      const server = httpServer(app);
      servers.push(server);
      // The socket file is created by bind(), inside listen()'s synchronous part: with this
      // umask it is never, even for an instant, connectable by other users.
      const umask = process.umask(0o177);
      try {
        await listenOn(server, { path: socketPath }, socketPath);
      } finally {
        process.umask(umask);
      }
      await chmod(socketPath, 0o600);
      addresses.push(`unix:${socketPath}`);
    }
  } catch (error) {
    await closeServers(servers);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    addresses,
    close: () => {
      closing ??= (async () => {
        const closed = stopAccepting(servers);
        // Ends the event streams (onClose hook), which would otherwise keep servers open;
        // their connections are idle after that.
        if (loaded) await (await loaded).app.close();
        for (const server of servers) server.closeIdleConnections();
        await closed;
      })();
      return closing;
    },
  };
}

function httpServer(app: () => Promise<{ app: FastifyInstance }>): Server {
  const server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      app().then(
        (ready) => ready.app.routing(req, res),
        () => {
          const body = JSON.stringify({ code: 'API_INTERNAL', message: 'the API could not start' });
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(body);
        },
      );
    },
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A malformed request never reaches the app; answer in the API's shape when possible.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'request headers too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request not received in time']
          : [400, 'malformed HTTP request'];
    const body = JSON.stringify({ code: 'API_BAD_REQUEST', message });
    socket.end(
      `HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : status === 408 ? 'Request Timeout' : 'Request Header Fields Too Large'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

function listenOn(
  server: Server,
  where: { host: string; port: number } | { path: string },
  label: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new PmError('API_LISTEN_FAILED', label, error.code ?? error.message));
    };
    server.once('error', onError);
    server.listen(where, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function closeServers(servers: readonly Server[]): Promise<void> {
  await stopAccepting(servers);
}

/**
 * Stops accepting; resolves once every connection is gone. Idle keep-alive connections are
 * closed now, busy ones after CLOSE_GRACE_MS at the latest.
 */
function stopAccepting(servers: readonly Server[]): Promise<void> {
  return Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) {
            server.closeAllConnections();
            resolve();
            return;
          }
          const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
          timer.unref();
          server.close(() => {
            clearTimeout(timer);
            resolve();
          });
          server.closeIdleConnections();
        }),
    ),
  ).then(() => undefined);
}

/** sun_path holds 108 bytes with the final NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

function checkSocketPath(path: string): void {
  if (!isAbsolute(path)) {
    throw new PmError('API_SOCKET_PATH', JSON.stringify(path), 'expected an absolute path');
  }
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new PmError(
      'API_SOCKET_PATH',
      JSON.stringify(path),
      `expected at most ${MAX_SOCKET_PATH_BYTES} bytes`,
    );
  }
}

/**
 * Creates the directory (0700) if missing and removes a stale socket: one that is a socket
 * and that nobody answers on. Anything else at the path is left alone.
 */
async function prepareSocketPath(path: string): Promise<void> {
  const label = JSON.stringify(path);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new PmError('API_SOCKET_PATH', label, errnoText(error));
  }
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new PmError('API_SOCKET_PATH', label, errnoText(error));
  }
  if (!isSocket) throw new PmError('API_SOCKET_PATH', label, 'it exists and is not a socket');
  if (await socketAnswers(path)) {
    throw new PmError('API_SOCKET_PATH', label, 'another process is listening on it');
  }
  await unlink(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PmError('API_SOCKET_PATH', label, errnoText(error));
    }
  });
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    // A listener that accepts but is too busy to answer still owns the path.
    const timer = setTimeout(() => done(true), 500);
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'),
    );
  });
}

function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}
