/**
 * Open documents and their parse, one per version: every request for a version reuses the same
 * MetabaseDocument (text, line index, syntax tree, model).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { MetabaseLanguageService } from '../languageService';
import type { MetabaseDocument } from '../metabaseDocument';

export class DocumentStore {
  private readonly parsed = new Map<string, MetabaseDocument>();

  constructor(private readonly ls: MetabaseLanguageService) {}

  /** The parse of this exact version (parsed now if it is not cached yet). */
  get(doc: TextDocument): MetabaseDocument {
    const cached = this.parsed.get(doc.uri);
    if (cached && cached.version === doc.version && cached.catalog === this.ls.catalog) return cached;
    const fresh = this.ls.parse(doc.uri, doc.version, doc.getText());
    this.parsed.set(doc.uri, fresh);
    return fresh;
  }

  delete(uri: string): void {
    this.parsed.delete(uri);
  }

  clear(): void {
    this.parsed.clear();
  }
}
