/**
 * Open documents, kept as parsed MetabaseDocuments. The server handles the text-synchronisation
 * notifications itself instead of vscode-languageserver's TextDocuments: a change is applied to
 * the parsed document incrementally (MetabaseDocument.update), so a keystroke in a 25 MB metabase
 * neither copies line tables twice nor parses the file again.
 */
import type { MetabaseLanguageService } from '../languageService';
import type { MetabaseDocument, TextChange } from '../metabaseDocument';

export class DocumentStore {
  private readonly docs = new Map<string, MetabaseDocument>();

  constructor(private readonly ls: MetabaseLanguageService) {}

  open(uri: string, version: number, text: string): MetabaseDocument {
    const doc = this.ls.parse(uri, version, text);
    this.docs.set(uri, doc);
    return doc;
  }

  /** Applies LSP content changes; returns the new version, or undefined for an unknown document. */
  change(uri: string, version: number, changes: readonly TextChange[]): MetabaseDocument | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const next = doc.catalog === this.ls.catalog ? doc.update(version, changes) : this.ls.parse(uri, version, doc.update(version, changes).text);
    this.docs.set(uri, next);
    return next;
  }

  get(uri: string | undefined): MetabaseDocument | undefined {
    return uri === undefined ? undefined : this.docs.get(uri);
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  all(): MetabaseDocument[] {
    return [...this.docs.values()];
  }

  /** Parses every open document again (the schema changed). */
  reparseAll(): void {
    for (const [uri, doc] of this.docs) this.docs.set(uri, this.ls.parse(uri, doc.version, doc.text));
  }
}
