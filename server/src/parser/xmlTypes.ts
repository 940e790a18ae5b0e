/**
 * The syntax tree produced by the tolerant scanner.
 *
 * Offsets are UTF-16 code-unit indices into the document text (the same unit LSP positions use).
 * Element offsets are absolute; attribute offsets are relative to their element's `start`, so an
 * edit before an element only has to move the element (see incremental.ts).
 *
 * Attributes are stored column-wise in an AttributeTable (one per scan: names plus an Int32Array
 * of offsets), not as one object each: a 25 MB metabase has ~370,000 attributes, and allocating
 * an object per attribute cost more than the whole rest of the scan. `XmlElement.attributes`
 * and `findAttr` build short-lived objects on request.
 */
import type { TextSource } from './pieceText';

export interface XmlAttribute {
  /** Interned attribute name. */
  readonly name: string;
  /** Offsets relative to the owning element's `start`. */
  readonly nameStart: number;
  readonly nameEnd: number;
  /** Raw value span (between the quotes), relative; both -1 when the attribute has no value. */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Char code of the opening quote (34 or 39), 0 for an unquoted or missing value. */
  readonly quote: number;
}

/**
 * Absolute offset just after an attribute: after its closing quote when there is one (a value
 * whose closing quote is missing ends where the scanner cut it), else after its value or name.
 */
export function attributeEnd(text: TextSource, elementStart: number, attr: XmlAttribute): number {
  if (attr.valueEnd < 0) return elementStart + attr.nameEnd;
  const end = elementStart + attr.valueEnd;
  return attr.quote && text.charCodeAt(end) === attr.quote ? end + 1 : end;
}

const STRIDE = 6;
/** Flag in the quote column: no `&` in the value. */
const PLAIN = 0x100;

/** Interned names by id (one table per document, shared by every scan of it, so ids compare across tables). */
export interface NameIds {
  readonly strings: readonly string[];
  /** The id of `name`, or -1 when no scan has seen it. */
  idOf(name: string): number;
}

/**
 * Interns names by hash of their characters, comparing candidates in place (text.startsWith), so
 * a known name allocates nothing and a new one is copied out of the document once.
 *
 * Each document has its own table, shared by every scan of it (so ids compare across the tables
 * of its region re-parses). It only grows: names typed half-way (`AppPo`, `AppPoo`, ...) stay.
 * A fresh parse starts a new table, and MetabaseDocument.update parses afresh when the table has
 * grown far past what the text uses (see MAX_NAME_GROWTH there); closing the document frees it.
 */
export class NameTable implements NameIds {
  /** Open addressing: slot -> id + 1 (0 = empty). */
  private slots = new Int32Array(1024);
  private hashes: number[] = [];
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Id of the name returned by the last intern call. */
  lastId = -1;
  /** Per name id, where the name breaks XML's Name production (worked out once per name). */
  private readonly bad: Array<readonly number[]> = [];

  /** Offsets in name `id` of the characters XML 1.0's Name production forbids there (usually none). */
  malformedAt(id: number): readonly number[] {
    return this.bad[id] ?? NONE;
  }

  idOf(name: string): number {
    return this.ids.get(name) ?? -1;
  }

  intern(text: string, start: number, end: number, hash: number): string {
    const len = end - start;
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash & mask;
    for (;;) {
      const s = slots[i];
      if (s === 0) break;
      const candidate = this.strings[s - 1];
      if (this.hashes[s - 1] === hash && candidate.length === len && text.startsWith(candidate, start)) {
        this.lastId = s - 1;
        return candidate;
      }
      i = (i + 1) & mask;
    }
    // Copy: a slice would keep the whole document alive (V8 sliced strings).
    let copy = '';
    for (let k = start; k < end; k++) copy += String.fromCharCode(text.charCodeAt(k));
    this.strings.push(copy);
    this.hashes.push(hash);
    this.bad.push(malformedAt(copy));
    this.lastId = this.strings.length - 1;
    if (!this.ids.has(copy)) this.ids.set(copy, this.lastId);
    slots[i] = this.strings.length;
    if (this.strings.length * 2 > slots.length) this.rehash();
    return copy;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let n = 0; n < this.strings.length; n++) {
      let i = this.hashes[n] & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
    }
    this.slots = slots;
  }
}

