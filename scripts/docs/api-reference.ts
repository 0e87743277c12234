/**
 * The route-by-route part of docs/api.md, written from the OpenAPI document the API server
 * serves at /api/v1/openapi.json (built by @fastify/swagger from the routes' schemas), and the
 * error codes from the one registry (src/errors.ts).
 */
import type { ControlPlane } from '../../src/api/control-plane.ts';
import { createApiServer } from '../../src/api/server.ts';
import { errorCodes } from '../../src/errors.ts';
import { code, wrap } from './markdown.ts';

/** The parts of an OpenAPI 3.0 schema object this renderer reads. */
interface Schema {
  readonly type?: string;
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly nullable?: boolean;
  readonly description?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: unknown;
}

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: Schema;
}

interface Response {
  readonly description?: string;
  readonly content?: Record<string, { readonly schema: Schema }>;
}

interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly security?: readonly unknown[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema: Schema }> };
  readonly responses: Record<string, Response>;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Operation>>;
}

/** Error codes raised while the listeners start, never answered to a request. */
const START_UP_ONLY = new Set([
  'API_TOKEN_INVALID',
  'API_TOKEN_MISMATCH',
  'API_LISTEN_ADDRESS',
  'API_LISTEN_INSECURE',
  'API_SOCKET_PATH',
  'API_LISTEN_FAILED',
]);

/** The OpenAPI document of a server with a token, so that routes show whether they need it. */
export async function openApiDocument(): Promise<OpenApiDocument> {
  // Building the routes reads nothing from the control plane but its version.
  const control = { version: '0' } as unknown as ControlPlane;
  const app = createApiServer({ control, token: 'reference-token-0123456789' });
  try {
    await app.ready();
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
  }
}

export async function apiReference(): Promise<string> {
  const document = await openApiDocument();
  const shown: Shown = new Map();
  const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) =>
      route(`${method.toUpperCase()} ${path}`, operation, shown),
    ),
  );
  return [...routes, errorTable()].join('\n');
}

/** Answer shapes already written out, and where: the next route with one refers to it. */
type Shown = Map<string, string>;

