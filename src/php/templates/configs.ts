/**
 * The `phpeek-pm.yaml` that `phpeek-pm scaffold FRAMEWORK` writes: a starting point for the
 * usual processes of each framework in the project's image (php-fpm and nginx from the
 * official php-fpm image, the application in /var/www/html). Each one passes `validate`
 * (test/unit/php/scaffold.test.ts).
 */
import type { Framework } from '../../desired/types.ts';

const HEADER = (framework: string) => `# phpeek-pm configuration for a ${framework} application.
# Check it with \`phpeek-pm validate\`; every key is in docs/configuration.md.
version: 1

global:
  workdir: /var/www/html
  framework: ${framework === 'generic PHP' ? 'generic' : framework.toLowerCase()}
  shutdown_timeout: 30s
  php_fpm:
    # Sizes the pool from the container's memory and CPU limits; the pool file reads
    # \${PHP_FPM_MAX_CHILDREN} and friends (see docs/php.md).
    autotune: medium
    user: www-data
`;

const PHP_FPM = (dependsOn: string) => `  php-fpm:
    command: ["php-fpm", "--nodaemonize"]
${dependsOn}    stop:
      # SIGQUIT lets php-fpm finish the requests in flight.
      signal: SIGQUIT
      timeout: 25s
    probes:
      readiness:
        tcp: { port: 9000 }
        period: 2s
      liveness:
        tcp: { port: 9000 }
        period: 10s
        failure_threshold: 3
`;

const NGINX = `  nginx:
    # -e stderr: nginx opens its error log before reading its configuration.
    command: ["nginx", "-e", "stderr", "-g", "daemon off;"]
    depends_on:
      php-fpm: { condition: process_healthy }
    stop:
      signal: SIGQUIT
      timeout: 10s
    probes:
      readiness:
        http: { port: 8080, path: / }
        period: 5s
`;

export const CONFIG_TEMPLATES: Readonly<Record<Framework, string>> = {
  laravel: `${HEADER('Laravel')}
processes:
  migrate:
    type: oneshot
    command: ["php", "artisan", "migrate", "--force"]
    working_dir: /var/www/html
    user: www-data

${PHP_FPM(`    depends_on:
      migrate: { condition: process_completed_successfully }
`)}
${NGINX}
  queue-worker:
    command: ["php", "artisan", "queue:work", "--sleep=3", "--tries=3", "--max-time=3600"]
    working_dir: /var/www/html
    user: www-data
    replicas: 2
    depends_on:
      migrate: { condition: process_completed_successfully }
    stop:
      # queue:work finishes the job in hand on SIGTERM.
      timeout: 60s

  scheduler:
    schedule: "* * * * *"
    command: ["php", "artisan", "schedule:run"]
    working_dir: /var/www/html
    user: www-data
`,
  symfony: `${HEADER('Symfony')}
processes:
  cache-warmup:
    type: oneshot
    command: ["php", "bin/console", "cache:warmup", "--no-interaction"]
    working_dir: /var/www/html
    user: www-data

  migrate:
    type: oneshot
    command: ["php", "bin/console", "doctrine:migrations:migrate", "--no-interaction", "--allow-no-migration"]
    working_dir: /var/www/html
    user: www-data
    depends_on:
      cache-warmup: { condition: process_completed_successfully }

${PHP_FPM(`    depends_on:
      migrate: { condition: process_completed_successfully }
`)}
${NGINX}
  messenger:
    command: ["php", "bin/console", "messenger:consume", "async", "--time-limit=3600", "--memory-limit=128M"]
    working_dir: /var/www/html
    user: www-data
    replicas: 2
    depends_on:
      migrate: { condition: process_completed_successfully }
    stop:
      timeout: 60s
`,
  wordpress: `${HEADER('WordPress')}
processes:
${PHP_FPM('')}
${NGINX}
  # With define('DISABLE_WP_CRON', true) in wp-config.php, WordPress's cron runs here instead
  # of on visitors' requests.
  wp-cron:
    schedule: "*/5 * * * *"
    command: ["php", "wp-cron.php"]
    working_dir: /var/www/html
    user: www-data
    timeout: 4m
`,
  generic: `${HEADER('generic PHP')}
processes:
${PHP_FPM('')}
${NGINX}`,
};
