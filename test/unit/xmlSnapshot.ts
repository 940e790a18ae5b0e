/** Comparable snapshots of a parse, for tests that check two ways of parsing agree. */
import type { XmlDocument } from '../../server/src/parser/xmlTypes';

/** A comparable snapshot of a parse. */
export function snapshot(xml: XmlDocument): unknown {
  const index = new Map(xml.elements.map((e, i) => [e, i]));
  const sortProblems = [...xml.problems].sort((a, b) => a.start - b.start || a.end - b.end || a.kind.localeCompare(b.kind));
  return {
    elements: xml.elements.map((e) => [
      e.name, e.start, e.nameEnd, e.startTagEnd, e.endTagStart, e.end, e.selfClosing,
      e.parent ? index.get(e.parent) : -1,
      e.children.map((c) => index.get(c)),
      e.attributes.map((a) => [a.name, a.nameStart, a.nameEnd, a.valueStart, a.valueEnd, a.quote]),
    ]),
    roots: xml.roots.map((r) => index.get(r)),
    problems: sortProblems.map((p) => [p.kind, p.start, p.end, p.message]),
    comments: [...xml.comments].sort((a, b) => a.start - b.start).map((c) => [c.start, c.end]),
  };
}
