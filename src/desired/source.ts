/**
 * YAML text to plain data, keeping what plain data loses: where each value was written (for
 * `file:line:column` in messages) and how numbers were spelt. `${...}` is expanded here, in the
 * string values of the parsed document rather than in the raw text, so a variable's value can
 * never add YAML structure. Mapping keys are not interpolated: they are the file's shape.
 * Inside probe targets, per-instance variables are kept for the probe runner to fill in.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from 'yaml';
import { formatMessage } from '../errors.ts';
import { type DocPath, type Problem, toPointer } from './diagnostics.ts';
import { type Env, interpolate, isWholeExpression } from './interpolate.ts';
import { isInProbeTarget, PER_INSTANCE_VARIABLES } from './probe-target.ts';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SourceDocument {
  /** The document as plain data, every string value interpolated. */
  readonly value: unknown;
  /** JSON pointer -> text before interpolation, for every string interpolation changed. */
  readonly originals: ReadonlyMap<string, string>;
  /** Pointers of values written as exactly one `${...}`: the only ones that may be coerced. */
  readonly wholeExpressions: ReadonlySet<string>;
  /** Pointer -> number as written (`1.10`, `0x1F`), which the parsed number no longer shows. */
  readonly numberTexts: ReadonlyMap<string, string>;
  /** Interpolation problems. The value is still complete (failed expressions expand to ""). */
  readonly problems: readonly Problem[];
  /** Where the path starts in the file, or its nearest ancestor that is in the file. */
  position(path: DocPath): Position | undefined;
}

export type SourceResult =
  | { readonly ok: true; readonly document: SourceDocument }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Aliases expanded per document. Real files use a handful; the limit stops a "billion laughs"
 * document, and an alias to its own ancestor (which YAML allows) from recursing forever.
 */
const MAX_ALIAS_EXPANSIONS = 100;

export function readSource(text: string, env: Env): SourceResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return {
          code: 'CONFIG_YAML',
          path: [],
          line,
          column: col,
          message: formatMessage('CONFIG_YAML', error.message),
        };
      }),
    };
  }
  const walker = new Walker(doc, lineCounter, env);
  const value = walker.visit(doc.contents, []);
  const positions = walker.positions;
  return {
    ok: true,
    document: {
      value,
      originals: walker.originals,
      wholeExpressions: walker.wholeExpressions,
      numberTexts: walker.numberTexts,
      problems: walker.problems,
      position(path) {
        for (let depth = path.length; depth > 0; depth--) {
          const found = positions.get(toPointer(path.slice(0, depth)));
          if (found !== undefined) return found;
        }
        return undefined;
      },
    },
  };
}

class Walker {
  readonly positions = new Map<string, Position>();
  readonly originals = new Map<string, string>();
  readonly wholeExpressions = new Set<string>();
  readonly numberTexts = new Map<string, string>();
  readonly problems: Problem[] = [];
  private aliasesLeft = MAX_ALIAS_EXPANSIONS;
  private aliasProblem = false;
  /** Anchored nodes being expanded, to catch an alias inside the node it refers to. */
  private readonly expanding = new Set<unknown>();

  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly env: Env,
  ) {}

  visit(node: unknown, path: DocPath): unknown {
    if (isMap(node)) {
      const entries: [string, unknown][] = [];
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const childPath = [...path, key];
        this.mark(childPath, pair.key);
        entries.push([key, this.visit(pair.value, childPath)]);
      }
      // fromEntries defines own properties: a `__proto__` key stays a plain key.
      return Object.fromEntries(entries);
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        this.mark([...path, i], item);
        // A list of names (`depends_on: [migrate]`) is also reachable by name, so a problem
        // about `depends_on.migrate` points at the item rather than at `depends_on`.
        if (isScalar(item) && typeof item.value === 'string') {
          this.mark([...path, item.value], item);
        }
        return this.visit(item, [...path, i]);
      });
    }
    if (isAlias(node)) return this.alias(node, path);
    if (isScalar(node)) return this.scalar(node.value, node.source, path);
    return null;
  }

  private alias(node: Alias, path: DocPath): unknown {
    const target = node.resolve(this.doc);
    const problem = this.expanding.has(target)
      ? `alias *${node.source} is inside the node it refers to`
      : --this.aliasesLeft < 0
        ? `more than ${MAX_ALIAS_EXPANSIONS} alias expansions`
        : undefined;
    if (problem !== undefined) {
      // Once per document: a runaway expansion would otherwise report at every level.
      if (!this.aliasProblem) {
        this.aliasProblem = true;
        this.problems.push({
          code: 'CONFIG_YAML',
          path,
          message: formatMessage('CONFIG_YAML', problem),
        });
      }
      return null;
    }
    this.expanding.add(target);
    const value = this.visit(target, path);
    this.expanding.delete(target);
    return value;
  }

  private scalar(value: unknown, source: string | undefined, path: DocPath): unknown {
    const pointer = toPointer(path);
    if (typeof value === 'number' && source !== undefined && source !== String(value)) {
      this.numberTexts.set(pointer, source);
    }
    if (typeof value !== 'string') return value;
    const { value: expanded, errors } = interpolate(value, this.env, {
      perInstance: PER_INSTANCE_VARIABLES,
      keepPerInstance: isInProbeTarget(path),
    });
    if (expanded !== value) this.originals.set(pointer, value);
    if (isWholeExpression(value)) this.wholeExpressions.add(pointer);
    for (const message of errors) {
      this.problems.push({
        code: 'CONFIG_INTERPOLATION',
        path,
        message: formatMessage('CONFIG_INTERPOLATION', message),
      });
    }
    return expanded;
  }

  /** Records where a path starts, unless an earlier (aliased) visit already did. */
  private mark(path: DocPath, node: unknown): void {
    const range = (node as { range?: readonly number[] } | null)?.range;
    const offset = range?.[0];
    const pointer = toPointer(path);
    if (offset === undefined || this.positions.has(pointer)) return;
    const { line, col } = this.lineCounter.linePos(offset);
    this.positions.set(pointer, { line, column: col });
  }
}
