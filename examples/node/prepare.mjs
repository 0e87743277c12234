// Run once before the web replicas and the workers (a oneshot they depend on).
import { prepareQueue, queueDir } from './queue.mjs';

prepareQueue();
console.log(`queue ready in ${queueDir}`);
