/**
 * Completion: key types (with a Location that fits), properties valid for the key type and not
 * yet set (with their documentation), and values: TRUE/FALSE, enumeration values with their
 * meaning, flag names joined with ` | `, existing pools for AppPoolId, Locations for the key type.
 */
import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  MarkupKind,
  TextEdit,
  type CompletionItem,
  type CompletionList,
  type MarkupContent,
} from 'vscode-languageserver-types';
import { installValue } from '../data/installDefaults';
import type { MetabaseDocument } from '../metabaseDocument';
import { lastSegment, type MetabaseKey, type MetabaseModel } from '../model/metabaseModel';
import type { XmlElement } from '../parser/xmlTypes';
import type { SchemaCatalog } from '../schema/catalog';
import type { PropertyData } from '../schema/types';
import { cursorContext } from './cursor';
import { describeKeyType, describeProperty, keyTypeMarkdown, propertyMarkdown } from './describe';
import { mdCode, mdProse } from './markdown';

const CUSTOM_ATTRIBUTES = ['Name', 'ID', 'Value', 'Type', 'UserType', 'Attributes'];
const CUSTOM_TYPES = ['DWORD', 'STRING', 'BINARY', 'MULTISZ', 'EXPANDSZ'];
const USER_TYPES = ['IIS_MD_UT_SERVER', 'IIS_MD_UT_FILE', 'IIS_MD_UT_WAM', 'ASP_MD_UT_APP'];

export function doComplete(doc: MetabaseDocument, offset: number): CompletionList {
  const ctx = cursorContext(doc, offset);
  const items: CompletionItem[] = [];
  switch (ctx.kind) {
    case 'elementName':
      if (!ctx.endTag) items.push(...keyTypeItems(doc, ctx.element.start + 1, offset, ctx.element.parent ?? undefined, precedingKey(doc, ctx.element.start)));
      break;
    case 'content':
      if (ctx.prefix !== undefined) items.push(...keyTypeItems(doc, ctx.prefixStart + 1, offset, ctx.parent, precedingKey(doc, ctx.prefixStart)));
      break;
    case 'inStartTag':
      items.push(...attributeItems(doc, ctx.element, ctx.key, ctx.prefixStart, offset));
      break;
    case 'attributeName':
      items.push(...attributeItems(doc, ctx.element, ctx.key, ctx.start, offset, ctx.attr.name));
      break;
    case 'attributeValue':
      if (ctx.key && ctx.element === ctx.key.element) items.push(...valueItems(doc, ctx.key, ctx.attr.name, ctx.start, ctx.end, offset));
      else if (ctx.element.name === 'Custom') items.push(...customValueItems(doc, ctx.attr.name, ctx.start, ctx.end));
      break;
  }
  const line = lineAround(doc, offset);
  return { isIncomplete: false, items: items.map((item) => onCursorLine(doc, offset, line, item)) };
}

/** Offsets of the start and the end (before its line break) of the line holding `offset`, from the line index. */
function lineAround(doc: MetabaseDocument, offset: number): { start: number; end: number } {
  const starts = doc.lines.lineStarts;
  const line = doc.lines.positionAt(offset).line;
  const start = starts[line];
  let end = line + 1 < starts.length ? starts[line + 1] : doc.length;
  if (end > start && doc.source.charCodeAt(end - 1) === 10) end--;
  if (end > start && doc.source.charCodeAt(end - 1) === 13) end--;
  return { start, end };
}

/**
 * LSP wants a completion edit on one line and around the cursor. An edit of a value that spans
 * lines (a MULTISZ value, or one whose closing quote is missing) is cut to the cursor's line.
 */
function onCursorLine(doc: MetabaseDocument, offset: number, line: { start: number; end: number }, item: CompletionItem): CompletionItem {
  const edit = item.textEdit;
  if (!edit || !('range' in edit)) return item;
  const s = doc.offsetAt(edit.range.start);
  const e = doc.offsetAt(edit.range.end);
  if (s >= line.start && e <= line.end && s <= offset && offset <= e) return item;
  const start = Math.min(Math.max(s, line.start), offset);
  const end = Math.max(Math.min(e, line.end), offset);
  return { ...item, textEdit: TextEdit.replace(doc.lines.range(start, end), edit.newText) };
}

