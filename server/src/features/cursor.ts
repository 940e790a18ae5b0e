/**
 * What is under the cursor: an element name, an attribute name, a value (and which MULTISZ line of
 * it), the blank space inside a start tag, or text between elements. Hover, completion,
 * definition and rename all start from here.
 */
import type { MetabaseDocument } from '../metabaseDocument';
import type { MetabaseKey } from '../model/metabaseModel';
import { lastStartingAtOrBefore } from '../parser/incremental';
import type { XmlAttribute, XmlElement } from '../parser/xmlTypes';

export type CursorContext =
  | { kind: 'elementName'; element: XmlElement; key: MetabaseKey | undefined; start: number; end: number; endTag: boolean }
  | { kind: 'attributeName'; element: XmlElement; key: MetabaseKey | undefined; attr: XmlAttribute; start: number; end: number }
  | { kind: 'attributeValue'; element: XmlElement; key: MetabaseKey | undefined; attr: XmlAttribute; start: number; end: number; offsetInValue: number }
  /** Blank space inside a start tag, where a new attribute can be typed; `prefix` is what is typed so far. */
  | { kind: 'inStartTag'; element: XmlElement; key: MetabaseKey | undefined; prefix: string; prefixStart: number }
  /** Between elements; `prefix` is a partly typed `<Name`, if any. */
  | { kind: 'content'; parent: XmlElement | undefined; parentKey: MetabaseKey | undefined; prefix: string | undefined; prefixStart: number };

/** The innermost element whose range contains `offset` (start tag included). */
export function elementAt(doc: MetabaseDocument, offset: number): XmlElement | undefined {
  const els = doc.xml.elements;
  const found = lastStartingAtOrBefore(els, offset);
  for (let el: XmlElement | null = found >= 0 ? els[found] : null; el; el = el.parent) {
    if (offset >= el.start && (offset < el.end || (offset === el.end && el.endTagStart < 0 && !el.selfClosing))) return el;
  }
  return undefined;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 58;
}

export function cursorContext(doc: MetabaseDocument, offset: number): CursorContext {
  // Read through the pieces: hovering a big document just edited must not join its text.
  const text = doc.source;
  const el = elementAt(doc, offset);
  const keyOf = (e: XmlElement): MetabaseKey | undefined => {
    for (let x: XmlElement | null = e; x; x = x.parent) {
      const k = doc.model.keyOf(x);
      if (k) return k;
    }
    return undefined;
  };
  if (el) {
    const key = keyOf(el);
    if (offset > el.start && offset <= el.nameEnd) return { kind: 'elementName', element: el, key, start: el.start + 1, end: el.nameEnd, endTag: false };
    if (el.endTagStart >= 0 && offset >= el.endTagStart + 2 && offset <= el.endTagStart + 2 + el.name.length) {
      return { kind: 'elementName', element: el, key, start: el.endTagStart + 2, end: el.endTagStart + 2 + el.name.length, endTag: true };
    }
    const inStartTag = offset > el.nameEnd && (offset < el.startTagEnd || (offset === el.startTagEnd && text.charCodeAt(offset - 1) !== 62));
    if (inStartTag) {
      for (const attr of el.attributes) {
        const ns = el.start + attr.nameStart;
        const ne = el.start + attr.nameEnd;
        if (offset >= ns && offset <= ne) return { kind: 'attributeName', element: el, key, attr, start: ns, end: ne };
        if (attr.valueStart >= 0) {
          const vs = el.start + attr.valueStart;
          const ve = el.start + attr.valueEnd;
          if (offset >= vs && offset <= ve) return { kind: 'attributeValue', element: el, key, attr, start: vs, end: ve, offsetInValue: offset - vs };
        }
      }
      let p = offset;
      while (p > el.nameEnd && isNameChar(text.charCodeAt(p - 1))) p--;
      return { kind: 'inStartTag', element: el, key, prefix: text.slice(p, offset), prefixStart: p };
    }
  }
  // Between elements: a partly typed start tag such as `<IIsWe`.
  let p = offset;
  while (p > 0 && isNameChar(text.charCodeAt(p - 1))) p--;
  const typedTag = p > 0 && text.charCodeAt(p - 1) === 60;
  const parent = el && offset >= el.startTagEnd ? el : el?.parent ?? undefined;
  return {
    kind: 'content',
    parent,
    parentKey: parent ? keyOf(parent) : undefined,
    prefix: typedTag ? text.slice(p, offset) : undefined,
    prefixStart: typedTag ? p - 1 : offset,
  };
}
