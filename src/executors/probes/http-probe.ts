import {
  type Agent,
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ProbeTarget } from '../../desired/types.ts';
import { type Cancel, type Finish, firstLine, StreamHead } from './attempt.ts';

type HttpTarget = Extract<ProbeTarget, { type: 'http' }>;

/**
 * How much of a response body is read. A probe needs the status; the body is drained so the
 * server is not left blocked writing, up to this much, then the connection is dropped.
 */
const BODY_LIMIT_BYTES = 64 * 1024;
/** The part of a body kept for the message of a failed attempt. */
const BODY_HEAD_BYTES = 256;

const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'phpeek-pm-probe',
  accept: '*/*',
};

/** Request options prepared once per target object (a worker keeps its target for its life). */
interface Prepared {
  readonly send: typeof httpRequest;
  readonly options: RequestOptions;
  readonly expected: readonly number[];
}

const prepared = new WeakMap<HttpTarget, Prepared | { readonly error: string }>();

/** Where HTTP probes get their connections. */
export interface HttpAgents {
  readonly http: Agent;
  readonly https: Agent;
}

/**
 * A new connection for every attempt (`Connection: close`), as Kubernetes does. One shared
 * agent rather than `agent: false`, which builds a new Agent for every request (measurably
 * more CPU at 200 probes a second); without keep-alive it never holds a socket between requests.
 */
export const freshConnections: HttpAgents = {
  http: new HttpAgent({ keepAlive: false }),
  https: new HttpsAgent({ keepAlive: false }),
};

/**
 * Starts an HTTP(S) probe. Success: the status is in `expectedStatus`, or 2xx/3xx when that is
 * empty. Redirects are not followed (a 3xx is an answer). Certificates are not verified: a
 * probe asks "does it answer", not "is it trusted", as Kubernetes' httpGet.
 */
export function startHttpProbe(
  target: HttpTarget,
  finish: Finish,
  agents: HttpAgents = freshConnections,
): Cancel {
  const prep = prepare(target, agents);
  if ('error' in prep) {
    finish(false, prep.error);
    return () => {};
  }
  const req: ClientRequest = prep.send(prep.options);
  // Stays attached: a request destroyed on timeout still emits 'error' ("socket hang up").
  req.on('error', (error) => finish(false, error.message));
  req.once('response', (res) => {
    const status = res.statusCode ?? 0;
    const ok =
      prep.expected.length > 0 ? prep.expected.includes(status) : status >= 200 && status < 400;
    const body = ok ? undefined : new StreamHead(BODY_HEAD_BYTES);
    let read = 0;
    let answered = false;
    const done = () => {
      if (answered) return;
      answered = true;
      finish(ok, describeStatus(status, prep.expected, body));
    };
    res.on('data', (chunk: Buffer) => {
      body?.add(chunk);
      read += chunk.length;
      if (read > BODY_LIMIT_BYTES) {
        done();
        res.destroy();
      }
    });
    res.once('end', done);
    // The status is the answer; a body cut off midway ('close' without 'end') does not change it.
    res.once('close', done);
    res.on('error', done);
  });
  req.end();
  return () => {
    req.destroy();
  };
}

function describeStatus(
  status: number,
  expected: readonly number[],
  body: StreamHead | undefined,
): string {
  if (body === undefined) return `HTTP ${status}`;
  const wanted = expected.length > 0 ? ` (expected ${expected.join(', ')})` : '';
  const line = firstLine(body.text());
  return line === '' ? `HTTP ${status}${wanted}` : `HTTP ${status}${wanted}: ${line}`;
}

function prepare(target: HttpTarget, agents: HttpAgents): Prepared | { readonly error: string } {
  const cached = prepared.get(target);
  // The agent is part of the options, so a cache entry is valid for one choice of agents only.
  if (cached !== undefined && ('error' in cached || agentOf(cached, agents))) return cached;
  const fresh = build(target, agents);
  prepared.set(target, fresh);
  return fresh;
}

function agentOf(entry: Prepared, agents: HttpAgents): boolean {
  const wanted = entry.send === httpsRequest ? agents.https : agents.http;
  return entry.options.agent === wanted;
}

function build(target: HttpTarget, agents: HttpAgents): Prepared | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return { error: `invalid URL "${target.url}"` };
  }
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') {
    return { error: `unsupported URL scheme "${url.protocol}" in ${target.url}` };
  }
  const headers: Record<string, string> = { ...DEFAULT_HEADERS };
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  return {
    send: https ? httpsRequest : httpRequest,
    expected: target.expectedStatus,
    options: {
      protocol: url.protocol,
      // URL keeps the brackets of an IPv6 literal; the socket wants the bare address.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: target.method.toUpperCase(),
      headers,
      agent: https ? agents.https : agents.http,
      ...(url.username !== '' || url.password !== ''
        ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }
        : {}),
      ...(https ? { rejectUnauthorized: false } : {}),
    },
  };
}