function precedingKey(doc: MetabaseDocument, offset: number): MetabaseKey | undefined {
  const keys = doc.model.keys;
  let found: MetabaseKey | undefined;
  for (let lo = 0, hi = keys.length - 1; lo <= hi; ) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid].element.start < offset) {
      found = keys[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

// ---- key types --------------------------------------------------------------------------

function keyTypeItems(doc: MetabaseDocument, replaceStart: number, offset: number, xmlParent: XmlElement | undefined, previous: MetabaseKey | undefined): CompletionItem[] {
  const range = doc.lines.range(replaceStart, offset);
  const m = doc.model;
  if (xmlParent && m.keyOf(xmlParent)) {
    // Inside a key only <Custom> may appear.
    return [{
      label: 'Custom',
      kind: CompletionItemKind.Class,
      detail: 'custom property',
      textEdit: TextEdit.replace(range, 'Custom\n\t\tName="$1"\n\t\tID="$2"\n\t\tValue="$3"\n\t\tType="${4|DWORD,STRING,BINARY,MULTISZ,EXPANDSZ|}"\n\t\tUserType="${5|IIS_MD_UT_SERVER,IIS_MD_UT_FILE,IIS_MD_UT_WAM,ASP_MD_UT_APP|}"\n\t\tAttributes="${6|NO_ATTRIBUTES,INHERIT|}"\n\t/>'),
      insertTextFormat: InsertTextFormat.Snippet,
    }];
  }
  // Keys that may sit under the preceding key or one of its ancestors come first.
  const parents: MetabaseKey[] = [];
  for (let k = previous; k; k = k.parent ?? undefined) parents.push(k);
  const items: CompletionItem[] = [];
  for (const name of doc.catalog.childKeyTypes(undefined)) {
    const underIdx = parents.findIndex((p) => doc.catalog.canContain(p.keyType, name) === true && !doc.catalog.isGenericKeyType(p.keyType));
    const under = underIdx >= 0 ? parents[underIdx] : undefined;
    const location = under ? suggestChildLocation(m, under, name) : defaultLocation(m, name);
    const d = describeKeyType(doc.catalog, name);
    items.push({
      label: name,
      kind: CompletionItemKind.Class,
      detail: under ? `key under ${under.location}` : 'metabase key',
      documentation: d ? { kind: MarkupKind.Markdown, value: keyTypeMarkdown(d) } : undefined,
      sortText: `${under ? String(underIdx).padStart(2, '0') : '99'}${name}`,
      textEdit: TextEdit.replace(range, `${name}\tLocation ="\${1:${location.replace(/[$}\\]/g, '\\$&')}}"\n\t\t$0\n\t>\n</${name}>`),
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  return items;
}

function nextSiteNumber(m: MetabaseModel): number {
  let max = 0;
  for (const s of m.sites()) max = Math.max(max, Number(lastSegment(s.location)) || 0);
  return max + 1;
}

function defaultLocation(m: MetabaseModel, keyType: string): string {
  switch (keyType) {
    case 'IIsApplicationPool':
      return '/LM/W3SVC/AppPools/NewPool';
    case 'IIsApplicationPools':
      return '/LM/W3SVC/AppPools';
    case 'IIsWebServer':
      return `/LM/W3SVC/${nextSiteNumber(m)}`;
    case 'IIsWebService':
      return '/LM/W3SVC';
    case 'IIsWebVirtualDir':
      return `/LM/W3SVC/${nextSiteNumber(m) - 1 || 1}/ROOT`;
    case 'IIsComputer':
      return '/LM';
    default:
      return doLocationPattern(m, keyType);
  }
}

function doLocationPattern(m: MetabaseModel, keyType: string): string {
  return m.catalog.keyType(keyType)?.locationPatterns?.[0]?.replace(/\bn\b/, '1') ?? '/LM/';
}

function suggestChildLocation(m: MetabaseModel, parent: MetabaseKey, keyType: string): string {
  if (keyType === 'IIsApplicationPool') return '/LM/W3SVC/AppPools/NewPool';
  if (keyType === 'IIsWebServer') return `/LM/W3SVC/${nextSiteNumber(m)}`;
  if (keyType === 'IIsWebVirtualDir' && m.isSite(parent)) return `${parent.location}/ROOT`;
  if (keyType === 'IIsFilters' && m.isSite(parent)) return `${parent.location}/Filters`;
  return `${parent.location}/`;
}

// ---- properties -------------------------------------------------------------------------

function attributeItems(doc: MetabaseDocument, el: XmlElement, key: MetabaseKey | undefined, replaceStart: number, offset: number, current?: string): CompletionItem[] {
  const range = doc.lines.range(replaceStart, offset);
  const set = new Set(el.attributes.map((a) => a.name).filter((n) => n !== current));
  if (el.name === 'Custom') {
    return CUSTOM_ATTRIBUTES.filter((n) => !set.has(n)).map((n) => ({
      label: n,
      kind: CompletionItemKind.Property,
      textEdit: TextEdit.replace(range, `${n}="$1"`),
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  if (!key || key.element !== el) return [];
  const items: CompletionItem[] = [];
  if (!set.has('Location')) {
    items.push({ label: 'Location', kind: CompletionItemKind.Property, sortText: '0Location', textEdit: TextEdit.replace(range, 'Location ="$1"'), insertTextFormat: InsertTextFormat.Snippet });
  }
  for (const p of doc.catalog.propertiesOf(key.keyType)) {
    if (set.has(p.name) || p.hidden) continue;
    items.push(propertyItem(doc, p, range, doc.model.isolationMode()));
  }
  return items;
}

/** The parts of a property's completion item that do not depend on where it is asked, per catalog and mode. */
const propertyItemParts = new WeakMap<SchemaCatalog, Map<string, { detail: string; documentation: MarkupContent; sortText: string; tags: CompletionItemTag[] | undefined; snippet: string }>>();

function propertyItem(doc: MetabaseDocument, p: PropertyData, range: ReturnType<MetabaseDocument['lines']['range']>, mode: string): CompletionItem {
  // Worked out once: a key type offers a hundred properties, and their descriptions took most of
  // a completion request (p95 4 ms at 10,000 sites).
  let parts = propertyItemParts.get(doc.catalog);
  if (!parts) propertyItemParts.set(doc.catalog, (parts = new Map()));
  const id = `${mode}\u0000${p.name}`;
  let known = parts.get(id);
  if (!known || parts.size > 4096) {
    if (parts.size > 4096) parts.clear();
    const d = describeProperty(doc.catalog, p);
    const readOnly = d.status.includes('readOnly');
    const ignored = mode === 'iis5' && d.level === 'pool';
    // What IIS writes at install where the schema default says otherwise (PeriodicRestartTime 1740, not 60).
    const install = installValue(p);
    const schemaDefault = p.schemaDefault ?? '';
    const installNote = install === undefined ? '' : ` · IIS writes ${install} at install${schemaDefault !== '' ? ` (schema default ${schemaDefault})` : ''}`;
    const bool = install === 'FALSE' ? 'FALSE,TRUE' : 'TRUE,FALSE';
    known = {
      detail: `${p.type}${d.units ? `, ${d.units}` : ''}${d.level !== 'other' ? ` · ${d.level} level` : ''}${readOnly ? ' · maintained by IIS' : ''}${installNote}`,
      documentation: { kind: MarkupKind.Markdown, value: propertyMarkdown(d) },
      sortText: `${readOnly || ignored || d.generated ? '2' : '1'}${p.name}`,
      tags: d.status.includes('obsoleteInIIS6') ? [CompletionItemTag.Deprecated] : undefined,
      snippet: p.type === 'BOOL' ? `${p.name}="\${1|${bool}|}"` : `${p.name}="\${1:${(install ?? schemaDefault).replace(/[$}\\]/g, '\\$&')}}"`,
    };
    parts.set(id, known);
  }
  return {
    label: p.name,
    kind: CompletionItemKind.Property,
    detail: known.detail,
    documentation: known.documentation,
    sortText: known.sortText,
    tags: known.tags,
    textEdit: TextEdit.replace(range, known.snippet),
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

// ---- values -----------------------------------------------------------------------------

function valueItems(doc: MetabaseDocument, key: MetabaseKey, name: string, valueStart: number, valueEnd: number, offset: number): CompletionItem[] {
  const m = doc.model;
  const whole = doc.lines.range(valueStart, valueEnd);
  const plain = (label: string, detail?: string, documentation?: string, sort?: string): CompletionItem => ({
    label,
    kind: CompletionItemKind.Value,
    detail,
    documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined,
    sortText: sort,
    textEdit: TextEdit.replace(whole, label),
  });
  if (name === 'Location') return locationItems(m, key).map((l) => plain(l, 'a Location for ' + key.keyType));
  if (name === 'AppPoolId') {
    return [...m.pools().values()].map((pool) => {
      const apps = m.applicationsByPool().get(m.poolName(pool).toLowerCase())?.length ?? 0;
      return plain(m.poolName(pool), `application pool · ${apps} application${apps === 1 ? '' : 's'}`, mdCode(pool.location));
    });
  }
  if (name === 'AppRoot') return [plain(key.location, "this key's Location")];
  const p = doc.catalog.property(name);
  if (!p) return [];
  if (p.type === 'BOOL') return [plain('TRUE'), plain('FALSE')];
  const options = doc.catalog.valueOptions(p);
  if (p.flags && p.flags.length > 0) {
    // Complete the flag under the cursor; the others stay.
    const text = doc.source;
    const charAt = (i: number): string => text.slice(i, i + 1);
    let s = offset;
    while (s > valueStart && charAt(s - 1) !== '|') s--;
    let e = offset;
    while (e < valueEnd && charAt(e) !== '|') e++;
    const present = new Set(text.slice(valueStart, valueEnd).split('|').map((x) => x.trim().toLowerCase()));
    // The token without the blanks around it, but always around the cursor (LSP requires it):
    // in `t |` typed after a space, the edit replaces `t ` up to the cursor.
    let ts = s;
    while (ts < offset && /\s/.test(charAt(ts))) ts++;
    let te = e;
    while (te > offset && /\s/.test(charAt(te - 1))) te--;
    const tokenRange = doc.lines.range(ts, te);
    return options
      .filter((o) => !present.has(o.name.toLowerCase()) || text.slice(s, e).trim().toLowerCase() === o.name.toLowerCase())
      .map((o) => ({
        label: o.name,
        kind: CompletionItemKind.EnumMember,
        detail: `flag ${o.value}`,
        documentation: o.meaning ? { kind: MarkupKind.Markdown, value: mdProse(o.meaning) } : undefined,
        textEdit: TextEdit.replace(tokenRange, o.name),
      }));
  }
  if (options.length > 0) {
    // Labelled with what the value means ("2 — NetworkService"); the number is what is inserted.
    const usual = installValue(p) ?? p.schemaDefault;
    return options.map((o) => {
      const constant = o.label !== o.name ? o.name : undefined;
      const detail = [constant, o.text === usual ? 'default' : undefined].filter((x) => x !== undefined).join(' · ');
      return {
        ...plain(o.text, detail || undefined, enumMeaning(m, p.name, o.value, o.meaning), String(o.value).padStart(10, '0')),
        label: o.label ? `${o.text} — ${o.label}` : o.text,
        filterText: o.label ? `${o.text} ${o.label}` : o.text,
      };
    });
  }
  if (p.facts?.keywords) return p.facts.keywords.map((k) => plain(k));
  return [];
}

function enumMeaning(m: MetabaseModel, name: string, value: number, meaning: string | undefined): string {
  const base = mdProse(meaning ?? '');
  if (name !== 'AppIsolated') return base;
  const mode = m.isolationMode();
  const process = ['Inetinfo.exe', 'a DLLHost.exe of its own', 'the shared pooled DLLHost.exe'][value];
  // In worker mode what the value does there comes first: nothing.
  if (mode === 'worker') return `**This file runs in worker process isolation mode, where the pool decides the process, not this value.**\n\nOnly in IIS 5.0 isolation mode: ${process}. ${base}`;
  return `${base}\n\nIn IIS 5.0 isolation mode: ${process}.`;
}

function locationItems(m: MetabaseModel, key: MetabaseKey): string[] {
  const out = new Set<string>();
  switch (key.keyType) {
    case 'IIsApplicationPool':
      out.add('/LM/W3SVC/AppPools/');
      break;
    case 'IIsWebServer':
      out.add(`/LM/W3SVC/${nextSiteNumber(m)}`);
      break;
    case 'IIsWebVirtualDir':
      for (const s of m.sites()) out.add(`${s.location}/ROOT`);
      for (const k of m.keys) if (k.keyType === 'IIsWebVirtualDir' && k !== key && !m.isTemplate(k)) out.add(`${k.location}/`);
      break;
    case 'IIsWebDirectory':
    case 'IIsWebFile':
      for (const k of m.keys) if ((k.keyType === 'IIsWebVirtualDir' || k.keyType === 'IIsWebDirectory') && k !== key && !m.isTemplate(k)) out.add(`${k.location}/`);
      break;
    case 'IIsFilters':
      for (const s of m.sites()) out.add(`${s.location}/Filters`);
      break;
    default:
      out.add(defaultLocation(m, key.keyType));
  }
  return [...out].slice(0, 200);
}

function customValueItems(doc: MetabaseDocument, name: string, valueStart: number, valueEnd: number): CompletionItem[] {
  const range = doc.lines.range(valueStart, valueEnd);
  const list = name === 'Type' ? CUSTOM_TYPES : name === 'UserType' ? USER_TYPES : name === 'Attributes' ? ['NO_ATTRIBUTES', 'INHERIT', 'INHERIT | SECURE'] : [];
  return list.map((label) => ({ label, kind: CompletionItemKind.Value, textEdit: TextEdit.replace(range, label) }));
}
