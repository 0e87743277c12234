/**
 * Readers for the deployment files (Dockerfile, .dockerignore, Kubernetes manifests) and what
 * they are checked against: the API's routes as its OpenAPI document lists them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../../scripts/docs/api-reference.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** The GET routes answered without a token (health checks), e.g. `/livez`. */
export async function publicGetRoutes(): Promise<Set<string>> {
  const document = await openApiDocument();
  return new Set(
    Object.entries(document.paths).flatMap(([path, operations]) => {
      const get = operations['get'];
      return get?.security !== undefined && get.security.length === 0 ? [path] : [];
    }),
  );
}

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** The build stage it belongs to (the `AS` name of the last FROM, or its index). */
  readonly stage: string;
}

/** Instructions of a Dockerfile: comments dropped, continuation lines joined. */
export function dockerfileInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let stage = '';
  let stages = 0;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    pending += pending === '' ? line : ` ${line}`;
    if (pending.endsWith('\\')) {
      pending = pending.slice(0, -1).trimEnd();
      continue;
    }
    const [, keyword = '', args = ''] = /^(\S+)\s*([\s\S]*)$/.exec(pending) ?? [];
    pending = '';
    if (keyword.toUpperCase() === 'FROM') {
      stage = /\bAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages);
      stages++;
    }
    instructions.push({ keyword: keyword.toUpperCase(), args, stage });
  }
  return instructions;
}

export interface CopyInstruction {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
  readonly stage: string;
}

export function copyInstructions(instructions: readonly Instruction[]): CopyInstruction[] {
  return instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return {
        from,
        sources: paths.slice(0, -1),
        destination: paths.at(-1) ?? '',
        stage: i.stage,
      };
    });
}

/**
 * Whether `.dockerignore` keeps `path` out of the build context: the last pattern that matches
 * the path or one of its parents decides, `!` patterns letting it back in.
 */
export function dockerIgnored(patterns: readonly string[], path: string): boolean {
  const parts = path.replace(/\/$/, '').split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const line of patterns) {
    const pattern = line.trim();
    if (pattern === '' || pattern.startsWith('#')) continue;
    const negated = pattern.startsWith('!');
    const regex = globRegex(negated ? pattern.slice(1) : pattern);
    if (candidates.some((c) => regex.test(c))) ignored = !negated;
  }
  return ignored;
}

function globRegex(glob: string): RegExp {
  const source = glob
    .replace(/^\//, '')
    .replace(/\/$/, '')
    .split('')
    .map((c, i, all) => {
      if (c === '*') return all[i + 1] === '*' ? '' : all[i - 1] === '*' ? '.*' : '[^/]*';
      if (c === '?') return '[^/]';
      return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}
