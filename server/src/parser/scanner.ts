/**
 * A small tolerant XML scanner, purpose-built for MetaBase.xml.
 *
 * It never throws and never expands entities or reads anything but the given string. On broken
 * input it records a SyntaxProblem at the damage and carries on, so every element and attribute
 * after the damage is still available. Lessons from measuring other XML parsers on metabases:
 *  - jump with indexOf (memchr) to the next `<` and to closing quotes; walk only names;
 *  - values are offsets, decoded only on request, never whitespace-normalised (MULTISZ values keep
 *    one entry per line);
 *  - names are interned by comparing in place, so the tree never keeps a slice of the document;
 *  - a new key element (anything but configuration/MBProperty/Custom) implies the end of an open
 *    key, because IIS never nests keys; this keeps a missing end tag local.
 *
 * Recovery rules:
 *  - a quoted value whose text ends in `<ws>Name=` lost its closing quote: it is cut before the
 *    whitespace and scanning resumes at Name;
 *  - inside a value, a line that starts with `<`, `>` or `/>` also ends it (missing closing quote);
 *  - a `<` elsewhere in a value is kept and reported;
 *  - `Name=` without a value gets no value and a problem; tokens without `=` are reported once;
 *  - a quote outside a value (junk in a tag) pairs with the next one on its line before the next
 *    `<`, or stands alone: a stray quote never reaches into another tag, whatever the lines;
 *  - a start tag without `>` ends at the next `<`;
 *  - an end tag closes the nearest open element of the same name; others are reported, ignored;
 *  - end of file closes everything still open.
 */
import { AttributeTable, NameTable, XmlElement, type SyntaxKind, type SyntaxProblem, type SyntaxSeverity, type XmlComment, type XmlDocument } from './xmlTypes';

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const EQ = 61; // =
const DQ = 34; // "
const SQ = 39; // '
const BANG = 33; // !
const QM = 63; // ?
const CR = 13;

/** Stop recording problems after this many; a binary file would otherwise produce millions. */
export const MAX_PROBLEMS = 5000;

/** 1 = whitespace, 2 = ends a name. */
const CHAR_CLASS = new Uint8Array(128);
for (const c of [32, 9, 10, 13]) CHAR_CLASS[c] = 1;
for (const c of [LT, GT, SLASH, EQ, DQ, SQ]) CHAR_CLASS[c] = 2;

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
/** Name characters: anything that is not whitespace or XML punctuation. */
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

export function isKeyElementName(name: string): boolean {
  return name !== 'configuration' && name !== 'MBProperty' && name !== 'Custom';
}


export interface ScanOptions {
  /** Where scanning starts (default 0). */
  from?: number;
  /** Open elements at `from`, outermost first (for region re-parse). */
  openElements?: XmlElement[];
  /**
   * Called at every tag start at or after `stopAfter`; returning true ends the scan there with the
   * stack as it is (used by the incremental parser to stop at a synchronisation point).
   */
  stopAt?: (offset: number, openElements: readonly XmlElement[]) => boolean;
  stopAfter?: number;
  /** The table to intern names in: the document's own when a region is scanned again (default: a new one). */
  names?: NameTable;
  /**
   * The text is the document's text from this offset on (a window, for region re-parse): `from`,
   * `stopAfter`, `stopAt` and every offset in the result are offsets of the document, and the
   * start-of-file checks (byte-order mark, binary content) are skipped.
   */
  base?: number;
}

export interface ScanResult extends XmlDocument {
  /** Offset where scanning stopped (text length unless stopAt fired). */
  stoppedAt: number;
  /** Elements still open at stoppedAt (only when stopAt fired). */
  openAtStop: XmlElement[];
}

/** Heuristic: NUL or many control characters near the start means this is not a text file. */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
    else if (c === 0xfffd) control++; // replacement characters from invalid UTF-8
  }
  return n > 0 && control / n > 0.05;
}

export function scan(text: string, options: ScanOptions = {}): ScanResult {
  return new Scanner(text, options).run();
}

