import { readFileSync } from 'node:fs';
import { changesText, type PlanView, type ProcessRow, planText, statusTable } from './format.ts';
import { ClientError, callApi, type Endpoint, type Response, streamApi } from './http-client.ts';
import type { ClientCommand } from './names.ts';

export interface ClientOptions {
  readonly endpoint: Endpoint;
  readonly output: 'text' | 'json';
  readonly follow: boolean;
  readonly tail: number;
  readonly config?: string;
}

type Out = (text: string) => void;

/**
 * Runs one CLI command against a running manager's API. Returns the exit code; an error is one
 * clear line on stderr.
 */
export async function runClientCommand(
  command: ClientCommand,
  args: readonly string[],
  options: ClientOptions,
  out: Out,
  err: Out,
): Promise<number> {
  try {
    return await dispatch(command, args, options, out);
  } catch (error) {
    if (error instanceof ClientError || error instanceof UsageError) {
      err(`phpeek-pm: ${error.message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
}

class UsageError extends Error {}

async function dispatch(
  command: ClientCommand,
  args: readonly string[],
  o: ClientOptions,
  out: Out,
): Promise<number> {
  const e = o.endpoint;
  const print = (res: Response, text: (body: never) => string) => {
    out(
      o.output === 'json'
        ? `${JSON.stringify(res.body, null, 2)}\n`
        : `${text(res.body as never)}\n`,
    );
    return 0;
  };
  switch (command) {
    case 'status': {
      const res = ok(await callApi(e, 'GET', '/api/v1/processes'));
      return print(res, (b: { processes: ProcessRow[] }) => statusTable(b.processes));
    }
    case 'scale': {
      const [name, count] = need(args, 2, 'scale NAME REPLICAS');
      if (!/^\d+$/.test(count))
        throw new UsageError(`replicas must be a whole number, found ${JSON.stringify(count)}`);
      const res = ok(
        await callApi(e, 'PATCH', processPath(name), json({ replicas: Number(count) })),
      );
      return print(
        res,
        (b: { name: string; replicas: number }) => `${b.name}: replicas ${b.replicas}`,
      );
    }
    case 'restart':
    case 'stop':
    case 'start': {
      const [name] = need(args, 1, `${command} NAME`);
      const res = ok(await callApi(e, 'POST', `${processPath(name)}/${command}`));
      const verb = { restart: 'rolling restart requested', stop: 'stopping', start: 'starting' }[
        command
      ];
      return print(res, () => `${name}: ${verb}`);
    }
    case 'signal': {
      const [name, signal] = need(args, 2, 'signal NAME SIGNAL');
      const res = ok(await callApi(e, 'POST', `${processPath(name)}/signal`, json({ signal })));
      return print(
        res,
        (b: { signalled: string[] }) =>
          `${signal} sent to ${b.signalled.join(', ') || 'no running instance'}`,
      );
    }
    case 'logs': {
      const [name] = need(args, 1, 'logs NAME [-f] [--tail N]');
      if (o.follow)
        return follow(
          e,
          `${processPath(name)}/logs?tail=${o.tail}&follow=1`,
          out,
          (d: { instance: string; message: string }) => `${d.instance} | ${d.message}`,
        );
      const res = ok(await callApi(e, 'GET', `${processPath(name)}/logs?tail=${o.tail}`));
      return print(res, (b: { lines: { instance: string; message: string }[] }) =>
        b.lines.map((l) => `${l.instance} | ${l.message}`).join('\n'),
      );
    }
    case 'events':
      return follow(
        e,
        '/api/v1/events',
        out,
        (d: { at: number; message: string }) => `${new Date(d.at).toISOString()} ${d.message}`,
      );
    case 'plan': {
      if (o.config === undefined) {
        const res = ok(await callApi(e, 'GET', '/api/v1/plan'));
        return print(res, (b: PlanView) => planText(b));
      }
      const text = readConfig(o.config);
      const res = ok(
        await callApi(e, 'POST', '/api/v1/config/plan', { contentType: 'application/yaml', text }),
      );
      return print(
        res,
        (b: { changes: []; plan: PlanView }) => `${changesText(b.changes)}\n\n${planText(b.plan)}`,
      );
    }
    case 'reload': {
      const res = ok(await callApi(e, 'POST', '/api/v1/config/reload'));
      return print(res, (b: { changes: [] }) => changesText(b.changes));
    }
  }
}

/** Prints each server-sent event's data until the stream ends (or Ctrl-C). */
async function follow<T>(
  e: Endpoint,
  path: string,
  out: Out,
  render: (data: T) => string,
): Promise<number> {
  const status = await streamApi(e, path, (line) => {
    if (!line.startsWith('data: ')) return;
    try {
      out(`${render(JSON.parse(line.slice(6)) as T)}\n`);
    } catch {
      out(`${line.slice(6)}\n`);
    }
  });
  if (status >= 400) throw new ClientError(`the API answered ${status}`);
  return 0;
}

function ok(res: Response): Response {
  if (res.status < 400) return res;
  const body = res.body as { code?: string; message?: string } | undefined;
  const message = body?.message ?? `HTTP ${res.status}`;
  throw new ClientError(body?.code ? `${message} (${body.code})` : message);
}

function need(args: readonly string[], n: 1, usage: string): [string];
function need(args: readonly string[], n: 2, usage: string): [string, string];
function need(args: readonly string[], n: number, usage: string): string[] {
  if (args.length !== n) throw new UsageError(`usage: phpeek-pm ${usage}`);
  return [...args];
}

function processPath(name: string): string {
  return `/api/v1/processes/${encodeURIComponent(name)}`;
}

function json(body: unknown) {
  return { contentType: 'application/json', text: JSON.stringify(body) };
}

function readConfig(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ClientError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
