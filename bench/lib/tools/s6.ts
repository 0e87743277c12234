/**
 * s6 (Debian's `s6`): `s6-svscan` over a scan directory with one service directory per
 * child, each `run` being `#!/bin/sh` + `exec sleep 1000` (execline is not installed with
 * Debian's s6; dash starts in ~1 ms). No loggers: the services' output goes to s6-svscan's
 * stdout, unread. s6 runs one s6-supervise process per service; they are s6's own processes.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchCommand } from '../manager.ts';
import { type Fleet, LaunchedFleet, type StartOptions, type Tool } from './fleet.ts';

const RUN_SCRIPT = '#!/bin/sh\nexec sleep 1000\n';

function addServices(scan: string, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const service = join(scan, `sleeper-${i}`);
    mkdirSync(service, { recursive: true });
    const run = join(service, 'run');
    writeFileSync(run, RUN_SCRIPT);
    chmodSync(run, 0o755);
  }
}

export function s6Tool(bin: { svscan: string; svscanctl: string }): Tool {
  return {
    id: 's6',
    label: 's6',
    start(dir: string, options: StartOptions): Fleet {
      const scan = join(dir, 'scan');
      const log = join(dir, 'stdout.log');
      addServices(scan, 0, options.replicas);
      let services = options.replicas;
      const run = launchCommand(bin.svscan, [scan], log, { cwd: dir });
      // Scaling: new service directories, then a rescan (`s6-svscanctl -a`).
      return new LaunchedFleet('s6', run, dir, log, 2, async (replicas) => {
        addServices(scan, services, replicas);
        services = Math.max(services, replicas);
        const command = launchCommand(bin.svscanctl, ['-a', scan], join(dir, 'ctl.log'), {
          cwd: dir,
        });
        return { command };
      });
    },
  };
}
