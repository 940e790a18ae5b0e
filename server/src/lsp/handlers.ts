/**
 * LSP request handlers: each maps LSP params to the language service and back. A handler never
 * throws to the connection: an unknown document gives an empty result, and an internal error is
 * logged and answered with the empty result too, so one bad request cannot take the server down.
 */
import { ResponseError, ErrorCodes, type CancellationToken, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import { processViewSteps } from '../features/processView';
import type { MetabaseLanguageService } from '../languageService';
import type { MetabaseDocument } from '../metabaseDocument';
import { RenameError } from '../features/navigation';
import {
  DIFF_REQUEST,
  type DiffParams,
  type DiffResult,
  LIMIT_NOTIFICATION,
  LINT_REQUEST,
  PROCESS_MODEL_REQUEST,
  PROCESS_VIEW_REQUEST,
  type ProcessViewParams,
  type ProcessViewResult,
  TOPOLOGY_REQUEST,
  ISOLATION_MODE_REQUEST,
  type IsolationModeResult,
  type LimitReachedParams,
  type LintParams,
  type LintDiagnostic,
  type LintResult,
  type ProcessModelParams,
  type ProcessModelResult,
  type DocumentParams,
  type TopologyResult,
} from '../protocol';
import type { DocumentStore } from './documentStore';
import { diffRequest } from './diffRequest';
import { Lifecycle } from './lifecycle';
import { checkParams, type ParamsShape } from './params';
import { answerInSlices } from './slicedRequests';
import { REQUEST_SLICE_MS as SLICE, type Steps } from '../util/slices';

/** What a request at a position needs besides its document. */
const AT: ParamsShape = { position: true };

export class Handlers {
  /** The diagnostics last published for a document (the process view lists its errors without validating again). */
  lastPublished: (uri: string) => { version: number; diagnostics: Diagnostic[] } | undefined = () => undefined;

  /** Documents already told about a cut result, per kind (told once). */
  private readonly notified = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly ls: MetabaseLanguageService,
    private readonly lifecycle: Lifecycle = Object.assign(new Lifecycle(), { initialized: true }),
  ) {}

  private parsed(uri: string | undefined): MetabaseDocument | undefined {
    return typeof uri === 'string' ? this.store.get(uri) : undefined;
  }

  /**
   * Runs `fn` on the parsed document, or returns `empty` (unknown document, internal error).
   * Params without what the request needs are answered with InvalidParams (lsp/params.ts).
   */
  private guard<T>(name: string, params: { textDocument?: { uri?: string } } | undefined, empty: T, fn: (doc: MetabaseDocument) => T, shape?: ParamsShape): T {
    this.lifecycle.checkRequest(name);
    checkParams(name, params, shape);
    try {
      const doc = this.parsed(params?.textDocument?.uri);
      return doc ? fn(doc) : empty;
    } catch (err) {
      return this.failed(name, err, empty);
    }
  }

  private failed<T>(name: string, err: unknown, empty: T): T {
    if (err instanceof ResponseError) throw err;
    this.connection.console.error(`iis6-metabase: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return empty;
  }

  /** As guard, for the long requests: in slices, stopped by cancellation (lsp/slicedRequests.ts). */
  private async sliced<T>(name: string, params: { textDocument?: { uri?: string } } | undefined, empty: T, token: CancellationToken | undefined, work: (doc: MetabaseDocument) => Steps<T>, shape?: ParamsShape): Promise<T> {
    this.lifecycle.checkRequest(name);
    checkParams(name, params, shape);
    try {
      return await answerInSlices(this.store, params?.textDocument?.uri, token, empty, work);
    } catch (err) {
      return this.failed(name, err, empty);
    }
  }

  notifyLimit(params: LimitReachedParams): void {
    const id = `${params.uri}#${params.what}`;
    if (this.notified.has(id)) return;
    this.notified.add(id);
    void this.connection.sendNotification(LIMIT_NOTIFICATION, params);
  }

  forget(uri: string): void {
    for (const id of [...this.notified]) if (id.startsWith(`${uri}#`)) this.notified.delete(id);
  }

  register(): void {
    const c = this.connection;
    const ls = this.ls;
    // (For the generators below, which have no `this` of their own.)
    const lastPublished = (uri: string) => this.lastPublished(uri);
    const notifyLimit = (p: LimitReachedParams) => this.notifyLimit(p);
    c.onHover((p) => this.guard('textDocument/hover', p, null, (doc) => ls.doHover(doc, p.position), AT));
    c.onCompletion((p) => this.guard('textDocument/completion', p, { isIncomplete: false, items: [] }, (doc) => ls.doComplete(doc, p.position), AT));
    c.onCodeAction((p) => this.guard('textDocument/codeAction', p, [], (doc) => ls.doCodeActions(doc, p.range, Array.isArray(p.context?.diagnostics) ? p.context.diagnostics : []), { range: true }));
    c.onDefinition((p) => this.guard('textDocument/definition', p, [], (doc) => ls.findDefinition(doc, p.position), AT));
    c.onReferences((p, token) => this.sliced('textDocument/references', p, [], token, (doc) => ls.steps.references(doc, p.position, p.context?.includeDeclaration ?? true, SLICE), AT));
    c.onPrepareRename((p) => this.guard('textDocument/prepareRename', p, null, (doc) => ls.prepareRename(doc, p.position), AT));
    c.onRenameRequest((p) =>
      this.guard(
        'textDocument/rename',
        p,
        null,
        (doc) => {
          try {
            return ls.doRename(doc, p.position, p.newName);
          } catch (err) {
            if (err instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidParams, err.message);
            throw err;
          }
        },
        { position: true, newName: true },
      ),
    );
    c.onDocumentSymbol((p, token) =>
      this.sliced('textDocument/documentSymbol', p, [], token, function* (doc: MetabaseDocument) {
        const r = yield* ls.steps.documentSymbols(doc, SLICE);
        if (r.truncated > 0) notifyLimit({ uri: doc.uri, what: 'symbols', shown: doc.model.keys.length - r.truncated, total: doc.model.keys.length, setting: 'iis6Metabase.maxSymbols' });
        return r.symbols;
      }),
    );
    c.onFoldingRanges((p) => this.guard('textDocument/foldingRange', p, [], (doc) => ls.getFoldingRanges(doc)));
    c.onCodeLens((p) => this.guard('textDocument/codeLens', p, [], (doc) => ls.getCodeLenses(doc)));
    c.onRequest(TOPOLOGY_REQUEST, (p: DocumentParams, token?: CancellationToken): Promise<TopologyResult> => this.sliced<TopologyResult>(TOPOLOGY_REQUEST, p, null, token, (doc) => ls.steps.topology(doc, SLICE)));
    c.onRequest(ISOLATION_MODE_REQUEST, (p: DocumentParams): IsolationModeResult => this.guard(ISOLATION_MODE_REQUEST, p, null, (doc) => ({ uri: doc.uri, version: doc.version, isolationMode: doc.model.isolationMode() })));
    c.onRequest(PROCESS_VIEW_REQUEST, (p: ProcessViewParams, token?: CancellationToken): Promise<ProcessViewResult> =>
      this.sliced<ProcessViewResult>(PROCESS_VIEW_REQUEST, p, null, token, function* (doc: MetabaseDocument) {
        const pm = yield* ls.steps.processModel(doc, p.mode === 'worker' || p.mode === 'iis5' ? p.mode : undefined, SLICE);
        // The errors of the validation already published for this version: the view does not validate again.
        const last = lastPublished(doc.uri);
        const errors = last && last.version === doc.version ? last.diagnostics.filter((d) => d.severity === 1) : [];
        const problems = errors.slice(0, 200).map((d) => ({ message: typeof d.message === 'string' ? d.message : d.message.value, code: String(d.code), line: d.range.start.line, character: d.range.start.character }));
        return yield* processViewSteps(doc, pm, problems, errors.length, SLICE);
      }),
    );
    // A file's text, open in the editor or not (the lint task): parsed on its own, never stored.
    c.onRequest(LINT_REQUEST, (p: LintParams): LintResult => {
      this.lifecycle.checkRequest(LINT_REQUEST);
      checkParams(LINT_REQUEST, p, { text: true });
      try {
        return ls.lint(ls.parse(p.textDocument.uri, 0, p.text)).map((d) => ({
          range: d.range,
          severity: (d.severity ?? 1) as LintDiagnostic['severity'],
          code: String(d.code),
          message: typeof d.message === 'string' ? d.message : d.message.value,
        }));
      } catch (err) {
        if (err instanceof ResponseError) throw err;
        this.connection.console.error(`iis6-metabase: ${LINT_REQUEST} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        throw new ResponseError(ErrorCodes.InternalError, `${LINT_REQUEST}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    // Two metabases compared as IIS reads them (lsp/diffRequest.ts); a failure is an error answer, never a crash.
    c.onRequest(DIFF_REQUEST, (p: DiffParams): DiffResult => {
      this.lifecycle.checkRequest(DIFF_REQUEST);
      try {
        return diffRequest(ls, this.store, p);
      } catch (err) {
        if (err instanceof ResponseError) throw err;
        this.connection.console.error(`iis6-metabase: ${DIFF_REQUEST} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        throw new ResponseError(ErrorCodes.InternalError, `${DIFF_REQUEST}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    c.onRequest(PROCESS_MODEL_REQUEST, (p: ProcessModelParams, token?: CancellationToken): Promise<ProcessModelResult> =>
      this.sliced<ProcessModelResult>(PROCESS_MODEL_REQUEST, p, null, token, function* (doc: MetabaseDocument) {
        const pm = yield* ls.steps.processModel(doc, p.mode === 'worker' || p.mode === 'iis5' ? p.mode : undefined, SLICE);
        const range = (r: { start: number; end: number }) => doc.lines.range(r.start, r.end);
        // The errors of the validation published for this version, if any (else validated here).
        const last = lastPublished(doc.uri);
        return {
          uri: doc.uri,
          version: doc.version,
          isolationMode: pm.isolationMode,
          modes: pm.modes,
          processes: pm.processes.map((x) => ({ ...x, range: x.range ? range(x.range) : null })),
          applications: pm.applications.map((x) => ({ ...x, range: range(x.range) })),
          problems: (last && last.version === doc.version ? last.diagnostics : ls.doValidation(doc))
            .filter((d) => d.severity === 1)
            .slice(0, 200)
            .map((d) => ({ message: typeof d.message === 'string' ? d.message : d.message.value, code: String(d.code), range: d.range })),
        };
      }),
    );
  }
}
