// The target of phpeek-pm's TCP readiness probes in the idle scenario: accepts connections on
// 127.0.0.1 and closes them. A separate process, so that its CPU counts for nobody, and so that
// it keeps accepting while the benchmark blocks in its synchronous polls. Prints its port.
import { createServer } from 'node:net';

const server = createServer((socket) => {
  socket.on('error', () => {});
  socket.destroy();
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.stdout.write(`${server.address().port}\n`);
});
