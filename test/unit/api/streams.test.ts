import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { proc } from '../../helpers/states.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { apiOf, assertError, body, standardControl } from './api-helpers.ts';
import { type FakeControl, fakeControl } from './fake-control.ts';

/** Opens a stream with inject; `text()` is what arrived so far. */
async function openStream(app: FastifyInstance, options: InjectOptions) {
  const res = await app.inject({ ...options, payloadAsStream: true });
  const stream = res.stream() as Readable;
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  return { res, text: () => text };
}

/** The `data:` payloads of the events received so far, parsed. */
function dataOf(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

function withEvents(n: number, control: FakeControl = standardControl()): FakeControl {
  for (let i = 1; i <= n; i++) {
    control.emit({
      at: i * 1000,
      type: 'spawned',
      process: 'web',
      instance: 'web-0',
      message: `event ${i}`,
    });
  }
  return control;
}

describe('GET /api/v1/events', () => {
  it('replays recent events, then sends live ones with ids, then heartbeats', async () => {
    const control = withEvents(2);
    const app = apiOf(control, { heartbeatMs: 20 });
    const { res, text } = await openStream(app, { url: '/api/v1/events' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache, no-transform');
    await waitFor('replay', () => dataOf(text()).length === 2);
    control.emit({
      at: 3000,
      type: 'exited',
      process: 'web',
      message: 'live one',
      data: { code: 1 },
    });
    await waitFor('live event', () => dataOf(text()).length === 3);
    await waitFor('heartbeat', () => text().includes(': heartbeat\n\n'));
    assert.deepEqual(dataOf(text())[2], {
      seq: 3,
      at: '1970-01-01T00:00:03.000Z',
      type: 'exited',
      process: 'web',
      message: 'live one',
      data: { code: 1 },
    });
    assert.match(text(), /^retry: 2000\n\nid: 1\ndata: /);
    assert.equal(control.subscribers(), 1);
    await app.close();
    assert.equal(control.subscribers(), 0, 'closing the app ends streams and subscriptions');
  });

  it('resumes after Last-Event-ID', async () => {
    const control = withEvents(5);
    const app = apiOf(control);
    const { text } = await openStream(app, {
      url: '/api/v1/events',
      headers: { 'last-event-id': '3' },
    });
    await waitFor('replay', () => dataOf(text()).length === 2);
    assert.deepEqual(
      dataOf(text()).map((e) => e['seq']),
      [4, 5],
    );
    await app.close();
  });

  it('says so when events after Last-Event-ID are no longer kept', async () => {
    const control = withEvents(5, fakeControl([proc('web')], { recentLimit: 2 }));
    const app = apiOf(control);
    const { text } = await openStream(app, {
      url: '/api/v1/events',
      headers: { 'last-event-id': '1' },
    });
    await waitFor('replay', () => dataOf(text()).length === 2);
    assert.match(text(), /: events 2 to 3 are no longer kept\n\nid: 4\n/);
    await app.close();
  });

  it('a Last-Event-ID that is not a number is 400 before any stream opens', async () => {
    const control = withEvents(1);
    const app = apiOf(control);
    for (const id of ['abc', '-1', '1.5', '9'.repeat(20)]) {
      const res = await app.inject({ url: '/api/v1/events', headers: { 'last-event-id': id } });
      assertError(res, 400, 'API_BAD_REQUEST', 'Last-Event-ID');
    }
    assert.equal(control.subscribers(), 0);
  });

  it('event data that cannot be serialized is left out, the stream goes on', async () => {
    const control = withEvents(0);
    const app = apiOf(control);
    const { text } = await openStream(app, { url: '/api/v1/events' });
    control.emit({ at: 1, type: 'odd', message: 'bigint', data: { n: 1n } });
    control.emit({ at: 2, type: 'ok', message: 'next' });
    await waitFor('two events', () => dataOf(text()).length === 2);
    assert.deepEqual(dataOf(text())[0], {
      seq: 1,
      at: '1970-01-01T00:00:00.001Z',
      type: 'odd',
      message: 'bigint',
    });
    await app.close();
  });
});

describe('GET /api/v1/processes/:name/logs', () => {
  const line = (n: number, instance = 'web-0') => ({
    at: n,
    process: 'web',
    instance,
    stream: 'stdout' as const,
    message: `line ${n}`,
  });

  it('answers the last lines as JSON', async () => {
    const control = standardControl();
    for (let i = 1; i <= 5; i++) control.emitLog(line(i));
    const app = apiOf(control);
    const res = await app.inject({ url: '/api/v1/processes/web/logs?tail=2' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), {
      process: 'web',
      lines: [
        { at: '1970-01-01T00:00:00.004Z', instance: 'web-0', stream: 'stdout', message: 'line 4' },
        { at: '1970-01-01T00:00:00.005Z', instance: 'web-0', stream: 'stdout', message: 'line 5' },
      ],
    });
    assert.equal(
      (body(await app.inject({ url: '/api/v1/processes/web/logs?tail=0' }))['lines'] as unknown[])
        .length,
      0,
    );
    assert.equal(
      (body(await app.inject({ url: '/api/v1/processes/web/logs' }))['lines'] as unknown[]).length,
      5,
    );
  });

  it('with follow=1 streams the tail then new lines as events', async () => {
    const control = standardControl();
    control.emitLog(line(1));
    const app = apiOf(control);
    const { res, text } = await openStream(app, {
      url: '/api/v1/processes/web/logs?follow=1&tail=10',
    });
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    control.emitLog(line(2, 'web-1'));
    control.emitLog({ ...line(3), process: 'db', instance: 'db-0' });
    await waitFor('two lines', () => dataOf(text()).length === 2);
    assert.deepEqual(
      dataOf(text()).map((l) => l['message']),
      ['line 1', 'line 2'],
    );
    await app.close();
    assert.equal(control.subscribers(), 0);
  });

  it('refuses bad parameters and unknown processes', async () => {
    const app = apiOf(standardControl());
    for (const query of [
      'tail=-1',
      'tail=x',
      'tail=100001',
      'follow=maybe',
      'grep=x',
      'tail=1&tail=2',
    ]) {
      const res = await app.inject({ url: `/api/v1/processes/web/logs?${query}` });
      assert.equal(res.statusCode, 400, query);
      assert.equal(body(res)['code'], 'API_BAD_REQUEST');
    }
    assertError(
      await app.inject({ url: '/api/v1/processes/nope/logs' }),
      404,
      'API_PROCESS_NOT_FOUND',
      'name',
    );
  });
});
