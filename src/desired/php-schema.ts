/**
 * The `global` keys of a PHP container: where the application lives, the setup done before the
 * processes start (src/php/setup.ts), and PHP-FPM auto-tuning (src/php/fpm-tuning.ts).
 */
import { Type } from '@sinclair/typebox';
import { IdentitySchema, strict } from './schema-common.ts';
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
  { description: 'a size such as "64Mi", "1Gi", "128M" or a number of bytes' },
);

export const PhpGlobalSettings = {
  workdir: Type.Optional(Type.String({ pattern: '^/', description: 'an absolute path' })),
  setup: Type.Optional(Type.Boolean()),
  framework: Type.Optional(
    Type.Union([Type.Literal('auto'), ...FRAMEWORKS.map((f) => Type.Literal(f))], {
      description: `one of auto, ${FRAMEWORKS.join(', ')}`,
    }),
  ),
  php_fpm: Type.Optional(
    Type.Object(
      {
        autotune: Type.Optional(
          Type.Union([...FPM_PROFILES.map((p) => Type.Literal(p)), Type.Literal(false)], {
            description: `one of ${FPM_PROFILES.join(', ')}, or false`,
          }),
        ),
        user: Type.Optional(IdentitySchema('user')),
        group: Type.Optional(IdentitySchema('group')),
        worker_memory: Type.Optional(SizeSchema),
        reserved_memory: Type.Optional(SizeSchema),
      },
      strict,
    ),
  ),
};
