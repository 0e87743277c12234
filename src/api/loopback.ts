/**
 * Loopback addresses, for deciding what may be served without a token. Only literal addresses
 * count (and the name `localhost`, which the API maps to 127.0.0.1 itself): any other name
 * could resolve to anything.
 */
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export function isLoopback(host: string): boolean {
  const family = isIP(host);
  if (family === 0) return false;
  return loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** A Host header (`127.0.0.1:9180`, `[::1]:9180`, `localhost`) that names this machine. */
export function isLoopbackHostHeader(host: string): boolean {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::\d{1,5})?$/.exec(host.trim());
  if (match === null) return false;
  const name = (match[1] ?? match[2] ?? '').toLowerCase();
  return name === 'localhost' || isLoopback(name);
}
