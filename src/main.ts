import { parseArgs } from 'node:util';
// `run` is what must start fast: it is bundled into the entry file itself (one module to load
// before the first spawn); other commands and late parts (the watcher) are chunks on demand.
import { run } from './cli/run.ts';
import { locateConfig } from './desired/locate.ts';

const USAGE = `Usage: phpeek-pm <command> [options]

Commands:
  run       [-c FILE]           start and supervise the processes of FILE (default command)
  validate  [-c FILE] [--json]  check FILE; exit 0 when valid, 1 with every problem listed
  version                       print the version

Without -c, the file is $PHPEEK_PM_CONFIG, ./phpeek-pm.yaml or /etc/phpeek-pm/phpeek-pm.yaml.
`;

/**
 * The composition root: the only place that reads argv and the environment.
 */
async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command = 'run', ...rest] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
  switch (command) {
    case 'run': {
      const located = locateConfig(values.config, env);
      if ('error' in located) {
        process.stderr.write(`phpeek-pm: ${located.error}\n`);
        return 2;
      }
      await run({
        file: located.file,
        env,
        listeners: listenerOverrides(env),
        version: typeof PHPEEK_PM_VERSION === 'string' ? PHPEEK_PM_VERSION : 'dev',
      });
      return undefined;
    }
    case 'validate': {
      const { runValidate } = await import('./cli/validate.ts');
      return runValidate({ config: values.config, json: values.json ?? false }, env, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    }
    case 'version':
      process.stdout.write(
        `phpeek-pm ${typeof PHPEEK_PM_VERSION === 'string' ? PHPEEK_PM_VERSION : 'dev'}\n`,
      );
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

class UsageError extends Error {}

/**
 * Listener settings from the environment (handy in Docker and Kubernetes): an address, a
 * socket path, or `false`/`off` to turn one off.
 */
function listenerOverrides(env: NodeJS.ProcessEnv) {
  const value = (name: string): string | false | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    return raw === 'false' || raw === 'off' || raw === '0' ? false : raw;
  };
  const apiListen = value('PHPEEK_PM_API_LISTEN');
  const apiSocket = value('PHPEEK_PM_API_SOCKET');
  const metricsListen = value('PHPEEK_PM_METRICS_LISTEN');
  const apiToken = env['PHPEEK_PM_API_TOKEN'];
  return {
    ...(apiListen === undefined ? {} : { apiListen }),
    ...(apiSocket === undefined ? {} : { apiSocket }),
    ...(metricsListen === undefined ? {} : { metricsListen }),
    ...(apiToken ? { apiToken } : {}),
  };
}

declare const PHPEEK_PM_VERSION: string;

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`phpeek-pm: ${(error as Error).message}\n${usage ? `\n${USAGE}` : ''}`);
    process.exitCode = usage ? 2 : 1;
  },
);
