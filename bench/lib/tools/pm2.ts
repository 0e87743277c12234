/**
 * PM2 as its container image runs it: `pm2-runtime` in the foreground (the God daemon in the
 * same process, no separate daemon), fork mode, `instances: N` of `sleep` with no
 * interpreter, logs as PM2 keeps them by default (pipes read into files under PM2_HOME).
 * PM2_HOME is private to each run; `pm2 scale` talks to the runtime through it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchNode } from '../manager.ts';
import { hasExited } from '../proc.ts';
import { type Fleet, LaunchedFleet, type StartOptions, type Tool } from './fleet.ts';

export function pm2Ecosystem(options: StartOptions): string {
  const app = {
    name: 'sleeper',
    script: 'sleep',
    args: '1000',
    interpreter: 'none',
    exec_mode: 'fork',
    instances: options.replicas,
    autorestart: true,
    // Restart at once, however often (the default gives up after 16 restarts within
    // `min_uptime` of each start).
    restart_delay: 0,
    max_restarts: 1_000_000,
    kill_timeout: 5000,
    // No git metadata lookup of the app's directory, no PM2.io agent.
    vizion: false,
    pmx: false,
    automation: false,
  };
  return `module.exports = ${JSON.stringify({ apps: [app] }, null, 2)};\n`;
}

export function pm2Tool(bin: { runtime: string; cli: string }): Tool {
  return {
    id: 'pm2',
    label: 'PM2',
    start(dir: string, options: StartOptions): Fleet {
      const home = join(dir, 'pm2-home');
      const env = { ...process.env, PM2_HOME: home };
      const ecosystem = join(dir, 'ecosystem.config.cjs');
      writeFileSync(ecosystem, pm2Ecosystem(options));
      const log = join(dir, 'stdout.log');
      const run = launchNode([bin.runtime, 'start', ecosystem], log, { cwd: dir, env });
      const scale = async (replicas: number) => {
        const command = launchNode(
          [bin.cli, 'scale', 'sleeper', String(replicas)],
          join(dir, 'ctl.log'),
          {
            cwd: dir,
            env,
          },
        );
        return { command };
      };
      // pm2-runtime has no separate daemon; should one have been started (a CLI call that did
      // not find the runtime starts one), `pm2 kill` stops it.
      const killDaemon = () => {
        const pidFile = join(home, 'pm2.pid');
        if (!existsSync(pidFile)) return;
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (!Number.isInteger(pid) || pid <= 1 || hasExited(pid)) return;
        spawnSync(process.execPath, [bin.cli, 'kill'], { env, stdio: 'ignore', timeout: 15_000 });
      };
      return new LaunchedFleet('pm2', run, dir, log, 1, scale, killDaemon);
    },
  };
}
