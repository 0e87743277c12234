import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and ')'. */
function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '', ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

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
    const stat = readStat(pid);
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
