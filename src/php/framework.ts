/**
 * Which PHP framework an application directory holds, from the files each one always has, and
 * what each needs writable before its first request.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Framework } from '../desired/types.ts';

export interface FrameworkLayout {
  /** Directories to create (relative to the application directory). */
  readonly directories: readonly string[];
  /** Trees to hand to the php-fpm user, recursively. */
  readonly owned: readonly string[];
}

export const FRAMEWORK_LAYOUTS: Readonly<Record<Framework, FrameworkLayout>> = {
  laravel: {
    directories: [
      'storage/app/public',
      'storage/framework/cache/data',
      'storage/framework/sessions',
      'storage/framework/views',
      'storage/logs',
      'bootstrap/cache',
    ],
    owned: ['storage', 'bootstrap/cache'],
  },
  symfony: { directories: ['var/cache', 'var/log'], owned: ['var'] },
  wordpress: { directories: ['wp-content/uploads'], owned: ['wp-content/uploads'] },
  generic: { directories: [], owned: [] },
};

/**
 * Laravel: `artisan`. Symfony: `bin/console` with `var/`, `symfony.lock` or
 * `config/bundles.php` (a bare `bin/console` is also what other console apps ship).
 * WordPress: `wp-config.php` or `wp-load.php`.
 */
export function detectFramework(dir: string): Framework {
  const has = (path: string) => existsSync(join(dir, path));
  if (has('artisan')) return 'laravel';
  if (has('bin/console') && (has('var') || has('symfony.lock') || has('config/bundles.php'))) {
    return 'symfony';
  }
  if (has('wp-config.php') || has('wp-load.php')) return 'wordpress';
  return 'generic';
}
