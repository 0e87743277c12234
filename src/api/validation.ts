/**
 * Request validation with TypeBox's compiler instead of fastify's default Ajv: the default
 * coerces body types (`"3"` would pass as 3, `1` as true) and silently drops unknown fields,
 * where this API answers 400 naming the field. Query strings and path parameters are text on
 * the wire, so they (and only they) are converted first, strictly: `tail=10` -> 10,
 * `follow=1` -> true, but `tail=1.5` or `tail=1e3` stay text and are refused.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { describeFound, formatPath, fromPointer } from '../desired/diagnostics.ts';
import { closestMatch } from '../desired/suggest.ts';
import { ApiError } from './api-error.ts';

type HttpPart = 'body' | 'querystring' | 'params' | 'headers' | string | undefined;

const NOUN: Record<string, string> = {
  body: 'field',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

/** For `app.setValidatorCompiler`. */
export function typeboxValidatorCompiler(route: { schema: unknown; httpPart?: HttpPart }) {
  const schema = route.schema as TSchema;
  const check = TypeCompiler.Compile(schema);
  const convert = route.httpPart !== 'body';
  const noun = NOUN[route.httpPart ?? 'body'] ?? 'field';
  return (data: unknown): { value: unknown } | { error: ApiError } => {
    const value = convert ? convertText(schema, data) : data;
    if (check.Check(value)) return { value };
    const first = check.Errors(value).First();
    return { error: validationError(first, noun, route.httpPart === 'body') };
  };
}

type PropertySchema = { type?: unknown };

/** Numbers and booleans written as text in their plain form; anything else is left as is. */
function convertText(schema: TSchema, data: unknown): unknown {
  const properties = (schema as { properties?: Record<string, PropertySchema> }).properties;
  if (properties === undefined || typeof data !== 'object' || data === null) return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const type = Object.hasOwn(properties, key) ? properties[key]?.type : undefined;
    out[key] = typeof value === 'string' ? convertScalar(type, value) : value;
  }
  return out;
}

function convertScalar(type: unknown, text: string): unknown {
  if (type === 'integer' && /^-?\d{1,15}$/.test(text)) return Number(text);
  if (type === 'number' && /^-?\d{1,15}(?:\.\d{1,15})?$/.test(text)) return Number(text);
  if (type === 'boolean') {
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  return text;
}

function validationError(error: ValueError | undefined, noun: string, isBody: boolean): ApiError {
  if (error === undefined) return new ApiError('API_BAD_REQUEST', ['invalid request']);
  const segments = fromPointer(error.path);
  // A key is the client's own text: bounded before it is echoed back.
  const fullPath = formatPath(segments);
  const path = fullPath.length > 200 ? `${fullPath.slice(0, 197)}...` : fullPath;
  const schema = error.schema as TSchema & { description?: string; minProperties?: number };
  const found = describeFound(error.value);
  const at = path === '' ? '' : `${path}: `;
  let message: string;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const known = knownKeys(error.schema);
      const key = String(segments.at(-1));
      const guess = key.length > 64 ? undefined : closestMatch(key, known);
      message = `unknown ${noun} ${JSON.stringify(path)}${guess ? ` (did you mean ${guess}?)` : ''}; expected ${known.length > 0 ? `one of ${known.join(', ')}` : 'none'}`;
      break;
    }
    case ValueErrorType.ObjectRequiredProperty:
      message = `missing ${noun} ${JSON.stringify(path)}${schema.description ? `: expected ${schema.description}` : ''}`;
      break;
    case ValueErrorType.ObjectMinProperties:
      message = `expected at least one of ${knownKeys(error.schema).join(', ')}, found none`;
      break;
    case ValueErrorType.Object:
      message = `expected ${isBody && path === '' ? 'a JSON object' : 'an object'}, found ${found}`;
      break;
    default:
      message = `${at}expected ${schema.description ?? lowerFirst(error.message)}, found ${found}`;
  }
  return new ApiError('API_BAD_REQUEST', [message], { path });
}

function knownKeys(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  return properties === undefined ? [] : Object.keys(properties);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
