/**
 * The syntax tree produced by the tolerant scanner.
 *
 * Offsets are UTF-16 code-unit indices into the document text (the same unit LSP positions use).
 * Element offsets are absolute; attribute offsets are relative to their element's `start`, so an
 * edit before an element only has to move the element (see incremental.ts).
 */

export interface XmlAttribute {
  /** Interned attribute name. */
  readonly name: string;
  /** Offsets relative to the owning element's `start`. */
  nameStart: number;
  nameEnd: number;
  /** Raw value span (between the quotes), relative; both -1 when the attribute has no value. */
  valueStart: number;
  valueEnd: number;
  /** Char code of the opening quote (34 or 39), 0 for an unquoted or missing value. */
  quote: number;
}

export interface XmlElement {
  /** Interned element name. */
  readonly name: string;
  /** Offset of `<`. */
  start: number;
  /** Offset just after the element name. */
  nameEnd: number;
  /** Offset just after the start tag's `>` (or where the unterminated start tag was cut). */
  startTagEnd: number;
  /** Offset of `</` of the end tag, -1 when there is none (self-closing or implicitly closed). */
  endTagStart: number;
  /** Offset just after the whole element. */
  end: number;
  selfClosing: boolean;
  parent: XmlElement | null;
  children: XmlElement[];
  attributes: XmlAttribute[];
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
}

export function attributeAbsolute(el: XmlElement, attr: XmlAttribute): {
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
} {
  const base = el.start;
  return {
    nameStart: base + attr.nameStart,
    nameEnd: base + attr.nameEnd,
    valueStart: attr.valueStart < 0 ? -1 : base + attr.valueStart,
    valueEnd: attr.valueEnd < 0 ? -1 : base + attr.valueEnd,
  };
}