class Scanner {
  private readonly len: number;
  private readonly base: number;
  private pos: number;
  private readonly names: NameTable;
  private readonly table: AttributeTable;
  /** Per name id, the serial of the last element that used it (duplicate-attribute check). */
  private lastSeen = new Int32Array(256);
  private elementSerial = 0;
  private readonly stack: XmlElement[];
  private readonly elements: XmlElement[] = [];
  private readonly roots: XmlElement[] = [];
  private readonly comments: XmlComment[] = [];
  private readonly problems: SyntaxProblem[] = [];
  // Cursors of the next `&`, `<` and line feed at or after some position (-1: none left), so the
  // per-value checks stay linear in the size of the document.
  private ampCursor = -2;
  private ltCursor = -2;
  private nlCursor = -2;
  private stopped = -1;

  constructor(private readonly text: string, private readonly options: ScanOptions) {
    this.len = text.length;
    this.base = options.base ?? 0;
    this.pos = (options.from ?? 0) - this.base;
    this.names = options.names ?? new NameTable();
    // A whole file: room for about one attribute per 80 characters (IIS's layout has one per line),
    // so the table is not grown and copied seven times on the way to 300,000 attributes.
    const whole = this.pos === 0 && this.base === 0 && !options.stopAt;
    this.table = new AttributeTable(this.names, whole ? Math.max(4096, Math.ceil(text.length / 80)) : 256);
    this.stack = options.openElements ? [...options.openElements] : [];
  }

  run(): ScanResult {
    const { text, base } = this;
    if (base === 0 && this.pos === 0 && text.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (base === 0 && this.pos <= 1 && looksBinary(text)) {
      this.problem('binary-content', 0, Math.min(this.len, 1), 'This file does not look like a text metabase: it contains NUL or control bytes. Nothing was parsed.', 'error');
      return this.result(this.len);
    }
    const stopAt = this.options.stopAt;
    const stopAfter = (this.options.stopAfter ?? 0) - base;
    while (this.pos < this.len) {
      const lt = text.indexOf('<', this.pos);
      if (lt < 0) {
        this.checkText(this.pos, this.len);
        this.pos = this.len;
        break;
      }
      if (lt > this.pos) this.checkText(this.pos, lt);
      if (stopAt && lt >= stopAfter && stopAt(lt + base, this.stack)) {
        this.stopped = lt;
        return this.result(lt);
      }
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === SLASH) this.endTag(lt);
      else if (c1 === BANG) this.markup(lt);
      else if (c1 === QM) this.processingInstruction(lt);
      else this.startTag(lt);
    }
    // End of file closes everything still open.
    while (this.stack.length > 0) {
      const el = this.stack.pop()!;
      this.problem('unclosed-element', el.start + 1, el.nameEnd, `<${el.name}> is not closed before the end of the file.`, 'error');
      el.end = this.len;
    }
    return this.result(this.len);
  }

  private result(stoppedAt: number): ScanResult {
    const base = this.base;
    if (base !== 0) {
      // Everything this scan made, from window offsets to document offsets (attributes are
      // relative to their element and stay as they are).
      for (const el of this.elements) {
        el.start += base;
        el.nameEnd += base;
        el.startTagEnd += base;
        if (el.endTagStart >= 0) el.endTagStart += base;
        el.end += base;
      }
      for (const x of this.problems) {
        x.start += base;
        x.end += base;
      }
      for (const x of this.comments) {
        x.start += base;
        x.end += base;
      }
      stoppedAt += base;
    }
    return {
      elements: this.elements,
      roots: this.roots,
      comments: this.comments,
      problems: this.problems,
      length: this.len + this.base,
      names: this.names,
      namesAtParse: this.names.strings.length,
      stoppedAt,
      openAtStop: this.stopped >= 0 ? [...this.stack] : [],
    };
  }

