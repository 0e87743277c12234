import { connect } from 'node:net';
import type { Cancel, Finish } from './attempt.ts';

/**
 * Starts a TCP probe: success once the connection is established, which is then reset rather
 * than closed. A normal close would leave a socket in TIME_WAIT for 60 s on our side for every
 * attempt (12,000 of them at 200 probes a second, against ~28,000 ephemeral ports); Kubernetes
 * changed its probes for the same reason (kubernetes/kubernetes#115143).
 */
export function startTcpProbe(host: string, portText: string, finish: Finish): Cancel {
  const port = parsePort(portText);
  if (port === undefined) {
    finish(false, `invalid port "${portText}": expected an integer from 1 to 65535`);
    return () => {};
  }
  const socket = connect({ host, port });
  socket.once('connect', () => {
    finish(true, `connected to ${host}:${port}`);
    socket.resetAndDestroy();
  });
  // Stays attached: a reset socket may still report an error, which must not be uncaught.
  socket.on('error', (error) => finish(false, error.message));
  return () => {
    socket.destroy();
  };
}

export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}
