import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, parseListenAddress, startApiListeners } from '../../../src/api/listeners.ts';
import { PmError } from '../../../src/errors.ts';
import { apiOf, standardControl, TOKEN } from './api-helpers.ts';

describe('listen addresses', () => {
  it('reads host:port, [v6]:port, localhost and :port', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9180'), { host: '127.0.0.1', port: 9180 });
    assert.deepEqual(parseListenAddress('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListenAddress('localhost:80'), { host: '127.0.0.1', port: 80 });
    assert.deepEqual(parseListenAddress(':9180'), { host: '0.0.0.0', port: 9180 });
    assert.deepEqual(parseListenAddress('api.internal:9180'), { host: 'api.internal', port: 9180 });
  });

  it('refuses anything else with API_LISTEN_ADDRESS', () => {
    for (const text of [
      '9180',
      '127.0.0.1',
      '127.0.0.1:65536',
      '::1:9180',
      '[::g]:1',
      'a b:1',
      'h:p',
    ]) {
      assert.throws(
        () => parseListenAddress(text),
        (e: unknown) => e instanceof PmError && e.code === 'API_LISTEN_ADDRESS',
        text,
      );
    }
  });

  it('loopback means a literal loopback address', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      assert.equal(isLoopback(host), true, host);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.1',
      'localhost.evil.com',
      'api.internal',
    ]) {
      assert.equal(isLoopback(host), false, host);
    }
  });

  it('refuses a non-loopback address without a token before opening anything', async () => {
    for (const listen of ['0.0.0.0:0', ':0', '[::]:0', '10.1.2.3:0', 'example.com:0']) {
      await assert.rejects(
        startApiListeners(apiOf(standardControl()), { listen, socket: false }),
        (e: unknown) => e instanceof PmError && e.code === 'API_LISTEN_INSECURE',
        listen,
      );
    }
  });

  it('refuses a token that is not the one the app was created with', async () => {
    await assert.rejects(
      startApiListeners(apiOf(standardControl()), {
        listen: '0.0.0.0:0',
        socket: false,
        token: TOKEN,
      }),
      (e: unknown) => e instanceof PmError && e.code === 'API_TOKEN_MISMATCH',
    );
    await assert.rejects(
      startApiListeners(apiOf(standardControl(), { token: TOKEN }), {
        listen: false,
        socket: false,
        token: `${TOKEN}-other`,
      }),
      (e: unknown) => e instanceof PmError && e.code === 'API_TOKEN_MISMATCH',
    );
  });

  it('refuses a relative or overlong socket path', async () => {
    for (const socket of ['api.sock', `/tmp/${'x'.repeat(120)}.sock`]) {
      await assert.rejects(
        startApiListeners(apiOf(standardControl()), { listen: false, socket }),
        (e: unknown) => e instanceof PmError && e.code === 'API_SOCKET_PATH',
      );
    }
  });
});
