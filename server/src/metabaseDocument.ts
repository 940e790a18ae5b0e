/**
 * One parsed version of a metabase document: text, line index, syntax tree and model. Every
 * feature of the language service works on this object, so a version is parsed once however many
 * requests arrive for it.
 *
 * `update` makes the next version from LSP content changes without starting over: the line index
 * and the syntax tree are updated around each edit (parser/incremental.ts), the model swaps the
 * keys of the rescanned elements, and the per-key validation cache moves along. The previous
 * version shares those structures and must not be used after `update`.
 */
import { reparseRegion, SCAN_WINDOW } from './parser/incremental';
import { PieceText, textOf, type TextSource } from './parser/pieceText';
import { LineIndex } from './parser/lineIndex';
import { scan } from './parser/scanner';
import { scanInSlices } from './parser/slicedScan';
import type { XmlDocument } from './parser/xmlTypes';
import { MetabaseModel } from './model/metabaseModel';
import type { SchemaCatalog } from './schema/catalog';
import type { ValidationCache } from './rules/findingCache';

export interface TextChange {
  /** Absent for a whole-text replacement. */
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/** More edits than this in one change (a reformat, a search-and-replace) parse the file again. */
const MAX_INCREMENTAL_EDITS = 64;

/**
 * The document's name table keeps every name ever scanned in it, also those typed half-way
 * (`AppPo`, `AppPoo`, ...). Once it holds this many more than twice what the last whole parse
 * found, the next change parses the file afresh, with a new table: a day of editing does not grow it.
 */
export const MAX_NAME_GROWTH = 4096;

export class MetabaseDocument {
  /** Texts longer than this are edited as pieces (tests lower it to exercise pieces on small files). */
  static piecesAbove = 1 << 16;
  /** How far past an edit the region re-parse reads before it reads the whole text (see reparseRegion). */
  static scanWindow = SCAN_WINDOW;

  private modelCache: MetabaseModel | undefined;
  private linesCache: LineIndex | undefined;
  /** Key-rule findings, carried from version to version (see features/validation.ts). */
  validationCache: ValidationCache | undefined;
  /** Set by update(): how the last change was applied (for tests and the benchmark). */
  lastUpdate: { incremental: boolean; rescanned: number; windowed: number } | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    /**
     * The text: a string, or after edits the pieces it is made of (parser/pieceText.ts). The way
     * from a change to its diagnostics reads through it without joining them.
     */
    readonly source: TextSource,
    readonly xml: XmlDocument,
    readonly catalog: SchemaCatalog,
    lines?: LineIndex,
  ) {
    this.linesCache = lines;
  }

  /** The text as one string (after edits, the pieces are joined on first use, once per version). */
  get text(): string {
    return textOf(this.source);
  }

  get length(): number {
    return this.source.length;
  }

  static parse(uri: string, version: number, text: string, catalog: SchemaCatalog, lines?: LineIndex): MetabaseDocument {
    return new MetabaseDocument(uri, version, text, scan(text), catalog, lines);
  }

  /**
   * The same parse as `parse`, cut into slices with `pause` in between (scan, then model), for a
   * document too big to parse in one go without keeping every other request waiting.
   */
  static async parseInSlices(uri: string, version: number, text: string, catalog: SchemaCatalog, pause: () => Promise<void>): Promise<MetabaseDocument> {
    const xml = await scanInSlices(text, pause);
    const model = await MetabaseModel.buildInSlices(text, xml, catalog, pause);
    const doc = new MetabaseDocument(uri, version, text, xml, catalog);
    doc.modelCache = model;
    return doc;
  }

  get lines(): LineIndex {
    return (this.linesCache ??= new LineIndex(this.source));
  }

  get model(): MetabaseModel {
    return (this.modelCache ??= new MetabaseModel(this.source, this.xml, this.catalog));
  }

  offsetAt(position: { line: number; character: number }): number {
    return this.lines.offsetAt(position);
  }

  /** The next version after `changes` (in LSP order: each range refers to the text after the previous change). */
  update(version: number, changes: readonly TextChange[]): MetabaseDocument {
    let text = this.source;
    let lines = this.lines;
    let incremental = changes.length <= MAX_INCREMENTAL_EDITS && this.xml.names.strings.length <= 2 * this.xml.namesAtParse + MAX_NAME_GROWTH;
    let rescanned = 0;
    let windowed = 0;
    const model = this.modelCache;
    const cache = this.validationCache;
    for (const c of changes) {
      if (!c.range) {
        text = c.text;
        lines = new LineIndex(text);
        incremental = false;
        continue;
      }
      // A range whose end comes before its start is taken the other way round, as by
      // vscode-languageserver-textdocument (the reference implementation of the rule).
      const a = lines.offsetAt(c.range.start);
      const b = lines.offsetAt(c.range.end);
      const start = Math.min(a, b);
      const end = Math.max(a, b);
      const next = PieceText.edit(text, start, end, c.text, MetabaseDocument.piecesAbove);
      lines = lines.update(next, start, end, c.text.length);
      if (incremental) {
        const r = reparseRegion(this.xml, next, start, end, c.text.length, MetabaseDocument.scanWindow);
        if (!r) incremental = false;
        else {
          rescanned += r.end - r.start;
          if (r.windowed) windowed++;
          const change = model ? model.applyChanges(text, next, this.xml, r.removed, r.added) : null;
          // (Typing between a CR and its LF splits one line break in two, without a break in the edit.)
          const lineBreaks = hasLineBreak(c.text, 0, c.text.length) || hasLineBreak(text, start, end) || text.charCodeAt(start - 1) === 13 || text.charCodeAt(end) === 10;
          cache?.noteEdit({ start, end, inserted: c.text.length, lineBreaks, change });
        }
      }
      text = next;
    }
    let doc: MetabaseDocument;
    if (incremental) {
      doc = new MetabaseDocument(this.uri, version, text, this.xml, this.catalog, lines);
      doc.modelCache = model;
      doc.validationCache = cache;
    } else {
      doc = MetabaseDocument.parse(this.uri, version, textOf(text), this.catalog, lines);
    }
    doc.lastUpdate = { incremental, rescanned, windowed };
    return doc;
  }
}

function hasLineBreak(text: TextSource, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}
