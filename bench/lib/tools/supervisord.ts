/**
 * supervisord (Debian's `supervisor`) in the foreground, as a container's PID 1 runs it: one
 * `[program:sleeper]` with `numprocs`, children's output read from pipes and written to
 * supervisord's stdout (the usual container setup), the control socket that supervisorctl
 * needs, `startsecs=0` (a child counts as started at once: its fastest start and restart).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchCommand } from '../manager.ts';
import { type Fleet, LaunchedFleet, type StartOptions, type Tool } from './fleet.ts';

export function supervisordConfig(dir: string, replicas: number): string {
  return `[supervisord]
nodaemon=true
logfile=${join(dir, 'supervisord.log')}
loglevel=warn
pidfile=${join(dir, 'supervisord.pid')}
childlogdir=${dir}

[unix_http_server]
file=${join(dir, 'supervisor.sock')}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://${join(dir, 'supervisor.sock')}

[program:sleeper]
command=sleep 1000
process_name=%(program_name)s-%(process_num)d
numprocs=${replicas}
autostart=true
autorestart=true
startsecs=0
startretries=1000
stopsignal=TERM
stopwaitsecs=5
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
`;
}

export function supervisordTool(bin: { supervisord: string; supervisorctl: string }): Tool {
  return {
    id: 'supervisord',
    label: 'supervisord',
    start(dir: string, options: StartOptions): Fleet {
      const config = join(dir, 'supervisord.conf');
      const log = join(dir, 'stdout.log');
      writeFileSync(config, supervisordConfig(dir, options.replicas));
      const run = launchCommand(bin.supervisord, ['-n', '-c', config], log, { cwd: dir });
      // Scaling: `numprocs` in the file, then `supervisorctl update` (which replaces the group).
      return new LaunchedFleet('supervisord', run, dir, log, 1, async (replicas) => {
        writeFileSync(config, supervisordConfig(dir, replicas));
        const command = launchCommand(
          bin.supervisorctl,
          ['-c', config, 'update'],
          join(dir, 'ctl.log'),
          { cwd: dir },
        );
        return { command };
      });
    },
  };
}
