/**
 * The scrape endpoint: one route on a plain node:http server. Read-only and unauthenticated,
 * as node_exporter's: it shows names, counts and exit codes, never commands or environments.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.ts';

export interface MetricsListenerOptions {
  /** `host:port` or `[v6]:port`, e.g. `0.0.0.0:9090`; port 0 picks a free one. */
  readonly listen: string;
  /** Where the metrics are served, e.g. `/metrics`; every other path is 404. */
  readonly path: string;
}

export interface MetricsListener {
  /** The address actually bound, as `host:port` (`[v6]:port`). */
  readonly address: string;
  /** Stops accepting and closes open (keep-alive) connections. */
  close(): Promise<void>;
}

/** `host:port` or `[v6]:port` split; the schema has checked the shape (src/desired/schema.ts). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:]+)):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[3]);
  if (match === null || port > 65_535) {
    throw new Error(
      `expected an address such as "0.0.0.0:9090" or "[::1]:9090", found "${listen}"`,
    );
  }
  return { host: match[1] ?? match[2]!, port };
}

export function startMetricsListener(
  metrics: Pick<Metrics, 'render' | 'contentType'>,
  options: MetricsListenerOptions,
): Promise<MetricsListener> {
  const { host, port } = parseListen(options.listen);
  const server = createServer((req, res) => {
    serve(metrics, options.path, req, res);
  });
  // A scraper that stalls must not hold a socket for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const bound = server.address() as AddressInfo;
      const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve({
        address: `${shown}:${bound.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function serve(
  metrics: Pick<Metrics, 'render' | 'contentType'>,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  if ((query === -1 ? url : url.slice(0, query)) !== path) {
    reply(res, 404, 'not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    reply(res, 405, 'method not allowed\n');
    return;
  }
  metrics.render().then(
    (text) => {
      res.writeHead(200, {
        'Content-Type': metrics.contentType,
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
    (error: unknown) => {
      reply(res, 500, `cannot render metrics: ${error instanceof Error ? error.message : error}\n`);
    },
  );
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
