/**
 * phpeek-pm as a user runs it: the bundle (`node bin/phpeek-pm run -c FILE`), one process of
 * `sleep 1000` replicas, the API on a Unix socket only, no metrics listener.
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { launchManager } from '../manager.ts';
import type { Fleet, StartOptions, Tool } from './fleet.ts';
import { LaunchedFleet } from './fleet.ts';

export function phpeekConfig(dir: string, options: StartOptions): string {
  const lines = [
    'version: 1',
    'global:',
    '  shutdown_timeout: 10s',
    '  log_level: warn',
    `  api: { listen: false, socket: ${JSON.stringify(join(dir, 'api.sock'))} }`,
    '  metrics: { listen: false }',
    'processes:',
    '  sleeper:',
    '    command: ["sleep", "1000"]',
    `    replicas: ${options.replicas}`,
    '    restart: always',
    '    stop: { signal: SIGTERM, timeout: 5s }',
  ];
  if (options.fastRestart) {
    lines.push('    restart_backoff: { initial: 0, max: 1s, reset_after: 60s }');
  }
  if (options.probePort !== undefined) {
    lines.push(
      `    probes: { readiness: { tcp: { host: 127.0.0.1, port: ${options.probePort} }, period: 1s } }`,
    );
  }
  return lines.join('\n') + '\n';
}

/** PATCH /api/v1/processes/NAME over the Unix socket; resolves once the manager has answered. */
function patchReplicas(socketPath: string, name: string, replicas: number): Promise<void> {
  const body = JSON.stringify({ replicas });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method: 'PATCH',
        path: `/api/v1/processes/${name}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if (res.statusCode === 200) resolve();
          else reject(new Error(`PATCH replicas: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const phpeekTool: Tool = {
  id: 'phpeek-pm',
  label: 'phpeek-pm',
  start(dir: string, options: StartOptions): Fleet {
    const config = join(dir, 'phpeek-pm.yaml');
    const log = join(dir, 'manager.log');
    writeFileSync(config, phpeekConfig(dir, options));
    const run = launchManager(config, log);
    return new LaunchedFleet('phpeek-pm', run, dir, log, 1, async (replicas) => {
      await patchReplicas(join(dir, 'api.sock'), 'sleeper', replicas);
      return {};
    });
  },
};
