/**
 * What the catalog knows of a property or key type, as data (for `iis6-metabase describe`) and
 * as Markdown (the static part of every hover). Both come from here so they never disagree.
 */
import { installValue } from '../data/installDefaults';
import type { SchemaCatalog } from '../schema/catalog';
import type { PropertyData, PropertyLevel } from '../schema/types';
import { suggest } from '../schema/suggest';
import { mdCode, mdProse, mdText, unescapeMarkdown } from './markdown';
import { unitAfter } from '../util/words';

export interface ValueDescription {
  name: string;
  value: number;
  meaning: string | null;
}

export interface PropertyDescription {
  name: string;
  kind: 'property';
  id: number;
  type: string;
  /** The schema default (what IIS assumes when no key up the tree sets the property). */
  default: string | number | boolean | null;
  /** `install`: what IIS setup writes where that is not the schema default (data/installDefaults.ts). */
  defaults: { schema: string | null; documented: string | null; internal: string | null; install: string | null };
  min: number | null;
  max: number | null;
  units: string | null;
  inherit: boolean;
  secure: boolean;
  keyTypes: string[];
  level: PropertyLevel;
  values: ValueDescription[];
  keywords: string[];
  status: string[];
  summary: string;
  note: string | null;
  source: string | null;
  /** True when the text is generated from schema facts rather than written documentation. */
  generated: boolean;
}

export interface KeyTypeDescription {
  name: string;
  kind: 'keyType';
  summary: string;
  locations: string[];
  children: string[];
  propertyCount: number;
  source: string | null;
  generated: boolean;
}

export type Description = PropertyDescription | KeyTypeDescription;

const LEVEL_TEXT: Record<PropertyLevel, string> = {
  application: 'application level: acts on the whole application it is set on, in either isolation mode',
  process: 'process level: only honoured on /LM/W3SVC (or on a site whose application runs isolated in IIS 5.0 isolation mode)',
  pool: 'application-pool level: set on IIsApplicationPool or /LM/W3SVC/AppPools; takes effect when the pool recycles',
  other: '',
};

const USER_TYPE_AREA: Record<string, string> = {
  IIS_MD_UT_SERVER: 'server behaviour',
  IIS_MD_UT_FILE: 'file and directory access',
  IIS_MD_UT_WAM: 'application hosting',
  ASP_MD_UT_APP: 'ASP applications',
};

function typedDefault(p: PropertyData): string | number | boolean | null {
  const d = p.schemaDefault;
  if (d === undefined) return null;
  if (p.type === 'BOOL') {
    const v = d.trim().toUpperCase();
    return v === 'TRUE' || v === '1' ? true : v === 'FALSE' || v === '0' ? false : d;
  }
  if (p.type === 'DWORD' && !p.flags && /^\d+$/.test(d.trim())) return Number(d);
  return d;
}

function generatedSummary(p: PropertyData): string {
  const area = USER_TYPE_AREA[p.userType] ?? 'configuration';
  const where = p.keyTypes.length > 0 ? ` It may be set on ${p.keyTypes.join(', ')}.` : ' The schema assigns it to no key type.';
  const inherit = p.inherit ? ' Keys below inherit it unless they set their own value.' : ' It applies only to the key it is set on.';
  const secure = p.secure ? ' IIS stores it encrypted.' : '';
  return `A ${p.type} metabase property (ID ${p.id}) concerning ${area}.${where}${inherit}${secure}`;
}

export function describeProperty(catalog: SchemaCatalog, p: PropertyData): PropertyDescription {
  const doc = catalog.doc(p.name);
  const values = catalog.valueOptions(p).map((v) => ({ name: v.name, value: v.value, meaning: v.meaning ?? null }));
  return {
    name: p.name,
    kind: 'property',
    id: p.id,
    type: p.type,
    default: typedDefault(p),
    defaults: {
      schema: p.schemaDefault ?? null,
      documented: p.facts?.documentedDefault ?? null,
      internal: p.facts?.internalDefault ?? null,
      install: installValue(p) ?? null,
    },
    min: p.min ?? null,
    max: p.max ?? null,
    units: p.facts?.units ?? null,
    inherit: p.inherit,
    secure: p.secure,
    keyTypes: [...p.keyTypes],
    level: catalog.level(p),
    values,
    keywords: p.facts?.keywords ?? [],
    status: p.facts?.status ?? [],
    summary: doc?.summary ?? generatedSummary(p),
    note: doc?.note ?? null,
    source: p.facts?.source ?? null,
    generated: !doc,
  };
}

export function describeKeyType(catalog: SchemaCatalog, name: string): KeyTypeDescription | undefined {
  if (!catalog.isKnownKeyType(name)) return undefined;
  const k = catalog.keyType(name);
  const doc = catalog.keyTypeDoc(name);
  const generic = catalog.isGenericKeyType(name);
  const children = generic ? ['(any key type)'] : (k?.containers ?? []);
  const summary =
    doc?.summary ??
    (generic
      ? 'A generic key: it may hold any property and sit anywhere in the tree.'
      : `A ${name} key of the metabase.${children.length > 0 ? ` It may contain ${children.join(', ')}.` : ''}`);
  return {
    name,
    kind: 'keyType',
    summary,
    locations: k?.locationPatterns ?? [],
    children,
    propertyCount: catalog.propertiesOf(name).length,
    source: k?.source ?? null,
    generated: !doc,
  };
}

