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
# The application on the phpeek-pm image. Build that image once from the phpeek-pm repository
# (\`docker build -t phpeek-pm .\`), or point PHPEEK_PM_IMAGE at your registry's copy.
ARG PHPEEK_PM_IMAGE=phpeek-pm:latest
FROM \${PHPEEK_PM_IMAGE}

WORKDIR /var/www/html
${composer}
COPY --chown=www-data:www-data . .
${dump}
# nginx serves the document root and passes PHP to php-fpm on 127.0.0.1:9000.
COPY <<'NGINX' /etc/nginx/conf.d/default.conf
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
NGINX

COPY phpeek-pm.yaml /etc/phpeek-pm/phpeek-pm.yaml
`;
}
