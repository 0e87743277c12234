import { parseArgs } from 'node:util';
import { CLIENT_COMMANDS, type ClientCommand } from './cli/client/names.ts';
// `run` is what must start fast: it is bundled into the entry file itself (one module to load
// before the first spawn); other commands and late parts (the watcher) are chunks on demand.
import { run } from './cli/run.ts';
import { locateConfig } from './desired/locate.ts';

const USAGE = `Usage: phpeek-pm <command> [options]

Commands:
  run       [-c FILE]           start and supervise the processes of FILE (default command)
  validate  [-c FILE] [--json]  check FILE; exit 0 when valid, 1 with every problem listed
  scaffold  FRAMEWORK           write a starting phpeek-pm.yaml for laravel, symfony,
                                wordpress, generic or auto (detected from --dir)
            [--dir DIR] [--dockerfile] [--force]
  version                       print the version

  run and validate take --php-fpm-profile dev|light|medium|heavy|bursty|false (or
  $PHP_FPM_AUTOTUNE_PROFILE): size the PHP-FPM pool from the container's limits.

Commands for a running manager (through its API):
  status    [-o json]           processes, instances, and why anything waits
  scale     NAME REPLICAS       set the replicas of NAME
  restart   NAME                replace every instance of NAME, one at a time
  stop | start NAME             stop or start NAME (kept across reloads of an unchanged file)
  signal    NAME SIGNAL         send SIGNAL to every instance of NAME
  logs      NAME [-f] [--tail N]
  events                        follow decisions and state changes as they happen
  plan      [-c FILE]           what the manager would do now, or what FILE would change
  reload                        read the configuration file again

  They use the Unix socket (--socket, $PHPEEK_PM_API_SOCKET, default /run/phpeek-pm/api.sock)
  or --url http://HOST:PORT, with --token or $PHPEEK_PM_API_TOKEN when the API needs one.

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
      output: { type: 'string', short: 'o', default: 'text' },
      url: { type: 'string' },
      socket: { type: 'string' },
      token: { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      tail: { type: 'string', default: '100' },
      'php-fpm-profile': { type: 'string' },
      dir: { type: 'string', default: '.' },
      dockerfile: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
  const [command = 'run', ...rest] = positionals;
  if (command !== 'run') {
    // `phpeek-pm validate | head -1`: a reader that leaves early is not an error of ours.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if ((CLIENT_COMMANDS as readonly string[]).includes(command)) {
    const { runClientCommand } = await import('./cli/client/commands.ts');
    if (values.output !== 'text' && values.output !== 'json')
      throw new UsageError('-o takes text or json');
    if (!/^\d+$/.test(values.tail ?? '')) throw new UsageError('--tail takes a whole number');
    const token = values.token ?? env['PHPEEK_PM_API_TOKEN'];
    const endpoint = values.url
      ? { url: values.url, ...(token ? { token } : {}) }
      : {
          socket: values.socket ?? (env['PHPEEK_PM_API_SOCKET'] || '/run/phpeek-pm/api.sock'),
          ...(token ? { token } : {}),
        };
    return runClientCommand(
      command as ClientCommand,
      rest,
      {
        endpoint,
        output: values.output,
        follow: values.follow ?? false,
        tail: Number(values.tail),
        ...(values.config === undefined ? {} : { config: values.config }),
      },
      (s) => process.stdout.write(s),
      (s) => process.stderr.write(s),
    );
  }
  if (command === 'scaffold') {
    const [framework, ...extra] = rest;
    if (framework === undefined) throw new UsageError('scaffold needs a framework');
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    const { scaffold } = await import('./php/scaffold.ts');
    const result = await scaffold({
      framework,
      dir: values.dir ?? '.',
      dockerfile: values.dockerfile ?? false,
      force: values.force ?? false,
    });
    if (!result.ok) {
      process.stderr.write(`phpeek-pm: ${result.error}\n`);
      return 1;
    }
    for (const file of result.written) process.stdout.write(`wrote ${file}\n`);
    process.stdout.write(`check it with: phpeek-pm validate -c ${result.written[0]}\n`);
    return 0;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
  const phpFpmProfile = values['php-fpm-profile'];
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
        ...(phpFpmProfile === undefined ? {} : { phpFpmProfile }),
      });
      return undefined;
    }
    case 'validate': {
      const { runValidate } = await import('./cli/validate.ts');
      const options = {
        config: values.config,
        json: values.json ?? false,
        ...(phpFpmProfile === undefined ? {} : { phpFpmProfile }),
      };
      return runValidate(options, env, {
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
