/**
 * `/api/v1/events` (server-sent events) and `/api/v1/processes/:name/logs`: a JSON answer with
 * the last lines, or with `follow=1` server-sent events (the last lines, then new ones), so that
 * both streams work the same way, with heartbeats, through proxies and with `curl -N`.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import type { LogLine, ManagerEvent } from './control-plane.ts';
import type { RouteContext } from './route-context.ts';
import { errorResponses, LogsQuery, LogsView, NameParams, NoQuery } from './schemas.ts';
import { openEventStream } from './sse.ts';
import { eventView, logLineView } from './views.ts';

/** What may be queued for one slow client before it is dropped. */
const MAX_QUEUED_BYTES = 1024 * 1024;
const DEFAULT_TAIL = 100;

export function streamRoutes(ctx: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { control } = ctx;

    app.get(
      '/api/v1/events',
      {
        schema: {
          summary: 'What happens, as server-sent events (replay of recent events, then live)',
          description:
            'Each event is `id: <seq>` and `data: <JSON>`; send Last-Event-ID to resume after an event. A comment line comes every 15 s.',
          produces: ['text/event-stream'],
          querystring: NoQuery,
          response: {
            200: { description: 'text/event-stream', type: 'string' },
            ...errorResponses(400, 401),
          },
        },
      },
      async (request, reply) => {
        const after = lastEventId(request.headers['last-event-id']);
        let unsubscribe = (): void => {};
        const stream = openEventStream(request, reply, ctx.streams, {
          heartbeatMs: ctx.heartbeatMs,
          maxQueuedBytes: MAX_QUEUED_BYTES,
          onClose: () => unsubscribe(),
        });
        let lastSent = after ?? -1;
        const send = (event: ManagerEvent): void => {
          if (event.seq <= lastSent) return;
          lastSent = event.seq;
          stream.send(eventJson(event), event.seq);
        };
        const recent = control.events.recent();
        if (after !== undefined && recent.length > 0 && recent[0]!.seq > after + 1) {
          stream.comment(`events ${after + 1} to ${recent[0]!.seq - 1} are no longer kept`);
        }
        for (const event of recent) send(event);
        if (!stream.closed) unsubscribe = control.events.subscribe(send);
        return reply;
      },
    );

    app.get<{ Params: { name: string }; Querystring: LogsQuery }>(
      '/api/v1/processes/:name/logs',
      {
        schema: {
          summary: 'The last lines of output of every instance; follow=1 streams new ones',
          description:
            'Without follow: JSON. With follow=1: server-sent events, one `data: <JSON line>` per line, the last `tail` lines first.',
          produces: ['application/json', 'text/event-stream'],
          params: NameParams,
          querystring: LogsQuery,
          response: { 200: LogsView, ...errorResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const known =
          Object.hasOwn(control.desired().processes, name) ||
          Object.values(control.observed().instances).some((i) => i.process === name);
        if (!known) {
          throw new ApiError('API_PROCESS_NOT_FOUND', [JSON.stringify(name)], { path: 'name' });
        }
        const tail = request.query.tail ?? DEFAULT_TAIL;
        const lines = tail === 0 ? [] : control.logs.tail(name, tail).slice(-tail);
        if (request.query.follow !== true) {
          return { process: name, lines: lines.map(logLineView) };
        }
        let unsubscribe = (): void => {};
        const stream = openEventStream(request, reply, ctx.streams, {
          heartbeatMs: ctx.heartbeatMs,
          maxQueuedBytes: MAX_QUEUED_BYTES,
          onClose: () => unsubscribe(),
        });
        const send = (line: LogLine): void => stream.send(JSON.stringify(logLineView(line)));
        for (const line of lines) send(line);
        if (!stream.closed) unsubscribe = control.logs.subscribe(name, send);
        return reply;
      },
    );
  };
}

/** The Last-Event-ID header: a sequence number, or absent. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) {
    throw new ApiError(
      'API_BAD_REQUEST',
      ['Last-Event-ID: expected the id of an event (a whole number)'],
      { path: 'Last-Event-ID' },
    );
  }
  return Number(text.trim());
}

/** An event as one line of JSON; data that cannot be serialized is left out, not fatal. */
function eventJson(event: ManagerEvent): string {
  const view = eventView(event);
  try {
    return JSON.stringify(view);
  } catch {
    const { data: _data, ...rest } = view;
    return JSON.stringify(rest);
  }
}