  private problem(kind: SyntaxKind, start: number, end: number, message: string, severity: SyntaxSeverity = 'error'): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      if (this.problems.length === MAX_PROBLEMS) {
        this.problems.push({ kind: 'too-many-problems', start, end: Math.max(end, start), message: `More than ${MAX_PROBLEMS} syntax problems; the rest are not reported.`, severity: 'error' });
      }
      return;
    }
    this.problems.push({ kind, start, end: Math.max(end, start), message, severity });
  }

  /** Character data between tags: metabase keys carry none, so non-blank text is reported. */
  private checkText(from: number, to: number): void {
    const { text } = this;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (isWs(c)) continue;
      let end = i;
      while (end < to && !isWs(text.charCodeAt(end))) end++;
      if (c < 32) {
        this.problem('control-character', i, i + 1, `Control character U+${c.toString(16).padStart(4, '0').toUpperCase()} is not allowed in XML.`);
      } else {
        this.problem('unexpected-text', i, Math.max(end, i + 1), 'Text between elements has no meaning in a metabase; remove it or turn it into a comment.', 'warning');
      }
      return; // one report per stretch of text
    }
  }

  /** Hash of the last name read by readName (kept in a field: no object per name). */
  private nameHash = 0;

  /** Reads a name from `from`; returns its end and leaves its hash in `nameHash`. */
  private readName(from: number): number {
    const { text, len } = this;
    let i = from;
    let hash = 0;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (!(c >= 128 || CHAR_CLASS[c] === 0)) break;
      hash = (Math.imul(hash, 31) + c) | 0;
      i++;
    }
    this.nameHash = hash;
    return i;
  }

  /**
   * A name with characters XML's Name production forbids (`**HcScriptFileExtensions`, markdown
   * left in a file) makes the file not well-formed, and IIS refuses to load it: an error at each
   * such character. The character is not quoted (after a password's name it may be a piece of it).
   */
  private checkName(at: number, id: number, what: string): void {
    for (const o of this.names.malformedAt(id)) {
      this.problem(
        'malformed-name',
        at + o,
        at + o + 1,
        o === 0
          ? `This character cannot start ${what} in XML, so the file is not well-formed and IIS will not load it. A name starts with a letter or '_'.`
          : `This character is not allowed in ${what} in XML, so the file is not well-formed and IIS will not load it. Names hold letters, digits, '_', '-' and '.'.`,
      );
    }
  }

  private skipWs(from: number): number {
    const { text, len } = this;
    let i = from;
    while (i < len && isWs(text.charCodeAt(i))) i++;
    return i;
  }

  private open(el: XmlElement): void {
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
    el.parent = parent;
    if (parent) parent.addChild(el);
    else this.roots.push(el);
    this.elements.push(el);
  }

  /** Close stack elements that cannot contain an element named `name` (IIS never nests keys). */
  private implicitClose(name: string, at: number): void {
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1];
      const closes = top.name === 'Custom' || (isKeyElementName(top.name) && name !== 'Custom');
      if (!closes) break;
      this.stack.pop();
      top.end = this.trimBack(at);
      this.problem('unclosed-element', top.start + 1, top.nameEnd, `<${top.name}> has no end tag </${top.name}> before the next <${name}>.`);
    }
  }

  /** Offset just after the last non-blank character before `at` (so implied ends hug content). */
  private trimBack(at: number): number {
    let i = at;
    while (i > 0 && isWs(this.text.charCodeAt(i - 1))) i--;
    return i;
  }

  private startTag(lt: number): void {
    const { text, len } = this;
    const nameEnd = this.readName(lt + 1);
    const hash = this.nameHash;
    if (nameEnd === lt + 1) {
      this.problem('stray-lt', lt, lt + 1, "A '<' that does not start a tag; write &lt; in text or values.");
      this.pos = lt + 1;
      return;
    }
    const name = this.names.intern(text, lt + 1, nameEnd, hash);
    this.checkName(lt + 1, this.names.lastId, 'an element name');
    this.implicitClose(name, lt);
    const table = this.table;
    const el = new XmlElement(name, lt, nameEnd, table, table.count);
    this.open(el);
    let p = nameEnd;
    this.junkStart = -1;
    this.lastAttrName = undefined;
    for (;;) {
      p = this.skipWs(p);
      if (p >= len) {
        this.flushJunk(name);
        this.problem('unclosed-start-tag', lt + 1, nameEnd, `The start tag of <${name}> is not closed with '>' before the end of the file.`);
        el.startTagEnd = len;
        el.end = len;
        this.stack.push(el);
        this.pos = len;
        this.checkDuplicates(el);
        return;
      }
      const c = text.charCodeAt(p);
      if (c === GT) {
        this.flushJunk(name);
        el.startTagClosed = true;
        el.startTagEnd = p + 1;
        el.end = p + 1;
        this.stack.push(el);
        this.pos = p + 1;
        break;
      }
      if (c === SLASH && text.charCodeAt(p + 1) === GT) {
        this.flushJunk(name);
        el.startTagClosed = true;
        el.startTagEnd = p + 2;
        el.end = p + 2;
        el.selfClosing = true;
        this.pos = p + 2;
        break;
      }
      if (c === LT) {
        this.flushJunk(name);
        this.problem('unclosed-start-tag', lt + 1, nameEnd, `The start tag of <${name}> is not closed with '>'.`);
        el.startTagEnd = this.trimBack(p);
        el.end = el.startTagEnd;
        this.stack.push(el);
        this.pos = p;
        break;
      }
      if (c === DQ || c === SQ || c === EQ || c === SLASH) {
        // A value or '=' without a name, or a stray '/': skip it as junk.
        let q = p + 1;
        if (c === DQ || c === SQ) {
          const close = this.strayQuotePartner(p + 1, c);
          if (close >= 0) q = close + 1;
        }
        if (this.junkStart < 0) this.startJunk(p);
        this.junkEnd = q;
        p = q;
        continue;
      }
      // Attribute name.
      const ne = this.readName(p);
      const nhash = this.nameHash;
      const afterName = this.skipWs(ne);
      if (text.charCodeAt(afterName) !== EQ) {
        // A token without '=': an elision like "..." or a half-typed name.
        if (this.junkStart < 0) this.startJunk(p);
        this.junkEnd = ne;
        p = ne;
        continue;
      }
      this.flushJunk(name);
      const attrName = this.names.intern(text, p, ne, nhash);
      this.checkName(p, this.names.lastId, 'an attribute name');
      this.lastAttrName = attrName;
      const attr = table.add(this.names.lastId, p - lt, ne - lt);
      el.attrCount++;
      let v = afterName + 1;
      const beforeValue = v;
      v = this.skipWs(v);
      let vc = text.charCodeAt(v);
      // Junk such as the '@' of a pasted C# verbatim string right before the quote.
      if (vc !== DQ && vc !== SQ && v + 1 < len && v - beforeValue === 0 && !isWs(vc) && vc !== GT && vc !== LT) {
        const next = text.charCodeAt(v + 1);
        if ((next === DQ || next === SQ) && !isIdentChar(vc)) {
          this.problem('stray-text-in-tag', v, v + 1, `Unexpected character before the value of ${attrName}; a value starts with a double quote.`);
          v++;
          vc = next;
        }
      }
      if (vc === DQ || vc === SQ) {
        p = this.quotedValue(el, attr, attrName, v, vc);
        continue;
      }
      let crossedLine = false;
      for (let i = beforeValue; i < v; i++) if (text.charCodeAt(i) === 10) crossedLine = true;
      const nextIsAttr = this.startsAttribute(v);
      if (v >= len || vc === GT || vc === LT || (vc === SLASH && text.charCodeAt(v + 1) === GT) || crossedLine || nextIsAttr) {
        this.problem('missing-value', p, afterName + 1, `${attrName}= has no value; write ${attrName}="value".`);
        p = crossedLine || nextIsAttr ? v : afterName + 1;
        continue;
      }
      // Unquoted value: read to whitespace or the end of the tag.
      let e = v;
      while (e < len) {
        const ch = text.charCodeAt(e);
        if (isWs(ch) || ch === GT || ch === LT || (ch === SLASH && text.charCodeAt(e + 1) === GT)) break;
        e++;
      }
      table.setValue(attr, v - lt, e - lt, 0);
      this.problem('unquoted-value', v, e, `The value of ${attrName} must be in double quotes.`);
      p = e;
    }
    this.checkDuplicates(el);
  }

  /**
   * Text inside a start tag that is not an attribute (elisions, half-typed names, the tail of a
   * value that held a quote), reported once per run. The message says where the text is, never
   * what it is: after a password's name it may be the rest of the password, and a quoted slice of
   * the document would also keep that whole version of the text alive.
   */
  private junkStart = -1;
  private junkEnd = -1;
  /** The attribute before the junk began (the last one read in this start tag). */
  private junkAfter: string | undefined;
  private lastAttrName: string | undefined;

  private startJunk(at: number): void {
    this.junkStart = at;
    this.junkAfter = this.lastAttrName;
  }

  private flushJunk(name: string): void {
    if (this.junkStart < 0) return;
    const where = this.junkAfter === undefined ? `in the start tag of <${name}>` : `after ${this.junkAfter} in the start tag of <${name}>`;
    const hint = this.junkAfter === undefined ? '' : ` A double quote inside a value is written &quot;.`;
    this.problem('stray-text-in-tag', this.junkStart, this.junkEnd, `Unexpected text ${where}. Properties are written as Name="value".${hint}`);
    this.junkStart = -1;
  }

  /**
   * The quote that closes a stray one (`quote`, searched from `from`): on the same line and before
   * the next '<', else -1. A quote typed into a value leaves the rest of the start tag with its
   * quotes paired the wrong way round; bounded so, the damage ends with the tag, also in a file
   * written on one line, instead of pairing quotes of every tag after it up to the end of the file.
   */
  private strayQuotePartner(from: number, quote: number): number {
    const { text, len } = this;
    for (let i = from; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === quote) return i;
      if (c === LT || c === 10) return -1;
    }
    return -1;
  }

  /** True when text at `at` reads `Ident=` or `Ident ="`, i.e. the start of the next attribute. */
  private startsAttribute(at: number): boolean {
    const { text, len } = this;
    if (!isIdentStart(text.charCodeAt(at))) return false;
    let i = at + 1;
    while (i < len && isIdentChar(text.charCodeAt(i))) i++;
    i = this.skipWs(i);
    return text.charCodeAt(i) === EQ;
  }

  private checkDuplicates(el: XmlElement): void {
    const n = el.attrCount;
    if (n < 2) return;
    const serial = ++this.elementSerial;
    const table = el.table;
    if (this.lastSeen.length < this.names.strings.length) {
      const bigger = new Int32Array(this.names.strings.length * 2);
      bigger.set(this.lastSeen);
      this.lastSeen = bigger;
    }
    const seen = this.lastSeen;
    for (let i = el.firstAttr; i < el.firstAttr + n; i++) {
      const id = table.nameId(i);
      if (seen[id] === serial) this.reportDuplicate(el, i);
      else seen[id] = serial;
    }
  }

  private reportDuplicate(el: XmlElement, i: number): void {
    const a = el.table.attribute(i);
    this.problem('duplicate-attribute', el.start + a.nameStart, el.start + a.nameEnd, `${a.name} is set twice on this key; IIS refuses a file with a repeated attribute. Keep one.`);
  }

  /** Scans a quoted value starting at the quote `q`; returns where attribute scanning resumes. */
  private quotedValue(el: XmlElement, attr: number, attrName: string, q: number, quote: number): number {
    const { text, len } = this;
    const valueStart = q + 1;
    let close = text.indexOf(quote === DQ ? '"' : "'", valueStart);
    const regionEnd = close < 0 ? len : close;
    // Rule 1: the value's text ends in "<ws>Name=" -> the closing quote is missing and the quote
    // we found opens the next attribute's value.
    let cut = -1;
    if (close >= 0) cut = this.endsWithAttributeStart(valueStart, close);
    // Rule 2: a line inside the value that starts with '<', '>' or '/>' ends it.
    const lineCut = this.firstTagLikeLine(valueStart, cut >= 0 ? cut : regionEnd);
    if (lineCut >= 0) cut = lineCut;
    const table = el.table;
    if (cut >= 0) {
      this.problem('missing-quote', q, cut, `The value of ${attrName} has no closing quote.`);
      table.setValue(attr, valueStart - el.start, cut - el.start, quote, this.checkValueChars(attrName, valueStart, cut));
      return cut;
    }
    if (close < 0) {
      this.problem('missing-quote', q, len, `The value of ${attrName} is not closed before the end of the file.`);
      table.setValue(attr, valueStart - el.start, len - el.start, quote, this.checkValueChars(attrName, valueStart, len));
      return len;
    }
    table.setValue(attr, valueStart - el.start, close - el.start, quote, this.checkValueChars(attrName, valueStart, close));
    close++;
    return close;
  }

  /** If [from, to) ends with whitespace + identifier + optional ws + '=' + optional ws, return where that whitespace starts. */
  private endsWithAttributeStart(from: number, to: number): number {
    const { text } = this;
    let i = to - 1;
    while (i >= from && isWs(text.charCodeAt(i))) i--;
    if (i < from || text.charCodeAt(i) !== EQ) return -1;
    i--;
    while (i >= from && isWs(text.charCodeAt(i))) i--;
    const identEnd = i + 1;
    while (i >= from && isIdentChar(text.charCodeAt(i))) i--;
    const identStart = i + 1;
    if (identStart >= identEnd || !isIdentStart(text.charCodeAt(identStart))) return -1;
    if (i < from || !isWs(text.charCodeAt(i))) return -1;
    while (i >= from && isWs(text.charCodeAt(i))) i--;
    return i + 1;
  }

  /** First line break in [from, to) whose line starts (after blanks) with '<', '>' or '/>'. */
  private firstTagLikeLine(from: number, to: number): number {
    const { text } = this;
    if (this.nlCursor !== -1 && this.nlCursor < from) this.nlCursor = text.indexOf('\n', from);
    while (this.nlCursor >= 0 && this.nlCursor < to) {
      const nl = this.nlCursor;
      let i = nl + 1;
      while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      const c = text.charCodeAt(i);
      if (i < this.len && (c === LT || c === GT || (c === SLASH && text.charCodeAt(i + 1) === GT))) {
        return nl > from && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      }
      this.nlCursor = text.indexOf('\n', nl + 1);
    }
    return -1;
  }

  /** Reports '<' and malformed '&' references inside a value; true when it has no '&' at all. */
  private checkValueChars(attrName: string, from: number, to: number): boolean {
    const { text } = this;
    let plain = true;
    if (this.ltCursor !== -1 && this.ltCursor < from) this.ltCursor = text.indexOf('<', from);
    while (this.ltCursor >= 0 && this.ltCursor < to) {
      this.problem('lt-in-value', this.ltCursor, this.ltCursor + 1, `'<' is not allowed inside the value of ${attrName}; write &lt;.`);
      this.ltCursor = text.indexOf('<', this.ltCursor + 1);
    }
    if (this.ampCursor !== -1 && this.ampCursor < from) this.ampCursor = text.indexOf('&', from);
    while (this.ampCursor >= 0 && this.ampCursor < to) {
      plain = false;
      const at = this.ampCursor;
      const refEnd = entityEnd(text, at, to);
      if (refEnd < 0) {
        this.problem('bad-entity', at, at + 1, `A bare '&' in the value of ${attrName}; write &amp;. Only the references &amp; &lt; &gt; &quot; &apos; and &#n; are understood, and entities are never expanded.`);
      }
      this.ampCursor = text.indexOf('&', at + 1);
    }
    return plain;
  }

  private endTag(lt: number): void {
    const { text, len } = this;
    const nameEnd = this.readName(lt + 2);
    const hash = this.nameHash;
    const p = this.skipWs(nameEnd);
    let end: number;
    if (text.charCodeAt(p) === GT) {
      end = p + 1;
    } else {
      // Resume at whatever follows; stray text there is reported by checkText.
      this.problem('malformed-end-tag', lt, Math.max(nameEnd, lt + 2), "An end tag must be closed with '>'.");
      end = Math.min(p, len);
    }
    this.pos = Math.max(end, lt + 2);
    if (nameEnd === lt + 2) {
      this.problem('malformed-end-tag', lt, lt + 2, "'</' must be followed by an element name.");
      return;
    }
    const name = this.names.intern(text, lt + 2, nameEnd, hash);
    let idx = this.stack.length - 1;
    while (idx >= 0 && this.stack[idx].name !== name) idx--;
    if (idx < 0) {
      this.problem('unexpected-end-tag', lt, end, `</${name}> does not close any open element.`);
      return;
    }
    while (this.stack.length - 1 > idx) {
      const inner = this.stack.pop()!;
      inner.end = this.trimBack(lt);
      this.problem('unclosed-element', inner.start + 1, inner.nameEnd, `<${inner.name}> is not closed before </${name}>.`);
    }
    const el = this.stack.pop()!;
    el.endTagStart = lt;
    el.end = end;
  }

  /** `<!--`, `<![CDATA[`, `<!DOCTYPE` and other `<!` declarations. */
  private markup(lt: number): void {
    const { text, len } = this;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) {
        this.problem('unclosed-comment', lt, lt + 4, "This comment is not closed with '-->'; the rest of the file is inside it.");
        this.comments.push({ start: lt, end: len });
        this.pos = len;
      } else {
        this.comments.push({ start: lt, end: close + 3 });
        this.pos = close + 3;
      }
      return;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      const end = close < 0 ? len : close + 3;
      this.problem('cdata', lt, Math.min(end, lt + 9), 'A CDATA section has no meaning in a metabase; IIS ignores it.', 'warning');
      this.pos = end;
      return;
    }
    if (text.startsWith('<!DOCTYPE', lt)) {
      const end = doctypeEnd(text, lt);
      this.problem('doctype', lt, Math.min(end, lt + 9), 'A DOCTYPE is not part of a metabase. Its entities are never expanded and nothing it references is read; remove it.', 'warning');
      this.pos = end;
      return;
    }
    const close = text.indexOf('>', lt + 2);
    const end = close < 0 ? len : close + 1;
    this.problem('stray-lt', lt, lt + 2, "Unknown '<!' declaration; it is ignored.");
    this.pos = end;
  }

  private processingInstruction(lt: number): void {
    const { text, len } = this;
    const close = text.indexOf('?>', lt + 2);
    const end = close < 0 ? len : close + 2;
    const isDecl = text.startsWith('<?xml', lt) && isWs(text.charCodeAt(lt + 5));
    if (isDecl) {
      let i = lt - 1;
      while (i >= 0 && (isWs(text.charCodeAt(i)) || text.charCodeAt(i) === 0xfeff)) i--;
      if (i >= 0) this.problem('processing-instruction', lt, lt + 5, 'The XML declaration must be the first thing in the file.');
    } else {
      this.problem('processing-instruction', lt, Math.min(end, lt + 2), 'Processing instructions have no meaning in a metabase; IIS ignores them.', 'warning');
    }
    if (close < 0) this.problem('processing-instruction', lt, lt + 2, "This declaration is not closed with '?>'.");
    this.pos = end;
  }
}

