/**
 * "IIS 6: Preview Process Model": a webview beside the editor that shows which processes serve
 * the applications of the metabase (from the server's iis6Metabase/processView request): a
 * summary, then a group per process whose applications are rendered when the group is opened
 * (the page asks; the panel answers from the data it holds), with a filter. It updates as the
 * document changes, can preview the other isolation mode, and reveals an application in the
 * editor when it is clicked.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PROCESS_VIEW_REQUEST, type ProcessViewResponse } from '../../server/src/protocol';
import { filterGroups, renderGroupBody, renderProcessViewHtml } from './processModelHtml';
import { LANGUAGE_ID } from './topologyView';

export class ProcessModelPanel implements vscode.Disposable {
  static readonly viewType = 'iis6Metabase.processModel';
  private static current: ProcessModelPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private uri: vscode.Uri;
  private previewing: 'worker' | 'iis5' | undefined;
  private pending: NodeJS.Timeout | undefined;
  /** The last model shown (tests read it through the command's return value). */
  model: ProcessViewResponse | undefined;

  static async show(client: LanguageClient, document: vscode.TextDocument): Promise<ProcessModelPanel> {
    if (ProcessModelPanel.current) {
      ProcessModelPanel.current.uri = document.uri;
      ProcessModelPanel.current.previewing = undefined;
      ProcessModelPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      await ProcessModelPanel.current.update();
      return ProcessModelPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ProcessModelPanel.viewType, 'IIS 6 Process Model', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [],
      retainContextWhenHidden: false,
    });
    const p = new ProcessModelPanel(panel, client, document.uri);
    ProcessModelPanel.current = p;
    await p.update();
    return p;
  }

  /** The server finished parsing a big document: show its model if the panel is on it. */
  static documentReady(uri: string): void {
    const p = ProcessModelPanel.current;
    if (p && p.uri.toString() === uri) void p.update();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly client: LanguageClient,
    uri: vscode.Uri,
  ) {
    this.uri = uri;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: { type: string; line?: number; character?: number; mode?: 'worker' | 'iis5'; id?: string; filter?: string }) => {
        if (msg.type === 'reveal' && typeof msg.line === 'number') void this.reveal(msg.line, msg.character ?? 0);
        const filter = typeof msg.filter === 'string' ? msg.filter : '';
        // A group opened: its applications (filtered), rendered now and only now.
        if (msg.type === 'group' && typeof msg.id === 'string') {
          const g = this.model?.groups.find((x) => x.id === msg.id);
          if (g) void this.panel.webview.postMessage({ type: 'group', id: g.id, filter, html: renderGroupBody(g, filter) });
        }
        if (msg.type === 'filter' && this.model) void this.panel.webview.postMessage({ type: 'filtered', filter, counts: filterGroups(this.model, filter) });
        if (msg.type === 'mode') {
          this.previewing = msg.mode;
          void this.update();
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.uri.toString()) this.updateSoon();
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.languageId === LANGUAGE_ID && editor.document.uri.toString() !== this.uri.toString()) {
          this.uri = editor.document.uri;
          this.previewing = undefined;
          this.updateSoon();
        }
      }),
    );
  }

  private updateSoon(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.update(), 400);
  }

  async update(): Promise<void> {
    try {
      const r = await this.client.sendRequest<ProcessViewResponse | null>(PROCESS_VIEW_REQUEST, { textDocument: { uri: this.uri.toString() }, mode: this.previewing });
      this.model = r ?? undefined;
    } catch (err) {
      // Cancelled, or the text changed meanwhile: the update after that change follows.
      if ([-32800, -32801].includes((err as { code?: number }).code ?? 0)) return;
      this.model = undefined;
    }
    this.panel.title = `Processes: ${this.uri.path.split('/').pop()}`;
    this.panel.webview.html = renderProcessViewHtml(this.model, { nonce: randomBytes(16).toString('base64'), cspSource: this.panel.webview.cspSource, previewing: this.previewing });
  }

  private async reveal(line: number, character: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const pos = new vscode.Position(line, character);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pending) clearTimeout(this.pending);
    if (ProcessModelPanel.current === this) ProcessModelPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
