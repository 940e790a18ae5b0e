/**
 * Comment suppression, after yaml-language-server's diagnostic filter:
 *
 *   <!-- iis6-metabase-disable-next-line apppool-not-found -->   the next key (or line)
 *   <!-- iis6-metabase-disable localsystem-identity, no-recycling --> the whole file
 *
 * Without rule ids, every rule is silenced. A comment cannot stand inside a start tag, so
 * "next line" covers the whole key that starts on the next line, attributes and Custom children.
 */
import type { XmlDocument, XmlElement } from '../parser/xmlTypes';
import type { LineIndex } from '../parser/lineIndex';
import type { TextSource } from '../parser/pieceText';

const NEXT_LINE = 'iis6-metabase-disable-next-line';
const FILE = 'iis6-metabase-disable';

interface Suppression {
  /** Offsets covered; the whole file for FILE comments. */
  start: number;
  end: number;
  /** Rule ids, or null for all rules. */
  rules: Set<string> | null;
}

export class SuppressionFilter {
  private readonly entries: Suppression[] = [];

  constructor(text: TextSource, xml: XmlDocument, lines: LineIndex) {
    for (const c of xml.comments) {
      const body = text.slice(c.start + 4, Math.max(c.start + 4, c.end - 3)).trim();
      let directive: string | undefined;
      if (body.startsWith(NEXT_LINE)) directive = NEXT_LINE;
      else if (body.startsWith(FILE) && (body.length === FILE.length || /\s/.test(body[FILE.length]))) directive = FILE;
      if (!directive) continue;
      const ids = body.slice(directive.length).split(/[\s,]+/).filter((s) => s.length > 0);
      const rules = ids.length > 0 ? new Set(ids) : null;
      if (directive === FILE) {
        this.entries.push({ start: 0, end: text.length, rules });
        continue;
      }
      const nextLine = lines.positionAt(c.end).line + 1;
      if (nextLine >= lines.lineCount) continue;
      const lineStart = lines.lineStarts[nextLine];
      const lineEnd = nextLine + 1 < lines.lineCount ? lines.lineStarts[nextLine + 1] : text.length;
      const el = elementStartingIn(xml, lineStart, lineEnd);
      this.entries.push(el ? { start: el.start, end: el.end, rules } : { start: lineStart, end: lineEnd, rules });
    }
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  suppressed(rule: string, offset: number): boolean {
    for (const e of this.entries) {
      if (offset >= e.start && offset < e.end && (e.rules === null || e.rules.has(rule))) return true;
    }
    return false;
  }
}

function elementStartingIn(xml: XmlDocument, from: number, to: number): XmlElement | undefined {
  const els = xml.elements;
  let lo = 0;
  let hi = els.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (els[mid].start < from) lo = mid + 1;
    else hi = mid - 1;
  }
  return lo < els.length && els[lo].start < to ? els[lo] : undefined;
}