/** End offset (exclusive) of a valid reference starting at `amp`, or -1. Entities are not expanded. */
export function entityEnd(text: string, amp: number, limit: number): number {
  const semi = text.indexOf(';', amp + 1);
  if (semi < 0 || semi >= limit || semi - amp > 12) return -1;
  const body = text.slice(amp + 1, semi);
  if (body === 'amp' || body === 'lt' || body === 'gt' || body === 'quot' || body === 'apos') return semi + 1;
  if (/^#[0-9]{1,7}$/.test(body) || /^#x[0-9a-fA-F]{1,6}$/.test(body)) return semi + 1;
  return -1;
}

/** End of a DOCTYPE declaration, skipping a bracketed internal subset and quoted strings. */
function doctypeEnd(text: string, lt: number): number {
  const len = text.length;
  let i = lt + 9;
  let depth = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === DQ || c === SQ) {
      const close = text.indexOf(c === DQ ? '"' : "'", i + 1);
      if (close < 0) return len;
      i = close + 1;
      continue;
    }
    if (c === 91) depth++; // [
    else if (c === 93) depth--; // ]
    else if (c === GT && depth <= 0) return i + 1;
    i++;
  }
  return len;
}

/** Decodes the five predefined entities and numeric character references. Never expands others. */
export function decodeXmlValue(raw: string): string {
  if (raw.indexOf('&') < 0) return raw;
  return raw.replace(/&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, body: string) => {
    switch (body) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
    }
  });
}

/** Encodes text for use inside a double-quoted attribute value. */
export function encodeXmlValue(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

