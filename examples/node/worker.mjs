// A worker: takes jobs from the queue one at a time; on SIGTERM it finishes the job at hand
// and exits 0.
import { setTimeout as sleep } from 'node:timers/promises';
import { claim, complete } from './queue.mjs';

const id = process.env.PHPEEK_PM_INSTANCE_ID ?? 'worker';
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
});

console.log(`${id}: waiting for jobs`);
while (!stopping) {
  const job = claim();
  if (job === undefined) {
    await sleep(500);
    continue;
  }
  await sleep(job.payload.ms);
  complete(job, id);
  console.log(`${id}: done ${job.name}`);
}
console.log(`${id}: stopping`);
