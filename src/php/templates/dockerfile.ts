/**
 * The Dockerfile that `phpeek-pm scaffold FRAMEWORK --dockerfile` writes: the application on
 * top of the phpeek-pm image (the repository's Dockerfile: php-fpm, nginx, Node.js and
 * phpeek-pm as PID 1), with an nginx site for the framework's document root.
 */
import type { Framework } from '../../desired/types.ts';

const DOCUMENT_ROOT: Readonly<Record<Framework, string>> = {
  laravel: '/var/www/html/public',
  symfony: '/var/www/html/public',
  wordpress: '/var/www/html',
  generic: '/var/www/html/public',
};

const FRONT_CONTROLLER: Readonly<Record<Framework, string>> = {
  laravel: '/index.php?$query_string',
  symfony: '/index.php$is_args$args',
  wordpress: '/index.php?$args',
  generic: '/index.php?$query_string',
};

const COMPOSER: Readonly<Record<Framework, boolean>> = {
  laravel: true,
  symfony: true,
  wordpress: false,
  generic: false,
};

export function dockerfileTemplate(framework: Framework): string {
  const composer = COMPOSER[framework]
    ? `
COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
COPY composer.json composer.lock* ./
RUN composer install --no-dev --no-scripts --no-autoloader --no-interaction --prefer-dist
`
    : '';
  const dump = COMPOSER[framework]
    ? `RUN composer dump-autoload --optimize --no-dev --classmap-authoritative
`
    : '';
  return `# syntax=docker/dockerfile:1
# The application on the phpeek-pm runtime image: php-fpm, nginx, Node.js and phpeek-pm as
# PID 1, running as www-data. Build that image once from the phpeek-pm repository
# (\`docker build --target runtime -t phpeek-pm .\`), or point PHPEEK_PM_IMAGE at your copy.
ARG PHPEEK_PM_IMAGE=phpeek-pm:latest
FROM \${PHPEEK_PM_IMAGE}

WORKDIR /var/www/html
${composer}
COPY --chown=www-data:www-data . .
${dump}
# The pool reads its size from the variables phpeek-pm computes (global.php_fpm.autotune).
COPY <<'FPM' /usr/local/etc/php-fpm.d/zz-phpeek-pm.conf
[global]
; SIGQUIT (phpeek-pm's stop signal for php-fpm) waits this long for requests in flight.
process_control_timeout = 20s

[www]
pm = \${PHP_FPM_PM}
pm.max_children = \${PHP_FPM_MAX_CHILDREN}
pm.start_servers = \${PHP_FPM_START_SERVERS}
pm.min_spare_servers = \${PHP_FPM_MIN_SPARE_SERVERS}
pm.max_spare_servers = \${PHP_FPM_MAX_SPARE_SERVERS}
pm.max_requests = \${PHP_FPM_MAX_REQUESTS}
pm.process_idle_timeout = \${PHP_FPM_PROCESS_IDLE_TIMEOUT}
FPM

# nginx as www-data: everything it writes goes to /tmp or to phpeek-pm's log pipes, and PHP
# goes to php-fpm on 127.0.0.1:9000.
COPY <<'NGINX' /etc/nginx/nginx.conf
worker_processes auto;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /dev/stdout;
    client_body_temp_path /tmp/nginx-client-body;
    fastcgi_temp_path /tmp/nginx-fastcgi;
    proxy_temp_path /tmp/nginx-proxy;
    uwsgi_temp_path /tmp/nginx-uwsgi;
    scgi_temp_path /tmp/nginx-scgi;
    sendfile on;
    server_tokens off;

    server {
        listen 8080 default_server;
        root ${DOCUMENT_ROOT[framework]};
        index index.php index.html;
        client_max_body_size 32m;

        location / {
            try_files $uri $uri/ ${FRONT_CONTROLLER[framework]};
        }

        location ~ \\.php$ {
            try_files $uri =404;
            fastcgi_pass 127.0.0.1:9000;
            fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
            fastcgi_param DOCUMENT_ROOT $realpath_root;
            include fastcgi_params;
        }
    }
}
NGINX

COPY phpeek-pm.yaml /etc/phpeek-pm/phpeek-pm.yaml
`;
}