/** Looks a name up as a property first, then as a key type. */
export function describe(catalog: SchemaCatalog, name: string): Description | undefined {
  const p = catalog.property(name);
  if (p) return describeProperty(catalog, p);
  return describeKeyType(catalog, name);
}

export function suggestNames(catalog: SchemaCatalog, name: string): string[] {
  return suggest(name, [...catalog.allPropertyNames(), ...catalog.allKeyTypeNames()], 5);
}

function formatDefault(d: PropertyDescription): string | undefined {
  const parts: string[] = [];
  if (d.defaults.schema !== null && d.defaults.schema !== '') parts.push(`${mdCode(d.defaults.schema)}${d.units ? ` ${mdText(unitAfter(d.defaults.schema, d.units))}` : ''} (schema)`);
  const { internal, install, documented } = d.defaults;
  if (internal !== null && internal !== d.defaults.schema) parts.push(`${mdCode(internal)} (IIS internal default${install === internal ? ', written at install' : ''})`);
  if (install !== null && install !== internal) parts.push(`${mdCode(install)} (written at install)`);
  if (documented !== null && documented !== d.defaults.schema && documented !== internal && documented !== install) {
    parts.push(`${mdCode(documented)} (reference page)`);
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The static Markdown of a property: the same facts `describe` prints. */
export function propertyMarkdown(d: PropertyDescription): string {
  const lines: string[] = [];
  lines.push(`**${mdText(d.name)}** — ${d.type}${d.units ? `, ${mdText(d.units)}` : ''}${d.inherit ? ', inherited' : ''}${d.secure ? ', secure (stored encrypted)' : ''}`);
  lines.push('');
  lines.push(mdProse(d.summary));
  if (d.note) {
    lines.push('');
    lines.push(`*Note:* ${mdProse(d.note)}`);
  }
  const facts: string[] = [];
  const def = formatDefault(d);
  if (def) facts.push(`Default: ${def}`);
  if (d.min !== null || d.max !== null) facts.push(`Range: ${d.min ?? 0} – ${d.max ?? 4294967295}`);
  if (LEVEL_TEXT[d.level]) facts.push(`Level: ${LEVEL_TEXT[d.level]}`);
  if (d.keyTypes.length > 0) facts.push(`Valid on: ${mdText(d.keyTypes.join(', '))}`);
  if (d.status.length > 0) facts.push(`Status: ${mdText(d.status.join(', '))}`);
  if (facts.length > 0) {
    lines.push('');
    for (const f of facts) lines.push(`- ${f}`);
  }
  if (d.values.length > 0) {
    lines.push('');
    lines.push('| Value | | Meaning |');
    lines.push('|---|---:|---|');
    for (const v of d.values) lines.push(`| ${mdCode(v.name)} | ${v.value} | ${mdProse(v.meaning ?? '')} |`);
  }
  if (d.keywords.length > 0) {
    lines.push('');
    lines.push(`Keywords: ${d.keywords.map((k) => mdCode(k)).join(', ')}`);
  }
  if (d.source) {
    lines.push('');
    lines.push(`[Reference](${d.source})`);
  }
  return lines.join('\n');
}

export function keyTypeMarkdown(d: KeyTypeDescription): string {
  const lines = [`**${mdCode(`<${d.name}>`)}** — metabase key type`, '', mdProse(d.summary)];
  const facts: string[] = [];
  if (d.locations.length > 0) facts.push(`Location: ${d.locations.map((l) => mdCode(l)).join(', ')}`);
  if (d.children.length > 0) facts.push(`May contain: ${mdText(d.children.join(', '))}`);
  if (facts.length > 0) {
    lines.push('');
    for (const f of facts) lines.push(`- ${f}`);
  }
  if (d.source) {
    lines.push('');
    lines.push(`[Reference](${d.source})`);
  }
  return lines.join('\n');
}

/** Plain-text rendering for the terminal. */
export function descriptionText(d: Description): string {
  const md = d.kind === 'property' ? propertyMarkdown(d) : keyTypeMarkdown(d);
  const text = md
    .replace(/\*\*/g, '')
    .replace(/\*Note:\*/g, 'Note:')
    .replace(/\[Reference\]\((.*)\)/g, 'Reference: $1')
    .replace(/^\|---.*$/gm, '')
    .replace(/^\| (.*) \|$/gm, (_m, row: string) => '  ' + row.split(' | ').join('  '))
    .replace(/\n{3,}/g, '\n\n');
  // Code spans lose their backticks; the text around them its escapes.
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.slice(1, -1) : unescapeMarkdown(part)))
    .join('');
}
