/**
 * Server-sent events over a hijacked fastify reply. Written by hand (a few lines) rather than
 * with a plugin: what matters here is bounded memory in PID 1, so a client that does not read
 * is dropped once a fixed amount is queued for it (an EventSource reconnects with
 * Last-Event-ID and resumes), and everything is released when the connection closes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  /** One event: `data` is a JSON text (no raw newlines), `id` for Last-Event-ID. */
  send(data: string, id?: number): void;
  /** A comment line, ignored by clients. */
  comment(text: string): void;
  /** Ends the response (the client may reconnect). */
  end(): void;
  readonly closed: boolean;
}

export interface EventStreamOptions {
  readonly heartbeatMs: number;
  /** Queued bytes above which a slow client is dropped. */
  readonly maxQueuedBytes: number;
  /** Called once when the stream is over, whoever ended it. */
  readonly onClose: () => void;
}

/** Open streams of an app, so that closing the app ends them. */
export type StreamRegistry = Set<EventStream>;

export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  registry: StreamRegistry,
  options: EventStreamOptions,
): EventStream {
  reply.hijack();
  const res = reply.raw;
  let closed = false;
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  heartbeat.unref();

  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    registry.delete(stream);
    options.onClose();
  };

  const write = (chunk: string): void => {
    if (closed) return;
    if (res.writableLength > options.maxQueuedBytes) {
      request.log.warn('api: dropping an event stream client that does not read');
      res.destroy();
      finish();
      return;
    }
    res.write(chunk);
  };

  const stream: EventStream = {
    send(data, id) {
      write(`${id === undefined ? '' : `id: ${id}\n`}data: ${data}\n\n`);
    },
    comment(text) {
      write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
    },
    end() {
      if (closed) return;
      res.end();
      finish();
    },
    get closed() {
      return closed;
    },
  };

  registry.add(stream);
  res.on('close', finish);
  res.on('error', finish);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise hold events back.
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  return stream;
}
