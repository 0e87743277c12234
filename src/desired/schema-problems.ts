/**
 * TypeBox validation errors turned into one clear problem each. TypeBox reports a failed union
 * as one error holding every variant's errors; we keep only the variant the value was meant
 * for (the one of the same kind: a list for the list form, a mapping for the mapping form), or
 * else say once what the union as a whole expects.
 */
import { KindGuard, type TSchema } from '@sinclair/typebox';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { type ErrorCode, formatMessage } from '../errors.ts';
import { type DocPath, describeFound, fromPointer, type Problem } from './diagnostics.ts';
import { closestMatch } from './suggest.ts';

interface Annotations {
  readonly description?: string;
  readonly code?: ErrorCode;
  readonly suggest?: readonly string[];
}

export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

interface Context {
  readonly root: unknown;
  readonly originals: ReadonlyMap<string, string>;
}

/**
 * Every schema problem of `value`, at most one per path. `originals` maps a JSON pointer to
 * the text a value had before interpolation, so a message can show where it came from.
 */
export function schemaProblems(
  schema: TSchema,
  value: unknown,
  originals: ReadonlyMap<string, string> = new Map(),
): Problem[] {
  const problems = new Map<string, Problem>();
  const context: Context = { root: value, originals };
  for (const error of Value.Errors(schema, value)) {
    for (const problem of problemsOf(error, undefined, context)) {
      const key = problem.path.join('\0');
      if (!problems.has(key)) problems.set(key, problem);
    }
  }
  return [...problems.values()];
}

function problemsOf(error: ValueError, union: TSchema | undefined, context: Context): Problem[] {
  const path = pathIn(context.root, error.path);
  const found = describeFound(error.value) + origin(error.path, context.originals);
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return [unknownKey(error.schema, path)];
    case ValueErrorType.ObjectRequiredProperty:
      return [
        {
          code: 'CONFIG_MISSING_KEY',
          path,
          message: formatMessage(
            'CONFIG_MISSING_KEY',
            `\`${path.at(-1)}\``,
            describeExpected(error.schema),
          ),
        },
      ];
    case ValueErrorType.Union: {
      const variants = error.schema.anyOf as TSchema[];
      const kind = kindOf(error.value);
      const meant = variants.flatMap((v, i) => (kindsOf(v).has(kind) ? [i] : []));
      const errors = meant.length === 1 ? [...(error.errors[meant[0] ?? 0] ?? [])] : [];
      if (errors.length > 0) {
        return errors.flatMap((e) =>
          problemsOf(e, e.path === error.path ? error.schema : undefined, context),
        );
      }
      return [mismatch(error.schema, error.schema, path, error.value, found)];
    }
    default:
      return [mismatch(error.schema, union, path, error.value, found)];
  }
}

/**
 * "expected ..., found ...". When the failing schema is a variant of a union that failed at
 * the same path, the union's annotations speak unless the variant has its own.
 */
function mismatch(
  schema: TSchema,
  union: TSchema | undefined,
  path: DocPath,
  value: unknown,
  found: string,
): Problem {
  const own = schema as Annotations;
  const outer = (union ?? {}) as Annotations;
  const code = own.code ?? outer.code;
  const expected = own.description ?? outer.description ?? describeExpected(union ?? schema);
  const hint = typeof value === 'string' ? suggestion(value, union ?? schema) : '';
  const message =
    code === undefined ? `expected ${expected}, found ${found}` : formatMessage(code, found);
  return { code: code ?? 'CONFIG_SCHEMA', path, message: message + hint };
}

function unknownKey(objectSchema: TSchema, path: DocPath): Problem {
  const key = String(path.at(-1));
  const known = Object.keys((objectSchema.properties ?? {}) as object);
  const match = closestMatch(key, known);
  const detail =
    match !== undefined
      ? `; did you mean \`${match}\`?`
      : ` (expected one of: ${known.join(', ')})`;
  return {
    code: 'CONFIG_UNKNOWN_KEY',
    path,
    message: formatMessage('CONFIG_UNKNOWN_KEY', `\`${key}\``, detail),
  };
}

function suggestion(value: string, schema: TSchema): string {
  const candidates = (schema as Annotations).suggest ?? literalStrings(schema);
  const match = closestMatch(value, candidates);
  return match === undefined || match === value ? '' : `; did you mean "${match}"?`;
}

/** The pointer as a path, list indexes as numbers (`command[1]`, not `command.1`). */
function pathIn(root: unknown, pointer: string): DocPath {
  let container = root;
  return fromPointer(pointer).map((segment) => {
    const isIndex = Array.isArray(container);
    container = (container as Record<string, unknown> | undefined)?.[segment];
    return isIndex ? Number(segment) : segment;
  });
}

function origin(pointer: string, originals: ReadonlyMap<string, string>): string {
  const original = originals.get(pointer);
  return original === undefined ? '' : ` (from ${JSON.stringify(original)})`;
}

/** Words completing "expected ...", for schemas without a `description`. */
function describeExpected(schema: TSchema): string {
  const own = (schema as Annotations).description;
  if (own !== undefined) return own;
  if (KindGuard.IsUnion(schema)) {
    const literals = literalStrings(schema);
    if (literals.length === schema.anyOf.length) {
      return `one of ${literals.map((l) => JSON.stringify(l)).join(', ')}`;
    }
    return schema.anyOf.map(describeExpected).join(' or ');
  }
  if (KindGuard.IsLiteral(schema)) return JSON.stringify(schema.const);
  if (KindGuard.IsString(schema)) return schema.minLength ? 'a non-empty string' : 'a string';
  if (KindGuard.IsInteger(schema)) return `an integer${bounds(schema)}`;
  if (KindGuard.IsNumber(schema)) return `a number${bounds(schema)}`;
  if (KindGuard.IsBoolean(schema)) return 'true or false';
  if (KindGuard.IsNull(schema)) return 'nothing';
  if (KindGuard.IsArray(schema)) {
    const items = KindGuard.IsString(schema.items) ? ' of strings' : '';
    return schema.minItems ? `a non-empty list${items}` : `a list${items}`;
  }
  return 'a mapping';
}

function bounds(schema: { minimum?: number; maximum?: number }): string {
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    return ` between ${schema.minimum} and ${schema.maximum}`;
  }
  if (schema.minimum !== undefined) return ` >= ${schema.minimum}`;
  if (schema.maximum !== undefined) return ` <= ${schema.maximum}`;
  return '';
}

function literalStrings(schema: TSchema): string[] {
  const members = KindGuard.IsUnion(schema) ? schema.anyOf : [schema];
  return members.flatMap((m) =>
    KindGuard.IsLiteral(m) && typeof m.const === 'string' ? [m.const] : [],
  );
}

export function kindOf(value: unknown): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  return 'object';
}

/** The kinds of value a schema can accept, looking through unions. */
export function kindsOf(schema: TSchema): ReadonlySet<ValueKind> {
  if (KindGuard.IsUnion(schema)) return new Set(schema.anyOf.flatMap((s) => [...kindsOf(s)]));
  if (KindGuard.IsLiteral(schema)) return new Set([kindOf(schema.const)]);
  if (KindGuard.IsString(schema)) return new Set(['string']);
  if (KindGuard.IsNumber(schema) || KindGuard.IsInteger(schema)) return new Set(['number']);
  if (KindGuard.IsBoolean(schema)) return new Set(['boolean']);
  if (KindGuard.IsNull(schema)) return new Set(['null']);
  if (KindGuard.IsArray(schema)) return new Set(['array']);
  return new Set(['object']);
}
