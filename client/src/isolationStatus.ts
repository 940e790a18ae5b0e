/**
 * The status bar item with the active metabase's isolation mode. It asks the server for the mode
 * alone (iis6Metabase/isolationMode: no tree is built), when the active editor changes, 400 ms
 * after a change of its text and when the server says a big document is ready, so it works while
 * the "IIS Metabase" view is hidden (the tree asks only while it is visible). The answer also
 * tells whether the view has something to show (iis6Metabase.hasTopology, the view's when clause).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ISOLATION_MODE_REQUEST, type IsolationModeResult } from '../../server/src/protocol';

const MODE_TEXT = {
  worker: { text: '$(server-process) IIS 6: worker process isolation', tooltip: 'IIs5IsolationModeEnabled="FALSE": applications run in the W3wp.exe of their application pool. Click to preview the process model.' },
  iis5: { text: '$(server) IIS 6: IIS 5.0 isolation', tooltip: 'IIs5IsolationModeEnabled="TRUE": no application pools; applications run in Inetinfo.exe or DLLHost.exe. Click to preview the process model.' },
  unset: { text: '$(warning) IIS 6: isolation mode not set', tooltip: 'IIs5IsolationModeEnabled is not written on /LM/W3SVC: the schema default is IIS 5.0 isolation mode, a clean install runs worker process isolation mode. Click to preview both.' },
} as const;

export class IsolationStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('iis6Metabase.isolationMode', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly languageId: string,
  ) {
    this.item.name = 'IIS 6 isolation mode';
    this.item.command = 'iis6Metabase.previewProcessModel';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.updateSoon(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.document.languageId === languageId) this.updateSoon(400);
      }),
    );
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const d of this.disposables) d.dispose();
  }

  updateSoon(delay: number): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => void this.update(), delay);
  }

  private async update(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== this.languageId) {
      this.item.hide();
      return;
    }
    const uri = doc.uri.toString();
    const mode = await this.client.sendRequest<IsolationModeResult>(ISOLATION_MODE_REQUEST, { textDocument: { uri } }).then(
      (r) => r,
      () => null,
    );
    if (vscode.window.activeTextEditor?.document.uri.toString() !== uri) return; // another editor meanwhile
    if (mode) {
      this.item.text = MODE_TEXT[mode.isolationMode].text;
      this.item.tooltip = MODE_TEXT[mode.isolationMode].tooltip;
      this.item.show();
    } else this.item.hide();
    await vscode.commands.executeCommand('setContext', 'iis6Metabase.hasTopology', !!mode);
  }
}