function route(name: string, operation: Operation, shown: Shown): string {
  const lines = [`### \`${name}\``, ''];
  const text = [operation.summary, operation.description].filter(Boolean).map(sentence);
  if (text.length > 0) lines.push(wrap(text.join(' '), '', ''), '');

  const facts: string[] = [];
  const open = operation.security !== undefined && operation.security.length === 0;
  facts.push(open ? 'Token: never needed.' : 'Token: needed when the API has one.');
  const statuses = Object.keys(operation.responses);
  if (statuses.includes('429')) facts.push('Counts towards the rate limit of changes.');
  for (const parameter of operation.parameters ?? []) facts.push(parameterText(parameter));
  lines.push(...facts.map((fact) => wrap(fact, '- ', '  ')));

  const body = operation.requestBody?.content;
  if (body !== undefined) {
    const types = Object.keys(body);
    const schema = body[types[0]!]!.schema;
    lines.push(wrap(`Body (${types.map((t) => code(t)).join(', ')}):`, '- ', '  '));
    lines.push(...codeBlock(shape(schema, ''), '  '));
  } else if (name.startsWith('POST ')) {
    lines.push('- Body: none (or `{}`).');
  }

  const errors: string[] = [];
  for (const [status, response] of Object.entries(operation.responses)) {
    const types = Object.keys(response.content ?? {});
    const content = response.content?.[types[0] ?? ''];
    if (content === undefined) {
      lines.push(`- \`${status}\`.`);
      continue;
    }
    if (isErrorBody(content.schema)) {
      errors.push(status);
      continue;
    }
    const head = `- \`${status}\` (${types.map((t) => code(t)).join(', ')})`;
    const text = shape(content.schema, '');
    // Short shapes read better written out again than referred to.
    const seen = text.length > 5 ? shown.get(text.join('\n')) : undefined;
    if (seen !== undefined) {
      lines.push(`${head}: ${seen}.`);
      continue;
    }
    lines.push(`${head}:`, ...codeBlock(text, '  '));
    remember(shown, content.schema, `the \`${status}\` answer of \`${name}\``);
  }
  if (errors.length > 0) {
    lines.push(
      `- Errors: ${errors.map((s) => code(s)).join(', ')}, as \`{code, message, path?}\`.`,
    );
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** Records an answer's shape, and those of its mappings and lists of mappings. */
function remember(shown: Shown, schema: Schema, where: string): void {
  if (!shown.has(shape(schema, '').join('\n')))
    shown.set(shape(schema, '').join('\n'), `as ${where}`);
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    const inner = value.type === 'array' ? value.items : value;
    if (inner?.type !== 'object' || inner.properties === undefined) continue;
    const text = shape(inner, '').join('\n');
    const what = value.type === 'array' ? `each item of \`${key}\`` : `\`${key}\``;
    if (!shown.has(text)) shown.set(text, `as ${what} in ${where}`);
  }
}

function sentence(text: string | undefined): string {
  const t = (text ?? '').trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function parameterText(parameter: Parameter): string {
  const where = parameter.in === 'path' ? 'Path parameter' : 'Query parameter';
  const facts = [typeOf(parameter.schema)];
  if (parameter.schema.default !== undefined)
    facts.push(`default ${code(parameter.schema.default)}`);
  const what = parameter.description === undefined ? '' : `: ${parameter.description}`;
  return `${where} \`${parameter.name}\` (${facts.join(', ')})${what}.`;
}

/** The answer of every failure: `{code, message, path?}` and nothing else. */
function isErrorBody(schema: Schema): boolean {
  const keys = Object.keys(schema.properties ?? {}).sort();
  return keys.join(',') === 'code,message,path';
}

function codeBlock(lines: readonly string[], indent: string): string[] {
  return ['', '```text', ...lines, '```', ''].map((l) => (l === '' ? '' : indent + l));
}

/** A schema as a TypeScript-like outline, one field a line, descriptions as comments. */
function shape(schema: Schema, indent: string): string[] {
  const object = objectShape(schema, indent);
  if (object !== undefined) return object;
  return [typeOf(schema) + comment(schema)];
}

function objectShape(schema: Schema, indent: string): string[] | undefined {
  const properties = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (schema.type !== 'object') {
    if (schema.type === 'array' && schema.items?.type === 'object') {
      const inner = objectShape(schema.items, indent);
      if (inner !== undefined) return [...inner.slice(0, -1), `${inner.at(-1)}[]`];
    }
    return undefined;
  }
  const inner = `${indent}  `;
  const lines = ['{'];
  const required = new Set(schema.required ?? []);
  for (const [key, value] of properties) {
    const name = `${inner}${key}${required.has(key) ? '' : '?'}: `;
    const nested = objectShape(value, inner);
    if (nested !== undefined) {
      lines.push(`${name}${nested[0]}${comment(value)}`, ...nested.slice(1));
    } else {
      lines.push(`${name}${typeOf(value)}${comment(value)}`);
    }
  }
  if (typeof extra === 'object') {
    const nested = objectShape(extra, inner);
    const name = `${inner}[name: string]: `;
    if (nested !== undefined) {
      lines.push(`${name}${nested[0]}${comment(extra)}`, ...nested.slice(1));
    } else {
      lines.push(`${name}${typeOf(extra)}${comment(extra)}`);
    }
  } else if (extra === true || (extra === undefined && properties.length === 0)) {
    lines.push(`${inner}...`);
  }
  lines.push(`${indent}}${schema.nullable ? ' | null' : ''}`);
  return lines;
}

function comment(schema: Schema): string {
  const description = schema.description ?? schema.items?.description;
  return description === undefined ? '' : `  // ${description}`;
}

/** A scalar, list or union type in a few characters. */
function typeOf(schema: Schema): string {
  const nullable = schema.nullable ? ' | null' : '';
  if (schema.anyOf !== undefined) return schema.anyOf.map(typeOf).join(' | ') + nullable;
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.type === 'array') {
    const items = schema.items === undefined ? 'unknown' : typeOf(schema.items);
    return `${items.includes(' ') ? `(${items})` : items}[]${nullable}`;
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const range =
      schema.minimum !== undefined && schema.maximum !== undefined
        ? ` ${schema.minimum}..${schema.maximum}`
        : '';
    return `${schema.type}${range}${nullable}`;
  }
  if (schema.type === 'object') return `object${nullable}`;
  return `${schema.type ?? 'unknown'}${nullable}`;
}

/** Every code a request can be answered with, and its status. */
function errorTable(): string {
  const rows = Object.entries(errorCodes)
    .filter(
      ([name]) =>
        (name.startsWith('API_') && !START_UP_ONLY.has(name)) || name === 'CONFIG_INVALID',
    )
    .map(([name, entry]) => `| ${entry.status} | \`${name}\` | ${tableText(entry.message)} |`);
  return ['### Error codes', '', '| status | code | message |', '|---|---|---|', ...rows, ''].join(
    '\n',
  );
}

/** A message template in a table cell: placeholders as `…`, no HTML, no column breaks. */
function tableText(message: string): string {
  return message.replaceAll('%s', '…').replaceAll('<', '&lt;').replaceAll('|', '\\|');
}
