import type { FastifyBaseLogger } from 'fastify';
import type { ControlPlane } from '../api/control-plane.ts';
import type { GlobalSpec } from '../desired/types.ts';
import type { Metrics } from '../metrics/metrics.ts';

/** Listener settings from the environment; they win over the file's `global.api`/`metrics`. */
export interface ListenerOverrides {
  readonly apiListen?: string | false;
  readonly apiSocket?: string | false;
  readonly apiToken?: string;
  readonly metricsListen?: string | false;
}

/** What the reconcile loop feeds the metrics with. */
export type MetricsFeed = Pick<Metrics, 'onAction' | 'onEvent' | 'observeReconcile' | 'onReload'>;

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/**
 * Starts the management API and the metrics listener. Loaded after the first reconcile, so the
 * first processes never wait for fastify. A listener that cannot start (port in use, a
 * non-loopback address without a token) is reported and skipped: the processes keep running.
 */
export async function startServers(
  control: ControlPlane,
  global: GlobalSpec,
  overrides: ListenerOverrides,
  options: { log: Log; logger: FastifyBaseLogger },
): Promise<{ metrics?: MetricsFeed; close(): Promise<void> }> {
  const closers: (() => Promise<void>)[] = [];
  let metrics: MetricsFeed | undefined;

  const metricsListen = overrides.metricsListen ?? global.metrics.listen;
  if (metricsListen !== false) {
    try {
      const { createMetrics, startMetricsListener } = await import('../metrics/metrics.ts');
      const created = createMetrics({ control });
      metrics = created;
      const listener = await startMetricsListener(created, {
        listen: metricsListen,
        path: global.metrics.path,
      });
      closers.push(() => listener.close());
      options.log('info', `metrics on http://${listener.address}${global.metrics.path}`);
    } catch (error) {
      options.log('error', `metrics listener not started: ${(error as Error).message}`);
    }
  }

  const listen = overrides.apiListen ?? global.api.listen;
  const socket = overrides.apiSocket ?? global.api.socket;
  if (listen !== false || socket !== false) {
    try {
      const token = overrides.apiToken ?? global.api.token;
      // The listeners open now; fastify and the routes load on the first request.
      const { startApiListeners } = await import('../api/listeners.ts');
      const load = async () => {
        const { createApiServer } = await import('../api/server.ts');
        return createApiServer({ control, logger: options.logger, ...(token ? { token } : {}) });
      };
      const lazy = { load, token };
      const tokenOption = token ? { token } : {};
      let listeners: Awaited<ReturnType<typeof startApiListeners>>;
      try {
        listeners = await startApiListeners(lazy, { listen, socket, ...tokenOption });
      } catch (error) {
        // The socket's directory may not be writable (not root): keep the TCP listener.
        if (listen === false || socket === false) throw error;
        options.log('warn', `API socket not opened: ${(error as Error).message}`);
        listeners = await startApiListeners(lazy, { listen, socket: false, ...tokenOption });
      }
      closers.push(() => listeners.close());
      options.log(
        'info',
        `API on ${listeners.addresses.join(', ')}${token ? ' (token required)' : ''}`,
      );
    } catch (error) {
      options.log('error', `API not started: ${(error as Error).message}`);
    }
  }

  return {
    ...(metrics ? { metrics } : {}),
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
