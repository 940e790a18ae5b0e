/**
 * Open documents, kept as parsed MetabaseDocuments. The server handles the text-synchronisation
 * notifications itself instead of vscode-languageserver's TextDocuments: a change is applied to
 * the parsed document incrementally (MetabaseDocument.update), so a keystroke in a 25 MB metabase
 * neither copies line tables twice nor parses the file again.
 *
 * A document above SLICED_PARSE_CHARS is parsed in slices (MetabaseDocument.parseInSlices) so the
 * server keeps answering other documents meanwhile. Until it is ready, `get` returns undefined
 * (requests on it get empty answers) and its changes are queued, then applied in order.
 */
import type { MetabaseLanguageService } from '../languageService';
import type { MetabaseDocument, TextChange } from '../metabaseDocument';

/** 2 M characters: about 40 ms of parsing; above it a parse is cut into slices. */
export const SLICED_PARSE_CHARS = 2_000_000;

interface Pending {
  version: number;
  queued: Array<{ version: number; changes: readonly TextChange[] }>;
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class DocumentStore {
  private readonly docs = new Map<string, MetabaseDocument>();
  private readonly pending = new Map<string, Pending>();

  /** `onReady` is called when a document parsed in slices becomes available. */
  constructor(
    private readonly ls: MetabaseLanguageService,
    private readonly onReady: (uri: string) => void = () => undefined,
    private readonly onError: (uri: string, err: unknown) => void = () => undefined,
    private readonly slicedAbove = SLICED_PARSE_CHARS,
  ) {}

  /** Parses the document; returns it, or undefined when it is parsed in slices (onReady follows). */
  open(uri: string, version: number, text: string): MetabaseDocument | undefined {
    this.docs.delete(uri);
    this.pending.delete(uri);
    if (text.length <= this.slicedAbove) {
      const doc = this.ls.parse(uri, version, text);
      this.docs.set(uri, doc);
      return doc;
    }
    const entry: Pending = { version, queued: [] };
    this.pending.set(uri, entry);
    void this.parseLater(uri, version, text, entry);
    return undefined;
  }

  private async parseLater(uri: string, version: number, text: string, entry: Pending): Promise<void> {
    try {
      let doc = await this.ls.parseInSlices(uri, version, text, yieldToEventLoop);
      if (this.pending.get(uri) !== entry) return; // closed or opened again meanwhile
      for (const q of entry.queued) doc = this.updated(doc, q.version, q.changes);
      // The schema changed while parsing (its updates parse again with the new one; without any, do it here).
      if (doc.catalog !== this.ls.catalog) doc = this.ls.parse(uri, doc.version, doc.text);
      this.pending.delete(uri);
      this.docs.set(uri, doc);
      this.onReady(uri);
    } catch (err) {
      if (this.pending.get(uri) === entry) this.pending.delete(uri);
      this.onError(uri, err);
    }
  }

  private updated(doc: MetabaseDocument, version: number, changes: readonly TextChange[]): MetabaseDocument {
    return doc.catalog === this.ls.catalog ? doc.update(version, changes) : this.ls.parse(doc.uri, version, doc.update(version, changes).text);
  }

  /** Applies LSP content changes; returns the new version, or undefined for an unknown or still-parsing document. */
  change(uri: string, version: number, changes: readonly TextChange[]): MetabaseDocument | undefined {
    const waiting = this.pending.get(uri);
    if (waiting) {
      waiting.queued.push({ version, changes });
      return undefined;
    }
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const next = this.updated(doc, version, changes);
    this.docs.set(uri, next);
    return next;
  }

  get(uri: string | undefined): MetabaseDocument | undefined {
    return uri === undefined ? undefined : this.docs.get(uri);
  }

  /** True while the document is being parsed in slices. */
  isPending(uri: string): boolean {
    return this.pending.has(uri);
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.pending.delete(uri);
  }

  all(): MetabaseDocument[] {
    return [...this.docs.values()];
  }

  /** Parses every open document again (the schema changed); huge ones in slices. */
  reparseAll(): void {
    for (const doc of [...this.docs.values()]) this.open(doc.uri, doc.version, doc.text);
  }
}
