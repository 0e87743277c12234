/**
 * The notes printed under the comparison's table: how each tool is set up, and per scenario
 * what is measured and why the setup is fair. bench/README.md says the same at more length.
 */

export interface NoteSettings {
  readonly rounds: Readonly<Record<string, number>>;
  readonly startSizes: readonly number[];
  readonly scaleSizes: readonly number[];
  readonly idleSizes: readonly number[];
  readonly killsPerRound: number;
  readonly idleSettleS: number;
  readonly idleWindowS: number;
}

const rounds = (n: number | undefined) => `${n} round${n === 1 ? '' : 's'}`;

export function comparisonNotes(s: NoteSettings): string {
  const r = s.rounds;
  return `## How each tool runs

- **phpeek-pm**: the bundle, \`node bin/phpeek-pm run -c FILE\`; one process \`sleeper\`
  (\`command: ["sleep", "1000"]\`, \`replicas: N\`, \`restart: always\`), \`log_level: warn\`, the
  API on a Unix socket only, no metrics listener (no peer has one). Children's stdout/stderr are
  pipes that it reads.
- **s6**: \`s6-svscan DIR\` over N generated service directories, each \`run\` being
  \`#!/bin/sh\` + \`exec sleep 1000\` (Debian's s6 comes without execline). No s6-log loggers:
  the services' output goes, unread, to s6-svscan's stdout. s6 runs one s6-supervise per
  service; s6-svscan and all of them are s6's own processes.
- **supervisord**: \`supervisord -n -c FILE\`, one \`[program:sleeper]\` with \`numprocs=N\`,
  \`startsecs=0\`, \`autorestart=true\`, the children's output read from pipes and written to
  supervisord's stdout (\`stdout_logfile=/dev/stdout\`, the usual container setup), its control
  socket for supervisorctl, \`loglevel=warn\`.
- **PM2**: \`pm2-runtime start ecosystem.config.cjs\`, PM2's container mode (its God daemon in that
  one process); \`script: sleep\`, \`args: 1000\`, \`interpreter: none\`, fork mode,
  \`instances: N\`, \`restart_delay: 0\`, no restart limit, git metadata and PM2.io off; logs as
  PM2 keeps them by default (pipes written to files); a private PM2_HOME per run.
- The same \`sleep 1000\` children for all; every figure counts only what runs as \`sleep\`
  (after its exec) and the manager's own processes, read from /proc.

## Scenarios

1. **Cold start** (N = ${s.startSizes.join(', ')}; ${rounds(r['start'])}): from just before the
   launch of the manager's command (so the interpreter's own start counts: Node, Python) until a
   poll (every 1 ms) sees N children running \`sleep\` (for s6, below the s6-supervise
   processes). Warm page cache: one unrecorded start of every tool comes first. *Baselines*: a
   bare Node script spawning N with pipes, as phpeek-pm does, and a bash loop \`sleep 1000 &\`.
2. **Memory** (N = ${s.idleSizes.join(', ')}; ${rounds(r['idle'])}): at the end of the idle window.
   PSS from /proc/PID/smaps_rollup summed over the manager's own processes (phpeek-pm: its node;
   supervisord: its python; s6: s6-svscan + N s6-supervise; PM2: the pm2-runtime process),
   children excluded. The main row counts the shared pages of each executable's mappings once
   in full instead of the share left after other processes mapping the same binary (this
   benchmark is a Node process too): the figure for a container where the manager is the only
   user of its interpreter. "As measured here" is the plain sum. RssAnon is the memory that no
   file backs. The bare Node script with N children is measured too: what any Node.js manager
   starts from.
3. **Idle CPU** (same runs): utime+stime (1/100 s ticks) and the per-thread schedstat run
   time (ns) of the own processes over a ${s.idleWindowS} s window that begins
   ${s.idleSettleS} s or more after the last manager had all its children (past one-off work
   such as V8's memory reducer, 8–17 s after a Node process starts), scaled to 30 s.
   All tools with all N run at once: an idle process's CPU time does not depend on its
   neighbours, and one window for all is fairer than windows at different times. phpeek-pm
   runs a second time with a TCP readiness probe on each child every second (against a
   listener in a separate process), which no peer does.
4. **Graceful stop** (from the start runs): 1 s after all run, SIGTERM to the manager's pid only
   (what \`docker stop\` does to PID 1), until the manager, every child and every own process
   have exited (polled every 0.25 ms). \`sleep\` exits on SIGTERM; stop timeouts are 5 s
   everywhere and never reached. supervisord notices exits on the 1 s tick of its main loop; PM2
   stops its processes one after another.
5. **Restart after kill -9** (one child; ${rounds(r['restart'])} × ${s.killsPerRound} kills):
   SIGKILL to the child, until another child runs \`sleep\` (polled every 0.1 ms), each
   tool with its fastest setting: phpeek-pm \`restart_backoff.initial: 0\`; PM2 \`restart_delay:
   0\` (no exponential backoff); supervisord \`startsecs=0\`, \`autorestart=true\` (no setting
   shortens its loop's 1 s tick); s6 has no setting: s6-supervise waits 1 s before it starts a
   service again.
6. **Scale 10 → N** (N = ${s.scaleSizes.join(', ')}; ${rounds(r['scale'])}): 10 running plus 1 s,
   then each tool's own way, timed from just before the request until N run: phpeek-pm \`PATCH
   /api/v1/processes/sleeper {"replicas": N}\` on its socket, sent by the benchmark (the first
   request also loads the API's HTTP framework, which phpeek-pm defers until then); s6: N − 10
   new service directories and \`s6-svscanctl -a\`; supervisord: \`numprocs=N\` in the file and
   \`supervisorctl update\`, which stops the whole group and starts N (there is no other way to
   change numprocs); PM2: \`pm2 scale sleeper N\`. The peers' figures include their CLI's start
   (Python, Node); when each CLI exited is in the JSON (\`details\`).
7. **Spawn throughput** (from the start runs, N ≥ 100): (N − 1) divided by the time from the
   poll that saw the first child to the poll that saw the N-th. The bash loop is what this
   machine can do starting the same processes one after another.

Tools run in alternation: every round runs each scenario for every tool in turn, the order
rotated by one each round. A failed round (a timeout, an early exit) is listed below and the
run goes on.
`;
}
