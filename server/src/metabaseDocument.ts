/**
 * One parsed version of a metabase document: text, line index, syntax tree and model. Every
 * feature of the language service works on this object, so a version is parsed once however many
 * requests arrive for it.
 */
import { LineIndex } from './parser/lineIndex';
import { scan } from './parser/scanner';
import type { XmlDocument } from './parser/xmlTypes';
import { MetabaseModel } from './model/metabaseModel';
import type { SchemaCatalog } from './schema/catalog';
import type { ValidationCache } from './features/validation';

export class MetabaseDocument {
  private modelCache: MetabaseModel | undefined;
  private linesCache: LineIndex | undefined;
  /** Key-rule findings, carried from version to version (see features/validation.ts). */
  validationCache: ValidationCache | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly xml: XmlDocument,
    readonly catalog: SchemaCatalog,
    lines?: LineIndex,
  ) {
    this.linesCache = lines;
  }

  static parse(uri: string, version: number, text: string, catalog: SchemaCatalog): MetabaseDocument {
    return new MetabaseDocument(uri, version, text, scan(text), catalog);
  }

  get lines(): LineIndex {
    return (this.linesCache ??= new LineIndex(this.text));
  }

  get model(): MetabaseModel {
    return (this.modelCache ??= new MetabaseModel(this.text, this.xml, this.catalog));
  }

  offsetAt(position: { line: number; character: number }): number {
    return this.lines.offsetAt(position);
  }
}
