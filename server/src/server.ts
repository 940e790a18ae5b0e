/**
 * The language server: LSP wiring only. Every request is answered by the transport-free language
 * service (languageService.ts) through lsp/handlers.ts. Runs over IPC when VS Code starts it and
 * over --stdio for any other editor (`iis6-metabase-language-server --stdio`).
 */
import { CodeActionKind, createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { getMetabaseLanguageService } from './languageService';
import { DocumentStore } from './lsp/documentStore';
import { GarbageCollector } from './lsp/garbage';
import { setJoinListener } from './parser/pieceText';
import { Handlers } from './lsp/handlers';
import { Lifecycle, watchMessageStream } from './lsp/lifecycle';
import { OpeningProgress } from './lsp/progress';
import { SettingsManager } from './lsp/settings';
import { connectionOptions } from './lsp/slicedRequests';
import { ValidationScheduler } from './lsp/validationScheduler';
import { DOCUMENT_READY_NOTIFICATION, type DocumentReadyParams } from './protocol';
import { VERSION } from './version';

// Over stdio the server reads the stream itself, to answer or end on what it cannot read (lsp/lifecycle.ts).
const stdio = process.argv.includes('--stdio') ? { reader: new StreamMessageReader(process.stdin), writer: new StreamMessageWriter(process.stdout) } : undefined;
// A request cancelled before it started is answered RequestCancelled and never run (lsp/slicedRequests.ts).
const connection = stdio ? createConnection(ProposedFeatures.all, stdio.reader, stdio.writer, connectionOptions) : createConnection(ProposedFeatures.all, connectionOptions);
if (stdio) watchMessageStream(stdio.reader, stdio.writer, (line) => process.stderr.write(`${line}\n`), (code) => process.exit(code));
const lifecycle = new Lifecycle();
const ls = getMetabaseLanguageService();
const progress = new OpeningProgress(() => connection.window.createWorkDoneProgress());
const store = new DocumentStore(
  ls,
  (uri) => {
    progress.validating(uri);
    validation.schedule(uri, 0);
    // The custom requests answered null while it was parsed: the client asks again now.
    const doc = store.get(uri);
    if (doc) void connection.sendNotification(DOCUMENT_READY_NOTIFICATION, { uri, version: doc.version } satisfies DocumentReadyParams);
  },
  (uri, err) => {
    progress.done(uri);
    connection.console.error(`iis6-metabase: parsing ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  },
);
const handlers = new Handlers(connection, store, ls, lifecycle);
const garbage = new GarbageCollector();
// Edits keep a big text as pieces of the previous string; joining them (for a whole re-parse, or
// after many edits) makes a new one and leaves the old one behind.
setJoinListener((chars) => garbage.drop(chars));
const validation = new ValidationScheduler(connection, store, ls, (p) => handlers.notifyLimit(p), (uri) => {
  progress.done(uri);
  garbage.quiet();
});
handlers.lastPublished = (uri) => validation.lastPublished(uri);
const settings = new SettingsManager(connection, ls, () => {
  store.reparseAll();
  validation.revalidateAll();
});

connection.onInitialize((params): InitializeResult => {
  lifecycle.initialized = true;
  settings.initialize(params);
  progress.supported = params.capabilities.window?.workDoneProgress === true;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['<', '"', '|', ' ', '/'] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'iis6-metabase-language-server', version: VERSION },
  };
});

connection.onInitialized(() => settings.initialized());
connection.onShutdown(() => {
  lifecycle.shutdown = true;
});
connection.onDidChangeConfiguration(() => void settings.reload());
handlers.register();

connection.onDidOpenTextDocument(({ textDocument: d }) => {
  if (!lifecycle.initialized || lifecycle.shutdown) return; // dropped, as the specification says
  // The message that brought the text (its chunks, their concatenation and the JSON string) is
  // garbage from now on; a big one is collected while the document is parsed in slices.
  garbage.drop(3 * d.text.length);
  garbage.quiet();
  // A huge document is parsed in slices and validated when ready (the store calls back).
  if (store.open(d.uri, d.version, d.text)) validation.schedule(d.uri, 0);
  else progress.parsing(d.uri, d.text.length);
});
connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
  if (!lifecycle.initialized || lifecycle.shutdown) return;
  // A whole new text leaves the previous one behind (edits with ranges share it).
  if (contentChanges.some((c) => !('range' in c) || !c.range)) garbage.drop(store.get(d.uri)?.length ?? 0);
  if (store.change(d.uri, d.version ?? 0, contentChanges)) validation.schedule(d.uri);
});
connection.onDidCloseTextDocument(({ textDocument: d }) => {
  garbage.drop(store.get(d.uri)?.length ?? 0);
  store.close(d.uri);
  progress.done(d.uri);
  handlers.forget(d.uri);
  validation.clear(d.uri);
});

connection.listen();
