// The baseline for "start 100": a bare Node script that spawns `sleep 1000` N times, each in its
// own session like the manager does, and then only waits. The benchmark kills it.
//   node bench/lib/spawn-baseline.mjs [count=100] [ignore|pipe]
import { spawn } from 'node:child_process';

const count = Number(process.argv[2] ?? 100);
const stdio = process.argv[3] === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'ignore';
for (let i = 0; i < count; i++) {
  const child = spawn('sleep', ['1000'], { detached: true, stdio });
  // Read the pipes, as the manager does, so that they are set up the same way.
  child.stdout?.resume();
  child.stderr?.resume();
}
