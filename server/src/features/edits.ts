/**
 * Minimal text edits on a metabase in IIS's own layout: set a value, rename or remove a property,
 * insert a property at its alphabetical place, insert a key. Each edit touches only the
 * characters it must; line ends follow the document (CRLF in files IIS wrote).
 */
import type { MetabaseDocument } from '../metabaseDocument';
import type { MetabaseKey } from '../model/metabaseModel';
import { encodeXmlValue } from '../parser/scanner';
import { attributeEnd, type XmlAttribute } from '../parser/xmlTypes';
import { indexOfCode, lastIndexOfCode, type TextSource } from '../parser/pieceText';

// The edits read the text through its pieces (parser/pieceText.ts): a quick fix offered on a big
// document just edited must not join it.
const LF = 10;
const CR = 13;

export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export function lineEnding(text: TextSource): string {
  const lf = indexOfCode(text, LF);
  return lf > 0 && text.charCodeAt(lf - 1) === CR ? '\r\n' : '\n';
}

export function setValue(key: MetabaseKey, attr: XmlAttribute, value: string): OffsetEdit | undefined {
  if (attr.valueStart < 0) return undefined;
  return { start: key.element.start + attr.valueStart, end: key.element.start + attr.valueEnd, newText: encodeXmlValue(value) };
}

export function renameProperty(key: MetabaseKey, attr: XmlAttribute, name: string): OffsetEdit {
  return { start: key.element.start + attr.nameStart, end: key.element.start + attr.nameEnd, newText: name };
}

/** Removes an attribute; when it stands on its own line, the whole line goes. */
export function removeProperty(doc: MetabaseDocument, key: MetabaseKey, attr: XmlAttribute): OffsetEdit {
  const text = doc.source;
  const at = (i: number): number => text.charCodeAt(i);
  const blank = (c: number): boolean => c === 32 || c === 9;
  const base = key.element.start;
  const start = base + attr.nameStart;
  const end = attributeEnd(text, base, attr);
  let s = start;
  while (s > 0 && blank(at(s - 1))) s--;
  let e = end;
  while (e < text.length && blank(at(e))) e++;
  const ownLineBefore = s === 0 || at(s - 1) === LF;
  const ownLineAfter = at(e) === CR || at(e) === LF;
  if (ownLineBefore && ownLineAfter) {
    if (at(e) === CR) e++;
    if (at(e) === LF) e++;
    return { start: s, end: e, newText: '' };
  }
  // Inline: drop the attribute and the blanks before it.
  return { start: s, end, newText: '' };
}

/**
 * Inserts `name="value"` into a key: on its own line at the (ordinal) place IIS would write it
 * when the key uses one attribute per line, else before the end of the start tag.
 */
export function insertProperty(doc: MetabaseDocument, key: MetabaseKey, name: string, value: string): OffsetEdit {
  const text = doc.source;
  const el = key.element;
  const nl = lineEnding(text);
  const attrs = el.attributes.filter((a) => a.name !== 'Location');
  const multiline = text.slice(el.start, el.startTagEnd).includes('\n');
  const encoded = `${name}="${encodeXmlValue(value)}"`;
  if (multiline) {
    const next = attrs.find((a) => a.name > name);
    if (next) {
      const lineStart = lastIndexOfCode(text, LF, el.start + next.nameStart) + 1;
      const indent = text.slice(lineStart, el.start + next.nameStart);
      if (/^[ \t]*$/.test(indent)) return { start: lineStart, end: lineStart, newText: `${indent}${encoded}${nl}` };
    }
    // After the last attribute (or Location): a new line with the attributes' indentation.
    const last = el.attributes[el.attributes.length - 1];
    const lastEnd = last ? attributeEnd(text, el.start, last) : el.nameEnd;
    const sample = attrs[0] ? text.slice(lastIndexOfCode(text, LF, el.start + attrs[0].nameStart) + 1, el.start + attrs[0].nameStart) : '\t\t';
    const indent = /^[ \t]*$/.test(sample) ? sample : '\t\t';
    return { start: lastEnd, end: lastEnd, newText: `${nl}${indent}${encoded}` };
  }
  const last = el.attributes[el.attributes.length - 1];
  const at = last ? attributeEnd(text, el.start, last) : el.nameEnd;
  return { start: at, end: at, newText: ` ${encoded}` };
}

/**
 * Renders a key in IIS's layout: tab before Location, one attribute per line in ordinal order
 * (IIS writes PingInterval, PingResponseTime, PingingEnabled: upper case sorts first), a `\t>`
 * line, the end tag.
 */
export function renderKey(keyType: string, location: string, properties: ReadonlyArray<readonly [string, string]>, nl: string): string {
  const lines = [`<${keyType}\tLocation ="${encodeXmlValue(location)}"`];
  const sorted = [...properties].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [name, value] of sorted) lines.push(`\t\t${name}="${encodeXmlValue(value)}"`);
  lines.push('\t>', `</${keyType}>`);
  return lines.join(nl) + nl;
}

/** Offset just after the line that ends `key` (its end tag), where a following key can start. */
export function afterKey(doc: MetabaseDocument, key: MetabaseKey): number {
  const text = doc.source;
  let e = key.element.end;
  const nl = indexOfCode(text, LF, e);
  const rest = nl < 0 ? text.slice(e) : text.slice(e, nl);
  if (/^[ \t\r]*$/.test(rest)) e = nl < 0 ? text.length : nl + 1;
  return e;
}
