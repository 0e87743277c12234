/**
 * The `global` keys of a PHP container: where the application lives, the setup done before the
 * processes start (src/php/setup.ts), and PHP-FPM auto-tuning (src/php/fpm-tuning.ts).
 */
import { Type } from '@sinclair/typebox';
import { DEFAULT_PHP, DEFAULT_RESERVED_MEMORY_BYTES } from './normalize.ts';
import { IdentitySchema, strict } from './schema-common.ts';
import { codeText, documented, valueDefault } from './schema-doc.ts';
import { SIZE_PATTERN } from './size.ts';
import type { FpmProfile, Framework } from './types.ts';

export const FPM_PROFILES = [
  'dev',
  'light',
  'medium',
  'heavy',
  'bursty',
] as const satisfies readonly FpmProfile[];

export const FRAMEWORKS = [
  'laravel',
  'symfony',
  'wordpress',
  'generic',
] as const satisfies readonly Framework[];

const SizeSchema = Type.Union(
  [Type.String({ pattern: SIZE_PATTERN }), Type.Integer({ minimum: 0 })],
  {
    description: 'a size such as "64Mi", "1Gi", "128M" or a number of bytes',
    docType: 'size',
  },
);

export const PhpGlobalSettings = {
  workdir: Type.Optional(
    Type.String({
      pattern: '^/',
      description: 'an absolute path',
      doc: 'The application directory: framework detection and setup look here (docs/php.md).',
      defaultText: valueDefault(() => DEFAULT_PHP.workdir),
    }),
  ),
  setup: Type.Optional(
    Type.Boolean({
      doc: "Before the first process, create the framework's writable directories (mode 0775) and hand them to `php_fpm.user`. A read-only filesystem skips it with one log line.",
      defaultText: valueDefault(() => DEFAULT_PHP.setup),
    }),
  ),
  framework: Type.Optional(
    Type.Union([Type.Literal('auto'), ...FRAMEWORKS.map((f) => Type.Literal(f))], {
      description: `one of auto, ${FRAMEWORKS.join(', ')}`,
      doc: '`auto` detects it: `artisan` is Laravel, `bin/console` with `var/` Symfony, `wp-config.php` WordPress, anything else generic.',
      defaultText: valueDefault(() => DEFAULT_PHP.framework),
    }),
  ),
  php_fpm: Type.Optional(
    Type.Object(
      {
        autotune: Type.Optional(
          Type.Union([...FPM_PROFILES.map((p) => Type.Literal(p)), Type.Literal(false)], {
            description: `one of ${FPM_PROFILES.join(', ')}, or false`,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: the file's ${...}, not JavaScript's
            doc: "Size the PHP-FPM pool from the container's memory and CPU limits and hand it to every process as `PHP_FPM_PM`, `PHP_FPM_MAX_CHILDREN`, ... (also usable as `${PHP_FPM_MAX_CHILDREN}` in this file). `--php-fpm-profile` and `PHP_FPM_AUTOTUNE_PROFILE` come first. Computed once at start.",
            defaultText: codeText(false),
          }),
        ),
        user: Type.Optional(
          documented(IdentitySchema('user'), {
            doc: "The user php-fpm's workers run as: setup gives it the writable directories.",
            defaultText: valueDefault(() => DEFAULT_PHP.user),
          }),
        ),
        group: Type.Optional(
          documented(IdentitySchema('group'), {
            doc: 'The group of those directories.',
            defaultText: "the user's primary group",
          }),
        ),
        worker_memory: Type.Optional(
          documented(SizeSchema, {
            doc: "Memory of one PHP-FPM worker, replacing the profile's estimate (48Mi to 96Mi).",
            defaultText: 'from the profile',
          }),
        ),
        reserved_memory: Type.Optional(
          documented(SizeSchema, {
            doc: 'Memory kept for everything but the workers: nginx, the manager, opcache.',
            defaultText: valueDefault(() => `${DEFAULT_RESERVED_MEMORY_BYTES / 2 ** 20}Mi`),
          }),
        ),
      },
      {
        ...strict,
        doc: 'PHP-FPM auto-tuning and the owner of the directories setup prepares (docs/php.md).',
      },
    ),
  ),
};
