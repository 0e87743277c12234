/**
 * Latency from `PATCH /api/v1/processes/sleeper {"replicas": 2}` (over the Unix socket) to the
 * second `sleep` child running, measured from /proc, on the real bundled manager.
 *
 *   node scripts/build.mjs && node --import tsx bench/api-latency.ts [--samples 40]
 *
 * Scales 1 -> 2 -> 1 repeatedly and times only the scale-ups. Nothing here asserts. The API
 * allows 60 changes a minute per client (rate limit), so a run stays at 25 samples (51 PATCHes).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cleanUp,
  configYaml,
  launchManager,
  runningSleepers,
  stopLaunched,
} from './lib/manager.ts';
import { sleep } from './lib/poll.ts';
import { summarize } from './lib/stats.ts';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '25' } } });
const samples = Number(values.samples);

function patch(socket: string, replicas: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ replicas });
    const req = request(
      {
        socketPath: socket,
        method: 'PATCH',
        path: '/api/v1/processes/sleeper',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `done` every `everyMs` (the event loop stays free for the requests). */
async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 1,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'phpeek-bench-api-'));
const socket = join(dir, 'api.sock');
const config = join(dir, 'phpeek-pm.yaml');
writeFileSync(
  config,
  configYaml({ replicas: 1 }).replace(
    'global:\n',
    `global:\n  api: { listen: false, socket: ${JSON.stringify(socket)} }\n  metrics: { listen: false }\n`,
  ),
);
const manager = launchManager(config, join(dir, 'manager.log'));
const times: number[] = [];
try {
  await until(() => runningSleepers(manager.pid).length === 1, 10_000);
  await until(async () => (await patch(socket, 1).catch(() => 0)) === 200, 10_000, 20);
  for (let i = 0; i < samples; i++) {
    const before = new Set(runningSleepers(manager.pid));
    const t0 = performance.now();
    const status = await patch(socket, 2);
    if (status !== 200) throw new Error(`PATCH answered ${status}`);
    // A tight poll: /proc is read every turn of the event loop, not on a timer.
    await until(() => runningSleepers(manager.pid).some((pid) => !before.has(pid)), 5_000, 0);
    times.push(performance.now() - t0);
    const down = await patch(socket, 1);
    if (down !== 200) throw new Error(`PATCH answered ${down}`);
    await until(() => runningSleepers(manager.pid).length === 1, 5_000).catch((e) => {
      throw new Error(`scale down: ${e.message}; running ${runningSleepers(manager.pid).length}`);
    });
    await sleep(50);
  }
} finally {
  await stopLaunched(manager);
  cleanUp();
  rmSync(dir, { recursive: true, force: true });
}
const s = summarize(times);
console.log(
  `PATCH replicas 1 -> 2 until the new child runs: median ${s.median.toFixed(1)} ms, ` +
    `min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)} (${times.length} samples)`,
);
