/**
 * After interpolation every `${...}` value is a string, but `replicas: ${WORKERS:-2}` means the
 * number 2. A value that was entirely one `${...}` expression becomes a number or boolean when
 * the schema at its path accepts that and not a string. Values written literally are never
 * coerced: `replicas: "2"` stays a type error, as YAML says it is a string.
 */
import { KindGuard, type TSchema } from '@sinclair/typebox';
import { toPointer } from './diagnostics.ts';
import { kindOf, kindsOf, type ValueKind } from './schema-problems.ts';

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A copy of `value` with the strings at `pointers` (JSON pointers) coerced per `schema`. */
export function coerceInterpolated(
  schema: TSchema,
  value: unknown,
  pointers: ReadonlySet<string>,
): unknown {
  return pointers.size === 0 ? value : coerce(schema, value, '', pointers);
}

function coerce(
  schema: TSchema | undefined,
  value: unknown,
  pointer: string,
  pointers: ReadonlySet<string>,
): unknown {
  if (schema === undefined) return value;
  if (typeof value === 'string') return pointers.has(pointer) ? coerceScalar(schema, value) : value;
  if (typeof value !== 'object' || value === null) return value;
  const shape = variantFor(schema, kindOf(value));
  if (Array.isArray(value)) {
    const items = KindGuard.IsArray(shape) ? shape.items : undefined;
    return value.map((item, i) => coerce(items, item, `${pointer}/${i}`, pointers));
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      coerce(propertySchema(shape, key), child, pointer + toPointer([key]), pointers),
    ]),
  );
}

function coerceScalar(schema: TSchema, text: string): unknown {
  const kinds = kindsOf(schema);
  if (kinds.has('string')) return text;
  if (kinds.has('number') && NUMERIC.test(text)) return Number(text);
  if (kinds.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** The member of a union meant for a value of this kind (the schema itself if not a union). */
function variantFor(schema: TSchema, kind: ValueKind): TSchema | undefined {
  if (!KindGuard.IsUnion(schema)) return schema;
  const variant = schema.anyOf.find((v) => kindsOf(v).has(kind));
  return variant === undefined ? undefined : variantFor(variant, kind);
}

function propertySchema(schema: TSchema | undefined, key: string): TSchema | undefined {
  if (schema === undefined) return undefined;
  if (KindGuard.IsObject(schema)) return schema.properties[key];
  if (KindGuard.IsRecord(schema)) return Object.values(schema.patternProperties)[0] as TSchema;
  return undefined;
}
