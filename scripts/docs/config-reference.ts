/**
 * The key-by-key part of docs/configuration.md, written from the TypeBox schema of the file
 * and its documentation annotations (src/desired/schema-doc.ts), so that the reference lists
 * exactly the keys the manager accepts. Each mapping of the file is a section; each key a list
 * item with its full path, its type, its default and what it does.
 */
import { KindGuard, type TSchema } from '@sinclair/typebox';
import { ConfigFileSchema } from '../../src/desired/schema.ts';
import type { KeyDoc } from '../../src/desired/schema-doc.ts';
import { code, wrap } from './markdown.ts';

type Annotated = TSchema & KeyDoc & { readonly description?: string };

interface Section {
  readonly path: string;
  /** The object's own text, for sections that no key item introduces (`processes.<name>`). */
  readonly doc: string | undefined;
  readonly items: string[];
}

/** A mapping inside a key's value, with the path it has in the file. */
interface Nested {
  readonly path: string;
  readonly schema: TSchema;
  /** Reached through a list or a mapping of names: no key item introduces it. */
  readonly contained: boolean;
}

export function configReference(schema: TSchema = ConfigFileSchema): string {
  const sections: Section[] = [];
  addSection(sections, schema, '', false);
  return sections.map(renderSection).join('\n');
}

function addSection(sections: Section[], object: TSchema, path: string, contained: boolean) {
  const section: Section = {
    path,
    doc: contained ? (object as Annotated).doc : undefined,
    items: [],
  };
  sections.push(section);
  const later: Nested[] = [];
  const required = new Set<string>((object.required as string[] | undefined) ?? []);
  for (const [key, value] of Object.entries(object.properties as Record<string, TSchema>)) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    section.items.push(item(keyPath, value, required.has(key)));
    // A mapping of names to plain values (`env`): its entries get an item of their own.
    for (const record of recordsIn(value)) {
      const entry = recordValue(record);
      if (nestedIn(entry, '').length === 0) {
        section.items.push(item(`${keyPath}.<${placeholder(record)}>`, entry, false));
      }
    }
    later.push(...nestedIn(value, keyPath));
  }
  for (const nested of later) addSection(sections, nested.schema, nested.path, nested.contained);
}

/** The mappings within a value: itself, list items, values of a mapping of names, variants. */
function nestedIn(schema: TSchema, path: string, contained = false): Nested[] {
  if (KindGuard.IsObject(schema)) return [{ path, schema, contained }];
  if (KindGuard.IsRecord(schema)) {
    return nestedIn(recordValue(schema), `${path}.<${placeholder(schema)}>`, true);
  }
  if (KindGuard.IsArray(schema)) return nestedIn(schema.items, `${path}[]`, true);
  if (KindGuard.IsUnion(schema)) {
    // A hook list is a list of hooks or one hook: the hook is documented once, as a list item.
    const seen = new Set<TSchema>();
    return schema.anyOf
      .flatMap((variant) => nestedIn(variant, path, contained))
      .filter((nested) => !seen.has(nested.schema) && seen.add(nested.schema));
  }
  return [];
}

function recordsIn(schema: TSchema): TSchema[] {
  if (KindGuard.IsRecord(schema)) return [schema];
  if (KindGuard.IsUnion(schema)) return schema.anyOf.filter((v) => KindGuard.IsRecord(v));
  return [];
}

function recordValue(record: TSchema): TSchema {
  return Object.values(record.patternProperties as Record<string, TSchema>)[0]!;
}

function placeholder(record: TSchema): string {
  return (record as Annotated).docKey ?? 'key';
}

function item(path: string, schema: TSchema, required: boolean): string {
  const annotated = schema as Annotated;
  const defaultText =
    typeof annotated.defaultText === 'function' ? annotated.defaultText() : annotated.defaultText;
  const facts = [typeText(schema)];
  if (required) facts.push('required');
  else if (defaultText !== undefined) {
    facts.push(defaultText.startsWith('`') ? `default ${defaultText}` : `default: ${defaultText}`);
  }
  const head = `**\`${path}\`** (${facts.join(', ')})`;
  return wrap(annotated.doc === undefined ? head : `${head}: ${annotated.doc}`, '- ', '  ');
}

/** The type in a few words. */
export function typeText(schema: TSchema): string {
  const annotated = schema as Annotated;
  if (annotated.docType !== undefined) return annotated.docType;
  if (KindGuard.IsUnion(schema)) {
    if (schema.anyOf.every((v) => KindGuard.IsLiteral(v))) {
      return alternatives(schema.anyOf.map((v) => code(v.const)));
    }
    return annotated.description ?? schema.anyOf.map(typeText).join(' or ');
  }
  if (KindGuard.IsLiteral(schema)) return code(schema.const);
  if (KindGuard.IsString(schema)) return 'string';
  if (KindGuard.IsInteger(schema)) return `integer${bounds(schema)}`;
  if (KindGuard.IsNumber(schema)) return `number${bounds(schema)}`;
  if (KindGuard.IsBoolean(schema)) return 'boolean';
  if (KindGuard.IsNull(schema)) return 'nothing';
  if (KindGuard.IsArray(schema)) {
    return KindGuard.IsString(schema.items)
      ? 'list of strings'
      : `list of ${typeText(schema.items)}`;
  }
  return 'mapping';
}

/** `a`, `a or b`, `a, b or c`. */
function alternatives(words: string[]): string {
  return words.length <= 2
    ? words.join(' or ')
    : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function bounds(schema: { minimum?: number; maximum?: number }): string {
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    return ` from ${schema.minimum} to ${schema.maximum}`;
  }
  if (schema.minimum !== undefined) return ` >= ${schema.minimum}`;
  if (schema.maximum !== undefined) return ` <= ${schema.maximum}`;
  return '';
}

function renderSection(section: Section): string {
  const heading = section.path === '' ? '### Top level' : `### \`${section.path}\``;
  const doc = section.doc === undefined ? [] : [wrap(section.doc, '', ''), ''];
  return [heading, '', ...doc, ...section.items, ''].join('\n');
}
