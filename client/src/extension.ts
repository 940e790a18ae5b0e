/**
 * The VS Code extension: starts the language server over IPC for `iis-metabase` documents and
 * adds what an editor-agnostic server cannot: the "IIS Metabase" tree, the process-model preview,
 * the isolation mode in the status bar, and a few commands. Everything shown comes from the
 * server's requests; the client never parses the metabase itself.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DOCUMENT_READY_NOTIFICATION, LIMIT_NOTIFICATION, type DocumentReadyParams, type LimitReachedParams, type LspPosition, type LspRange } from '../../server/src/protocol';
import { registerHistoryDiff, type ChangesTreeProvider } from './historyDiff';
import { registerLintTasks } from './lintTask';
import { ProcessModelPanel } from './processModelPanel';
import { redactingChannel } from './traceRedaction';
import { IsolationStatus } from './isolationStatus';
import { LANGUAGE_ID, revealElement, TopologyTreeProvider, type TopologyElement } from './topologyView';

let client: LanguageClient | undefined;

export interface ExtensionApi {
  client: LanguageClient;
  tree: TopologyTreeProvider;
  /** The "Metabase Changes" view of Compare with History… (historyDiff.ts). */
  changes: ChangesTreeProvider;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const traceChannel = vscode.window.createOutputChannel('IIS 6 Metabase Language Server Trace', { log: true });
  context.subscriptions.push(traceChannel);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    synchronize: { configurationSection: 'iis6Metabase' },
    // The trace never shows document text (passwords): see traceRedaction.ts.
    traceOutputChannel: redactingChannel(traceChannel),
  };
  client = new LanguageClient('iis6Metabase', 'IIS 6 Metabase', serverOptions, clientOptions);
  const lc = client;
  context.subscriptions.push(lc);

  context.subscriptions.push(registerLintTasks(lc, context.extension));
  const historyDiff = registerHistoryDiff(lc);
  context.subscriptions.push(historyDiff.disposable);

  const tree = new TopologyTreeProvider(lc);
  const view = vscode.window.createTreeView('iis6Metabase.topology', { treeDataProvider: tree, showCollapseAll: true });
  tree.view = view;
  context.subscriptions.push(tree, view);

  // The tree asks the server only while it is visible; the status bar asks for the mode alone.
  context.subscriptions.push(view.onDidChangeVisibility((e) => tree.visibilityChanged(e.visible)));
  const status = new IsolationStatus(lc, LANGUAGE_ID);
  context.subscriptions.push(status);

  const activeMetabase = (): vscode.TextDocument | undefined => {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.languageId === LANGUAGE_ID) return doc;
    return vscode.workspace.textDocuments.find((d) => d.languageId === LANGUAGE_ID);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('iis6Metabase.previewProcessModel', async (element?: TopologyElement) => {
      const doc = element && 'uri' in element ? await vscode.workspace.openTextDocument(vscode.Uri.parse(element.uri)) : activeMetabase();
      if (!doc) {
        void vscode.window.showInformationMessage('Open a MetaBase.xml (language "IIS 6 Metabase") to preview its process model.');
        return undefined;
      }
      const panel = await ProcessModelPanel.show(lc, doc);
      return panel.model;
    }),
    vscode.commands.registerCommand('iis6Metabase.switchToMetabase', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return;
      await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
    }),
    vscode.commands.registerCommand('iis6Metabase.revealKey', (element: TopologyElement) => revealElement(element)),
    vscode.commands.registerCommand('iis6Metabase.findReferences', async (element: TopologyElement) => {
      await revealElement(element);
      await vscode.commands.executeCommand('editor.action.referenceSearch.trigger');
    }),
    vscode.commands.registerCommand('iis6Metabase.refreshTree', () => tree.refresh()),
    // Filter Tree… asks for the text (an argument skips the question: for tests and keybindings).
    vscode.commands.registerCommand('iis6Metabase.filterTree', async (text?: string) => {
      const value = typeof text === 'string' ? text : await vscode.window.showInputBox({ title: 'Filter the IIS Metabase tree', prompt: 'Part of a name or Location (empty: show everything)', value: tree.filter });
      if (value === undefined) return;
      await tree.setFilter(value);
    }),
    vscode.commands.registerCommand('iis6Metabase.clearTreeFilter', () => tree.setFilter('')),
    // As vscode-eslint and vscode-xml have them: a new server process (it reads the settings, the
    // schema and every open document again), and the client's log.
    vscode.commands.registerCommand('iis6Metabase.restartServer', async () => {
      await lc.restart();
      tree.refreshSoon(0);
      status.updateSoon(0);
      return lc.serverProcess?.pid;
    }),
    vscode.commands.registerCommand('iis6Metabase.showOutput', () => lc.outputChannel.show(true)),
    // A pool's code lens: the references of the pool at `position` (the server's Find References,
    // without the pool's own key), in the peek view.
    vscode.commands.registerCommand('iis6Metabase.showReferences', async (uri: string, position: LspPosition, locations?: Array<{ uri: string; range: LspRange }>) => {
      const toRange = (r: LspRange) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      const docUri = vscode.Uri.parse(uri);
      const at = new vscode.Position(position.line, position.character);
      const found = locations
        ? locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range)))
        : ((await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', docUri, at)) ?? []).filter((l) => !(l.uri.toString() === docUri.toString() && l.range.contains(at)));
      return vscode.commands.executeCommand('editor.action.showReferences', docUri, at, found);
    }),
  );

  context.subscriptions.push(
    // A big document was parsed in slices: the tree, the status bar and the preview ask again.
    lc.onNotification(DOCUMENT_READY_NOTIFICATION, (p: DocumentReadyParams) => {
      tree.documentReady(p.uri);
      status.updateSoon(0);
      ProcessModelPanel.documentReady(p.uri);
    }),
    lc.onNotification(LIMIT_NOTIFICATION, (p: LimitReachedParams) => {
      const file = p.uri.split('/').pop();
      void vscode.window.showInformationMessage(`IIS 6 Metabase: ${file} has ${p.total} ${p.what}; only the first ${p.shown} are shown. Raise "${p.setting}" to see more.`);
    }),
  );

  await lc.start();
  status.updateSoon(0);
  tree.refreshSoon(0);
  return { client: lc, tree, changes: historyDiff.provider };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
