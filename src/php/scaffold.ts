/**
 * `phpeek-pm scaffold FRAMEWORK [--dir DIR] [--dockerfile] [--force]`: writes a starting
 * `phpeek-pm.yaml` (and a Dockerfile) for a framework. It never replaces a file unless told to:
 * without `--force`, an existing file stops it before anything is written.
 */
import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FRAMEWORKS } from '../desired/php-schema.ts';
import type { Framework } from '../desired/types.ts';
import { detectFramework } from './framework.ts';
import { CONFIG_TEMPLATES } from './templates/configs.ts';
import { dockerfileTemplate } from './templates/dockerfile.ts';

export interface ScaffoldOptions {
  /** A framework, or `auto` to detect it from the files in `dir`. */
  readonly framework: string;
  readonly dir: string;
  readonly dockerfile: boolean;
  readonly force: boolean;
}

export type ScaffoldResult =
  | { readonly ok: true; readonly framework: Framework; readonly written: readonly string[] }
  | { readonly ok: false; readonly error: string };

export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const framework = options.framework === 'auto' ? detectFramework(options.dir) : options.framework;
  if (!(FRAMEWORKS as readonly string[]).includes(framework)) {
    return {
      ok: false,
      error: `unknown framework "${framework}": expected one of ${FRAMEWORKS.join(', ')} or auto`,
    };
  }
  const chosen = framework as Framework;
  const files: [string, string][] = [
    [join(options.dir, 'phpeek-pm.yaml'), CONFIG_TEMPLATES[chosen]],
  ];
  if (options.dockerfile) files.push([join(options.dir, 'Dockerfile'), dockerfileTemplate(chosen)]);
  if (!options.force) {
    const existing = [];
    for (const [file] of files) if (await exists(file)) existing.push(file);
    if (existing.length > 0) {
      return {
        ok: false,
        error: `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing written (--force replaces)`,
      };
    }
  }
  await mkdir(options.dir, { recursive: true });
  for (const [file, text] of files) await writeFile(file, text);
  return { ok: true, framework: chosen, written: files.map(([file]) => file) };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
