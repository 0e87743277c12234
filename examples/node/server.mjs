// An HTTP server; each replica listens on its own port, PORT (set per replica by the command
// in phpeek-pm.yaml).
import { createServer } from 'node:http';
import { push, stats } from './queue.mjs';

const id = process.env.PHPEEK_PM_INSTANCE_ID ?? 'web';
const port = Number(process.env.PORT ?? 3000);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (url.pathname === '/healthz') return send(200, { ok: true });
  if (url.pathname === '/jobs' && req.method === 'POST') {
    const count = Math.min(1000, Math.max(1, Number(url.searchParams.get('count') ?? 1)));
    const ms = Math.min(10_000, Math.max(0, Number(url.searchParams.get('ms') ?? 200)));
    const names = Array.from({ length: count }, () => push({ ms, from: id }));
    return send(202, { queued: names.length });
  }
  if (url.pathname === '/stats') return send(200, stats());
  if (url.pathname === '/')
    return send(200, { hello: 'from node', instance: id, pid: process.pid });
  send(404, { error: 'not found' });
});

server.listen(port, process.env.HOST ?? '127.0.0.1', () =>
  console.log(`${id}: listening on ${port}`),
);

// Graceful: stop accepting, let requests in progress finish, then exit 0.
process.once('SIGTERM', () => {
  console.log(`${id}: SIGTERM, closing`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
