/**
 * What the machine can do without a process manager, measured the same way as the managers:
 * a bash loop that starts the same `sleep 1000` children in the background, and a bare Node
 * script that spawns them as phpeek-pm does (own session, stdout/stderr pipes that it reads).
 */
import { join } from 'node:path';
import { launchCommand, launchNode } from '../manager.ts';
import { type Fleet, LaunchedFleet, type StartOptions, type Tool } from './fleet.ts';

const noScale = async (): Promise<never> => {
  throw new Error('a baseline does not scale');
};

export const bashTool: Tool = {
  id: 'bash',
  label: 'bash loop',
  start(dir: string, options: StartOptions): Fleet {
    const log = join(dir, 'stdout.log');
    const script = `for ((i = 0; i < ${options.replicas}; i++)); do sleep 1000 & done; wait`;
    const run = launchCommand('bash', ['-c', script], log, { cwd: dir });
    return new LaunchedFleet('bash', run, dir, log, 1, noScale);
  },
};

export const nodeTool: Tool = {
  id: 'node',
  label: 'bare Node',
  start(dir: string, options: StartOptions): Fleet {
    const log = join(dir, 'stdout.log');
    const run = launchNode(['bench/lib/spawn-baseline.mjs', String(options.replicas), 'pipe'], log);
    return new LaunchedFleet('node', run, dir, log, 1, noScale);
  },
};
