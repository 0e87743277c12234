import { readdirSync } from 'node:fs';
import { readProcStat } from './proc-stat.ts';

/**
 * SIGKILLs every process that is still ours as the manager exits: our children (including
 * orphans re-parented to us as PID 1 or subreaper, even those that left their group with
 * setsid) and members of the process groups we created. As PID 1 the kernel would do this
 * anyway when we exit; as a subreaper nobody else would. Returns how many were killed.
 */
export function killSurvivors(groups: ReadonlySet<number>): number {
  let killed = 0;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const stat = readProcStat(pid);
    // A zombie is already dead: its parent (libuv or the reaper) collects it.
    if (stat === undefined || stat.state === 'Z') continue;
    if (stat.ppid !== process.pid && !groups.has(stat.pgid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // Gone already.
    }
  }
  return killed;
}
