// A queue in a directory, shared by the web replicas and the workers: a job is a JSON file in
// new/; a worker claims one by renaming it into claimed/ (rename is atomic: of two workers
// trying, one wins), and records the result in done/.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export const queueDir = process.env.QUEUE_DIR ?? '.tmp/node-example/queue';
const dirs = {
  new: join(queueDir, 'new'),
  claimed: join(queueDir, 'claimed'),
  done: join(queueDir, 'done'),
};

export function prepareQueue() {
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
}

let sequence = 0;

export function push(payload) {
  const name = `${Date.now()}-${process.pid}-${sequence++}.json`;
  // Written aside, then renamed in: a worker never sees half a file.
  const tmp = join(queueDir, `.${name}`);
  writeFileSync(tmp, JSON.stringify(payload));
  renameSync(tmp, join(dirs.new, name));
  return name;
}

/** The oldest job nobody has claimed, now ours; undefined when there is none. */
export function claim() {
  for (const name of readdirSync(dirs.new).sort()) {
    try {
      renameSync(join(dirs.new, name), join(dirs.claimed, name));
    } catch {
      continue; // another worker was first
    }
    return { name, payload: JSON.parse(readFileSync(join(dirs.claimed, name), 'utf8')) };
  }
  return undefined;
}

export function complete(job, by) {
  writeFileSync(join(dirs.done, job.name), JSON.stringify({ ...job.payload, by }));
  unlinkSync(join(dirs.claimed, job.name));
}

export function stats() {
  const byWorker = {};
  for (const name of readdirSync(dirs.done)) {
    const { by } = JSON.parse(readFileSync(join(dirs.done, name), 'utf8'));
    byWorker[by] = (byWorker[by] ?? 0) + 1;
  }
  return {
    queued: readdirSync(dirs.new).length,
    claimed: readdirSync(dirs.claimed).length,
    done: readdirSync(dirs.done).length,
    byWorker,
  };
}
