import { request } from 'node:http';

/** Where the CLI finds a running manager: its Unix socket (default) or a URL. */
export interface Endpoint {
  readonly socket?: string;
  readonly url?: string;
  readonly token?: string;
}

export interface Response {
  readonly status: number;
  readonly body: unknown;
}

export class ClientError extends Error {}

/** One JSON request to the manager's API. Rejects with a one-line ClientError on failure. */
export function callApi(
  endpoint: Endpoint,
  method: string,
  path: string,
  body?: { contentType: string; text: string },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(requestOptions(endpoint, method, path, body), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: keep the text.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', (error) => reject(new ClientError(describeConnectError(endpoint, error))));
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    if (body) req.end(body.text);
    else req.end();
  });
}

/** Calls `onLine` for each line of a streaming answer (server-sent events, followed logs). */
export function streamApi(
  endpoint: Endpoint,
  path: string,
  onLine: (line: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(requestOptions(endpoint, 'GET', path), (res) => {
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error) => reject(new ClientError(describeConnectError(endpoint, error))));
    req.end();
  });
}

function requestOptions(
  endpoint: Endpoint,
  method: string,
  path: string,
  body?: { contentType: string; text: string },
) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.token) headers['authorization'] = `Bearer ${endpoint.token}`;
  if (body) {
    headers['content-type'] = body.contentType;
    headers['content-length'] = String(Buffer.byteLength(body.text));
  }
  if (endpoint.url) {
    const url = new URL(path, endpoint.url);
    return {
      method,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers,
    };
  }
  return { method, socketPath: endpoint.socket, path, headers };
}

function describeConnectError(endpoint: Endpoint, error: NodeJS.ErrnoException): string {
  const where = endpoint.url ?? endpoint.socket ?? '?';
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
    return `cannot reach phpeek-pm at ${where}: is it running? (${error.code})`;
  }
  if (error.code === 'EACCES') return `cannot reach phpeek-pm at ${where}: permission denied`;
  return `cannot reach phpeek-pm at ${where}: ${error.message}`;
}
