/**
 * The language server: LSP wiring only. Every request is answered by the transport-free language
 * service (languageService.ts) through lsp/handlers.ts. Runs over IPC when VS Code starts it and
 * over --stdio for any other editor (`iis6-metabase-language-server --stdio`).
 */
import { CodeActionKind, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getMetabaseLanguageService } from './languageService';
import { DocumentStore } from './lsp/documentStore';
import { Handlers } from './lsp/handlers';
import { SettingsManager } from './lsp/settings';
import { ValidationScheduler } from './lsp/validationScheduler';
import { VERSION } from './version';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const ls = getMetabaseLanguageService();
const store = new DocumentStore(ls);
const handlers = new Handlers(connection, documents, store, ls);
const validation = new ValidationScheduler(connection, documents, store, ls, (p) => handlers.notifyLimit(p));
const settings = new SettingsManager(connection, ls, () => {
  store.clear();
  validation.revalidateAll();
});

connection.onInitialize((params): InitializeResult => {
  settings.initialize(params);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
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
connection.onDidChangeConfiguration(() => void settings.reload());
handlers.register();

documents.onDidChangeContent((e) => validation.schedule(e.document));
documents.onDidClose((e) => {
  store.delete(e.document.uri);
  handlers.forget(e.document.uri);
  validation.clear(e.document.uri);
});

documents.listen(connection);
connection.listen();
