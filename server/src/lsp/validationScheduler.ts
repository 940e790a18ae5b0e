/**
 * Debounced validation: each change restarts a short timer per document; when it fires, the
 * current version is validated (on its parse, with the key-rule cache carried over from earlier
 * versions) and published. A newer version arriving in the meantime simply reschedules, so stale
 * results are never published.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { MetabaseLanguageService } from '../languageService';
import type { LimitReachedParams } from '../protocol';
import { yieldToEventLoop, type DocumentStore } from './documentStore';
import type { ValidationResult } from '../features/validation';
import type { MetabaseDocument } from '../metabaseDocument';

export const VALIDATION_DELAY_MS = 200;

export class ValidationScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The diagnostics last published per document, with their version (the preview lists its errors). */
  private readonly published = new Map<string, { version: number; diagnostics: ValidationResult['diagnostics']; truncated: number }>();

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly ls: MetabaseLanguageService,
    private readonly onLimit: (params: LimitReachedParams) => void,
    /** After a validation ended (its diagnostics went out, or it failed): a quiet moment (see garbage.ts). */
    private readonly onPublished: (uri: string) => void = () => undefined,
    private readonly delay = VALIDATION_DELAY_MS,
  ) {}

  /** Validates after the debounce delay (0 when a document was just opened: nothing to wait for). */
  schedule(uri: string, delay = this.delay): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.run(uri);
      }, delay),
    );
  }

  revalidateAll(): void {
    for (const doc of this.store.all()) this.schedule(doc.uri);
  }

  /** The diagnostics last published for `uri`, if any. */
  lastPublished(uri: string): { version: number; diagnostics: ValidationResult['diagnostics']; truncated: number } | undefined {
    return this.published.get(uri);
  }

  clear(uri: string): void {
    this.published.delete(uri);
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * Validates in slices of a few milliseconds, so that requests that arrive meanwhile (hovers,
   * completions while the user types on) are answered between them from the latest version,
   * instead of waiting for the whole pass; a newer version abandons the run (it reschedules).
   */
  private run(uri: string): void {
    const doc = this.store.get(uri);
    if (!doc) return;
    this.ls.validateInSlices(doc, yieldToEventLoop, () => this.store.get(uri) === doc).then(
      (result) => result && this.publish(doc, result),
      (err: unknown) => this.failed(uri, err),
    );
  }

  private publish(doc: MetabaseDocument, result: ValidationResult): void {
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: result.diagnostics });
    this.published.set(doc.uri, { version: doc.version, diagnostics: result.diagnostics, truncated: result.truncated });
    if (result.truncated > 0) {
      const shown = result.diagnostics.length;
      this.onLimit({ uri: doc.uri, what: 'diagnostics', shown, total: shown + result.truncated, setting: 'iis6Metabase.maxDiagnostics' });
    }
    this.onPublished(doc.uri);
  }

  /** A bug in a rule must not take the server down; report it and keep serving. */
  private failed(uri: string, err: unknown): void {
    this.onPublished(uri);
    this.connection.console.error(`iis6-metabase: validation failed for ${uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
