# phpeek-pm as PID 1 of a PHP container: php-fpm, nginx, queue workers and the scheduler of
# examples/laravel. docs/docker.md explains each choice.
#
#   docker build -t phpeek-pm-laravel .
#   docker run --rm -p 8080:8080 --stop-timeout 40 phpeek-pm-laravel
#
# For your own application, build the `runtime` stage alone, with no example in it, and put
# your code on top of it (`phpeek-pm scaffold laravel --dockerfile` writes such a Dockerfile):
#
#   docker build --target runtime -t phpeek-pm .

ARG NODE_VERSION=20
ARG PHP_VERSION=8.3

# --- 1. The manager: one bundled file (dist/) and the native orphan reaper (build/Release) ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Without scripts: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY binding.gyp ./
COPY native/ native/
COPY scripts/build.mjs scripts/
COPY src/ src/
COPY bin/ bin/
# The addon is optional at run time but wanted here: fail the build rather than ship without it.
RUN node scripts/build.mjs && test -f build/Release/phpeek_reaper.node \
 && node bin/phpeek-pm version

# --- 2. The node binary, from the image the manager was built with ----------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS node

# --- 3. runtime: PHP-FPM, nginx and the manager, no application -----------------------------
FROM php:${PHP_VERSION}-fpm-bookworm AS runtime

# nginx from Debian; pcntl lets queue workers finish the job in hand on SIGTERM.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* \
 && docker-php-ext-install -j"$(nproc)" pcntl

# The manager needs no node_modules: the bundle holds every dependency. bin/phpeek-pm loads
# ../dist/phpeek-pm.js; the reaper is looked up in ../build/Release from there.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=build /src/package.json /opt/phpeek-pm/package.json
COPY --from=build /src/bin/ /opt/phpeek-pm/bin/
COPY --from=build /src/dist/ /opt/phpeek-pm/dist/
COPY --from=build /src/build/Release/phpeek_reaper.node /opt/phpeek-pm/build/Release/
RUN ln -s /opt/phpeek-pm/bin/phpeek-pm /usr/local/bin/phpeek-pm \
 && phpeek-pm version

# The official image runs `php-fpm`; the example's default is Debian's `php-fpm8.2`.
ENV PHP_FPM_BIN=php-fpm \
    HTTP_PORT=8080

# The API's socket directory, writable by www-data so that the CLI works without root.
RUN install -d -o www-data -g www-data -m 0700 /run/phpeek-pm

# Not root: ports above 1024, files owned by www-data, processes that run as www-data. Run
# with `--user root` for what needs root (docs/docker.md).
USER www-data
WORKDIR /var/www/html
EXPOSE 8080 9090

# phpeek-pm is PID 1 itself (exec form, no shell in front): it receives the stop signal, stops
# the processes in dependency order and reaps orphans.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://${PHPEEK_PM_API_LISTEN:-127.0.0.1:9180}/livez" || exit 1
ENTRYPOINT ["phpeek-pm"]
CMD ["run"]

# --- 4. The example: examples/laravel on the runtime (the default target) --------------------
FROM runtime AS example
USER root

# The example application in /var/www/html; its phpeek-pm.yaml and the files it renders or
# reads (deploy/) in /etc/phpeek-pm, where the file's defaults expect them. Writable at run
# time, and nothing else: storage/ (database, nginx's run directory), bootstrap/cache, and the
# API's socket directory, so that the CLI works without root.
COPY examples/laravel/ /var/www/html/
COPY examples/laravel/phpeek-pm.yaml /etc/phpeek-pm/phpeek-pm.yaml
COPY examples/laravel/deploy/ /etc/phpeek-pm/
RUN rm -rf /var/www/html/deploy /var/www/html/phpeek-pm.yaml \
 && mkdir -p /var/www/html/storage /var/www/html/bootstrap/cache \
 && chown -R www-data:www-data /var/www/html/storage /var/www/html/bootstrap/cache \
 && phpeek-pm validate -c /etc/phpeek-pm/phpeek-pm.yaml
USER www-data
