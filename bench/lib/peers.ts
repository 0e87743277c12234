/**
 * Finding, or installing, the peers: Debian's `supervisor` and `s6` through apt-get (root
 * only), PM2 from npm into bench/.peers (gitignored; never a dependency of the project). A
 * peer that cannot be had is skipped with the reason, which the report prints.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT } from './manager.ts';
import type { Tool } from './tools/fleet.ts';
import { pm2Tool } from './tools/pm2.ts';
import { s6Tool } from './tools/s6.ts';
import { supervisordTool } from './tools/supervisord.ts';

/** The PM2 release measured; bump it deliberately, the numbers may move with it. */
export const PM2_VERSION = '7.0.4';
const PEERS_DIR = join(ROOT, 'bench', '.peers');

export interface Peers {
  readonly tools: Tool[];
  /** Peer → version, for the report. */
  readonly versions: Record<string, string>;
  /** Peer → why it is missing. */
  readonly skipped: Record<string, string>;
}

function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function output(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** apt-get install of the packages, with one `apt-get update` if the lists are stale. */
function aptInstall(packages: string[], say: (line: string) => void): string | undefined {
  if (process.getuid?.() !== 0) return 'not root, cannot apt-get install';
  if (!which('apt-get')) return 'no apt-get on this machine';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
  say(`installing ${packages.join(' ')} with apt-get`);
  let result = install();
  if (result.status !== 0) {
    say('apt-get update');
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0) {
    return `apt-get install ${packages.join(' ')} failed: ${(result.stderr ?? '').trim().split('\n').at(-1)}`;
  }
  return undefined;
}

function pm2Installed(): boolean {
  try {
    const pkg = JSON.parse(
      readFileSync(join(PEERS_DIR, 'node_modules', 'pm2', 'package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version === PM2_VERSION;
  } catch {
    return false;
  }
}

function installPm2(say: (line: string) => void): string | undefined {
  mkdirSync(PEERS_DIR, { recursive: true });
  const manifest = join(PEERS_DIR, 'package.json');
  if (!existsSync(manifest)) {
    writeFileSync(
      manifest,
      `${JSON.stringify({ private: true, description: 'benchmark peers' })}\n`,
    );
  }
  say(`installing pm2@${PM2_VERSION} into bench/.peers`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    [
      'install',
      '--prefix',
      PEERS_DIR,
      '--no-audit',
      '--no-fund',
      '--save-exact',
      `pm2@${PM2_VERSION}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
  );
  if (result.status !== 0 || !pm2Installed()) {
    return `npm install pm2@${PM2_VERSION} failed: ${(result.stderr ?? '').trim().split('\n').at(-1)}`;
  }
  return undefined;
}

export function setUpPeers(options: {
  install: boolean;
  want: ReadonlySet<string>;
  say: (line: string) => void;
}): Peers {
  const { install, want, say } = options;
  const tools: Tool[] = [];
  const versions: Record<string, string> = {};
  const skipped: Record<string, string> = {};

  const debian = [
    { id: 'supervisord', pkg: 'supervisor', bins: ['supervisord', 'supervisorctl'] },
    { id: 's6', pkg: 's6', bins: ['s6-svscan', 's6-svscanctl'] },
  ].filter((p) => want.has(p.id));
  const missing = debian.filter((p) => p.bins.some((b) => !which(b)));
  if (missing.length > 0) {
    const why = install
      ? aptInstall(
          missing.map((p) => p.pkg),
          say,
        )
      : 'not installed (--no-install)';
    if (why) for (const p of missing) skipped[p.id] = why;
  }
  for (const p of debian) {
    if (skipped[p.id]) continue;
    const [a, b] = p.bins.map(which);
    if (!a || !b) {
      skipped[p.id] = `${p.bins.join(', ')} not found after installing ${p.pkg}`;
      continue;
    }
    // dpkg-query's own field syntax, not a template.
    const version = output('dpkg-query', ['-W', '-f', '$' + '{Version}', p.pkg]);
    if (p.id === 'supervisord') {
      versions[p.id] = output(a, ['--version']) ?? version ?? '?';
      tools.push(supervisordTool({ supervisord: a, supervisorctl: b }));
    } else {
      versions[p.id] = version ?? '?';
      tools.push(s6Tool({ svscan: a, svscanctl: b }));
    }
  }

  if (want.has('pm2')) {
    let why: string | undefined;
    if (!pm2Installed()) why = install ? installPm2(say) : 'not installed (--no-install)';
    if (why) {
      skipped['pm2'] = why;
    } else {
      const bin = join(PEERS_DIR, 'node_modules', 'pm2', 'bin');
      versions['pm2'] = PM2_VERSION;
      tools.push(pm2Tool({ runtime: join(bin, 'pm2-runtime'), cli: join(bin, 'pm2') }));
    }
  }
  return { tools, versions, skipped };
}