const NONE: readonly number[] = [];

/** XML 1.0 (fifth edition) NameStartChar, for one UTF-16 code unit (a surrogate pair is checked by the caller). */
function isNameStartChar(c: number): boolean {
  if (c < 0x80) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    (c >= 0x200c && c <= 0x200d) ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

/** XML 1.0 NameChar: a NameStartChar, '-', '.', a digit, U+00B7, U+0300–U+036F, U+203F–U+2040. */
function isNameChar(c: number): boolean {
  return isNameStartChar(c) || c === 45 || c === 46 || (c >= 48 && c <= 57) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/**
 * Offsets of the characters of `name` that XML 1.0's Name production forbids where they stand
 * (`*` anywhere, a digit or '-' at the start, a lone surrogate); a pair of surrogates is one
 * character of the supplementary planes, which XML allows.
 */
export function malformedAt(name: string): readonly number[] {
  let out: number[] | undefined;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    let ok: boolean;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length && (name.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      ok = ((c - 0xd800) << 10) + (name.charCodeAt(i + 1) - 0xdc00) + 0x10000 <= 0xeffff;
      if (!ok) (out ??= []).push(i);
      i++;
      continue;
    }
    ok = i === 0 ? isNameStartChar(c) : isNameChar(c);
    if (!ok) (out ??= []).push(i);
  }
  return out ?? NONE;
}

/** Attributes of the elements of one scan, column-wise. */
export class AttributeTable {
  /** Per attribute: name id, nameStart, nameEnd, valueStart, valueEnd, quote (offsets element-relative). */
  data: Int32Array;
  count = 0;

  constructor(
    readonly names: NameIds,
    capacity = 256,
  ) {
    this.data = new Int32Array(capacity * STRIDE);
  }

  add(nameId: number, nameStart: number, nameEnd: number): number {
    const i = this.count++;
    if (i * STRIDE >= this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const d = this.data;
    const j = i * STRIDE;
    d[j] = nameId;
    d[j + 1] = nameStart;
    d[j + 2] = nameEnd;
    d[j + 3] = -1;
    d[j + 4] = -1;
    d[j + 5] = 0;
    return i;
  }

  nameId(i: number): number {
    return this.data[i * STRIDE];
  }

  name(i: number): string {
    return this.names.strings[this.data[i * STRIDE]];
  }

  /** `plain`: the scanner found no `&` in the value, so it reads as written (no decoding). */
  setValue(i: number, valueStart: number, valueEnd: number, quote: number, plain = false): void {
    const j = i * STRIDE;
    this.data[j + 3] = valueStart;
    this.data[j + 4] = valueEnd;
    this.data[j + 5] = quote | (plain ? PLAIN : 0);
  }

  /** The value has no `&` (its decoded text is its raw text). */
  isPlain(i: number): boolean {
    return (this.data[i * STRIDE + 5] & PLAIN) !== 0;
  }

  valueStart(i: number): number {
    return this.data[i * STRIDE + 3];
  }

  valueEnd(i: number): number {
    return this.data[i * STRIDE + 4];
  }

  attribute(i: number): XmlAttribute {
    const d = this.data;
    const j = i * STRIDE;
    return { name: this.names.strings[d[j]], nameStart: d[j + 1], nameEnd: d[j + 2], valueStart: d[j + 3], valueEnd: d[j + 4], quote: d[j + 5] & 0xff };
  }
}

const NO_CHILDREN: XmlElement[] = [];

/** Above this many attributes an element looks names up through an index. */
const MANY_ATTRIBUTES = 24;

export class XmlElement {
  /** Offset just after the start tag's `>` (or where the unterminated start tag was cut). */
  startTagEnd: number;
  /** Offset of `</` of the end tag, -1 when there is none (self-closing or implicitly closed). */
  endTagStart = -1;
  /** Offset just after the whole element. */
  end: number;
  selfClosing = false;
  /** The start tag ends with its own `>` or `/>` (not cut at a `<` or at the end of the file). */
  startTagClosed = false;
  parent: XmlElement | null = null;
  /** Child elements (a shared empty array until the first child). */
  children: XmlElement[] = NO_CHILDREN;
  /** Number of attributes, stored from `firstAttr` in `table`. */
  attrCount = 0;
  /** A slot for the layer above: the model keeps the element's key here (cheaper than a map of 46,000 elements). */
  owner: unknown = undefined;

  constructor(
    /** Interned element name. */
    readonly name: string,
    /** Offset of `<`. */
    public start: number,
    /** Offset just after the element name. */
    public nameEnd: number,
    readonly table: AttributeTable,
    readonly firstAttr: number,
  ) {
    this.startTagEnd = nameEnd;
    this.end = nameEnd;
  }

  addChild(child: XmlElement): void {
    if (this.children === NO_CHILDREN) this.children = [];
    this.children.push(child);
  }

  /**
   * The attributes as objects, built on each call and not kept: a metabase's 370,000 attribute
   * objects would otherwise stay in memory for as long as the document is open.
   */
  get attributes(): readonly XmlAttribute[] {
    const list: XmlAttribute[] = new Array(this.attrCount);
    for (let i = 0; i < this.attrCount; i++) list[i] = this.table.attribute(this.firstAttr + i);
    return list;
  }

  /** Index in `table` of the first attribute called `name`, or -1 (no objects built). */
  attributeIndex(name: string): number {
    return this.attributeIndexById(this.table.names.idOf(name));
  }

  /** As attributeIndex, by the name's id in `table.names` (looked up once by a caller that asks many elements). */
  attributeIndexById(id: number): number {
    if (id < 0) return -1;
    const d = this.table.data;
    const end = this.firstAttr + this.attrCount;
    if (this.attrCount > MANY_ATTRIBUTES) {
      // /LM/W3SVC and the like carry a hundred properties, and every inherited lookup ends there.
      const byId = (this.byNameId ??= this.indexNames());
      return id < byId.length ? byId[id] - 1 : -1;
    }
    for (let i = this.firstAttr; i < end; i++) if (d[i * STRIDE] === id) return i;
    return -1;
  }

  /** For elements with many attributes: per name id, 1 + the index of its first attribute (0: none). */
  private byNameId: Int32Array | undefined = undefined;

  private indexNames(): Int32Array {
    const d = this.table.data;
    let max = 0;
    for (let i = this.firstAttr; i < this.firstAttr + this.attrCount; i++) max = Math.max(max, d[i * STRIDE]);
    const byId = new Int32Array(max + 1);
    for (let i = this.firstAttr + this.attrCount - 1; i >= this.firstAttr; i--) byId[d[i * STRIDE]] = i + 1;
    return byId;
  }
}

export type SyntaxSeverity = 'error' | 'warning' | 'information';

/** A well-formedness problem found by the scanner. `kind` is stable and used by rules/tests. */
export interface SyntaxProblem {
  kind: SyntaxKind;
  start: number;
  end: number;
  message: string;
  severity: SyntaxSeverity;
}

export type SyntaxKind =
  | 'stray-lt'
  | 'unclosed-start-tag'
  | 'unclosed-element'
  | 'unexpected-end-tag'
  | 'malformed-end-tag'
  | 'missing-quote'
  | 'unquoted-value'
  | 'missing-value'
  | 'stray-text-in-tag'
  | 'lt-in-value'
  | 'bad-entity'
  | 'duplicate-attribute'
  | 'malformed-name'
  | 'unclosed-comment'
  | 'unexpected-text'
  | 'doctype'
  | 'processing-instruction'
  | 'cdata'
  | 'control-character'
  | 'binary-content'
  | 'too-many-problems';

export interface XmlComment {
  start: number;
  end: number;
}

export interface XmlDocument {
  /** Elements in document order. */
  elements: XmlElement[];
  /** Top-level elements (a metabase has one, `configuration`; excerpts may have several keys). */
  roots: XmlElement[];
  comments: XmlComment[];
  problems: SyntaxProblem[];
  /** Length of the text that was parsed. */
  length: number;
  /** The names of elements and attributes (the document's table). */
  readonly names: NameTable;
  /** How many names the table held after the last whole parse. */
  readonly namesAtParse: number;
}
