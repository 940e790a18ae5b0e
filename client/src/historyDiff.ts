/**
 * "IIS 6: Compare with History…" and "IIS 6: Copy Changes as adsutil Script".
 *
 * Compare lists the MetaBase_<major>_<minor>.xml copies of the `History` folder beside the open
 * metabase (newest first) and an entry to pick any other metabase file; the language server
 * compares the two as IIS reads them (iis6Metabase/diff); the "Metabase Changes" view shows what
 * the changes do to the process model (the pools, identities and processes the applications run
 * in, before → after), the errors they bring, then key → property, old → new; VS Code's own text
 * diff opens beside it. Clicking a change selects its line in NEW, or in OLD for a removal. The
 * comparison follows edits of either file.
 *
 * Copy puts the adsutil.vbs script of the comparison (made again from the files as they are now)
 * on the clipboard; without a comparison it asks for the other file as Compare does.
 *
 * Both commands take the other file as an argument (a Uri, a uri string or a path) to skip the
 * question, for tests and keybindings.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DIFF_REQUEST, type DiffChange, type DiffParams, type DiffResponse, type LspPosition } from '../../server/src/protocol';
import { changeSide, changeText, fileDate, groupByKey, historyVersions, versionLabel, type KeyChanges } from './historyDiffItems';
import { LANGUAGE_ID } from './topologyView';

export type ChangeElement =
  | { type: 'effects'; items: string[] }
  | { type: 'effect'; text: string }
  | { type: 'errors'; items: DiffResponse['newErrors'] }
  | { type: 'error'; error: DiffResponse['newErrors'][number] }
  | { type: 'key'; key: KeyChanges }
  | { type: 'change'; change: DiffChange; key: KeyChanges };

const MARK_ICON = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-modified' } as const;

export interface Comparison {
  oldUri: vscode.Uri;
  newUri: vscode.Uri;
  result: DiffResponse;
}

export class ChangesTreeProvider implements vscode.TreeDataProvider<ChangeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChangeElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ChangeElement[] = [];
  view: vscode.TreeView<ChangeElement> | undefined;
  /** The comparison shown (tests read it; Copy uses its files). */
  comparison: Comparison | undefined;

  dispose(): void {
    this.changed.dispose();
  }

  show(comparison: Comparison): void {
    this.comparison = comparison;
    const r = comparison.result;
    const keys = groupByKey(r.changes);
    this.roots = [
      ...(r.effects.length > 0 ? [{ type: 'effects' as const, items: r.effects }] : []),
      ...(r.newErrors.length > 0 ? [{ type: 'errors' as const, items: r.newErrors }] : []),
      ...keys.map((key) => ({ type: 'key' as const, key })),
    ];
    const name = (u: vscode.Uri): string => path.posix.basename(u.path);
    if (this.view) {
      this.view.message = r.changes.length === 0 ? `${name(comparison.oldUri)} → ${name(comparison.newUri)}: no change (they configure IIS the same way).` : undefined;
      this.view.description = `${name(comparison.oldUri)} → ${name(comparison.newUri)}`;
    }
    this.changed.fire(undefined);
  }

  getChildren(element?: ChangeElement): ChangeElement[] {
    if (!element) return this.roots;
    if (element.type === 'effects') return element.items.map((text) => ({ type: 'effect', text }));
    if (element.type === 'errors') return element.items.map((error) => ({ type: 'error', error }));
    if (element.type === 'key') return element.key.changes.filter((c) => c.property !== null || c.kind === 'key-type-changed').map((change) => ({ type: 'change', change, key: element.key }));
    return [];
  }

  getTreeItem(element: ChangeElement): vscode.TreeItem {
    const cmp = this.comparison;
    const open = (side: 'old' | 'new', position: LspPosition | null): vscode.Command | undefined =>
      cmp && position ? { command: 'iis6Metabase.revealChange', title: 'Go to the Change', arguments: [side === 'old' ? cmp.oldUri : cmp.newUri, position] } : undefined;
    switch (element.type) {
      case 'effects': {
        const item = new vscode.TreeItem('What changes for the applications', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'effects';
        item.description = String(element.items.length);
        item.iconPath = new vscode.ThemeIcon('server-process');
        item.tooltip = 'Before → after in the process model: the isolation mode, pools that become web gardens or run as another identity, applications that move to another pool or process.';
        return item;
      }
      case 'effect': {
        const item = new vscode.TreeItem(element.text);
        item.iconPath = new vscode.ThemeIcon('arrow-right');
        item.tooltip = element.text;
        return item;
      }
      case 'errors': {
        const item = new vscode.TreeItem(`New errors in ${cmp ? path.posix.basename(cmp.newUri.path) : 'the new file'}`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'errors';
        item.description = String(element.items.length);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        return item;
      }
      case 'error': {
        const e = element.error;
        const item = new vscode.TreeItem(e.message.split(/(?<=\.)\s/)[0] ?? e.message);
        item.description = e.code;
        item.tooltip = e.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.command = open('new', e.position);
        return item;
      }
      case 'key': {
        const k = element.key;
        const hasChildren = this.getChildren(element).length > 0;
        // IIS_Global (Location ".") holds what IIS itself writes at each save (ChangeNumber, the
        // history version, time stamps): shown closed, so that the changes someone made lead.
        const bookkeeping = k.location.trim() === '.';
        const item = new vscode.TreeItem(k.location, hasChildren ? (bookkeeping ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded) : vscode.TreeItemCollapsibleState.None);
        item.id = `key:${k.location.toLowerCase()}`;
        item.description = k.mark === 'changed' ? k.keyType : `${k.keyType} · ${k.mark}`;
        if (bookkeeping) item.description += ' · written by IIS at each save';
        item.iconPath = new vscode.ThemeIcon(MARK_ICON[k.mark]);
        item.contextValue = `changedKey.${k.mark}`;
        const first = k.changes[0]!;
        item.command = k.mark === 'removed' ? open('old', first.oldPosition) : open('new', first.newPosition ?? first.oldPosition);
        return item;
      }
      case 'change': {
        const c = element.change;
        const { label, description } = changeText(c);
        const item = new vscode.TreeItem(label);
        item.id = `change:${element.key.location.toLowerCase()}:${c.kind}:${label}`;
        item.description = description;
        item.tooltip = `${label}: ${description}`;
        item.iconPath = new vscode.ThemeIcon(c.kind === 'property-added' ? 'add' : c.kind === 'property-removed' ? 'remove' : c.secure ? 'lock' : 'edit');
        const side = changeSide(c);
        item.command = open(side, side === 'old' ? c.oldPosition : c.newPosition);
        return item;
      }
    }
  }
}

/** The other file of a command argument: a Uri, a uri string, or a path (relative to the open file's folder). */
function argumentUri(arg: unknown, base: vscode.Uri): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (arg && typeof arg === 'object' && 'scheme' in arg && 'path' in arg) return vscode.Uri.from(arg as { scheme: string; path: string });
  if (typeof arg !== 'string' || arg === '') return undefined;
  if (/^[a-z][\w+.-]+:\/\//i.test(arg)) return vscode.Uri.parse(arg);
  return path.isAbsolute(arg) ? vscode.Uri.file(arg) : vscode.Uri.joinPath(base, '..', arg);
}

/** The metabase the commands compare against: the active editor's, else one that is open. */
function activeMetabase(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === LANGUAGE_ID) return doc;
  return vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.languageId === LANGUAGE_ID) ?? vscode.workspace.textDocuments.find((d) => d.languageId === LANGUAGE_ID);
}

/** Asks which version to compare the open file with: its History copies (newest first), or any file. */
async function pickOther(current: vscode.Uri): Promise<vscode.Uri | undefined> {
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const folder = vscode.Uri.joinPath(current, '..');
  const history = vscode.Uri.joinPath(folder, 'History');
  const items: Item[] = [];
  try {
    const names = (await vscode.workspace.fs.readDirectory(history)).filter(([, type]) => type === vscode.FileType.File).map(([n]) => n);
    for (const v of historyVersions(names)) {
      const uri = vscode.Uri.joinPath(history, v.name);
      const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
      items.push({ label: `$(history) ${versionLabel(v)}`, description: stat ? `saved ${fileDate(stat.mtime)}` : undefined, detail: `History/${v.name}`, uri });
    }
  } catch {
    // No History folder beside the file: only "another file".
  }
  if (items.length > 0) items.unshift({ label: 'History beside this file (newest first)', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(folder-opened) Another metabase file…', description: 'an export, a copy from another server' });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Compare ${path.posix.basename(current.path)} with…`,
    placeHolder: items.length > 1 ? 'A saved version of the metabase, or another file' : 'No History folder beside this file: pick another metabase file',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ title: 'Metabase to compare with', defaultUri: folder, canSelectMany: false, filters: { 'IIS metabase': ['xml'], 'All files': ['*'] } });
  return chosen?.[0];
}

export function registerHistoryDiff(client: LanguageClient): { provider: ChangesTreeProvider; disposable: vscode.Disposable } {
  const provider = new ChangesTreeProvider();
  const view = vscode.window.createTreeView('iis6Metabase.changes', { treeDataProvider: provider, showCollapseAll: true });
  provider.view = view;

  /**
   * Asks the server to compare the two files as their editors hold them. Both are open (a history
   * copy opens as a metabase too), so the server first compares the documents it already has;
   * when it has not (another language, a big file still being read), the texts are sent.
   */
  const compare = async (oldUri: vscode.Uri, newUri: vscode.Uri): Promise<DiffResponse | undefined> => {
    const docs = [await vscode.workspace.openTextDocument(oldUri), await vscode.workspace.openTextDocument(newUri)] as const;
    const side = (d: vscode.TextDocument, withText: boolean) => ({ uri: d.uri.toString(), ...(withText || d.languageId !== LANGUAGE_ID ? { text: d.getText() } : {}) });
    const ask = (withText: boolean): Promise<DiffResponse | null> => client.sendRequest<DiffResponse | null>(DIFF_REQUEST, { old: side(docs[0], withText), new: side(docs[1], withText) } satisfies DiffParams);
    const result = (await ask(false)) ?? (await ask(true));
    if (!result) return undefined;
    provider.show({ oldUri, newUri, result });
    await vscode.commands.executeCommand('setContext', 'iis6Metabase.hasChanges', true);
    return result;
  };

  /** The comparison a command works on: the argument's file, or the one the user picks, against the open metabase. */
  const comparisonFor = async (arg: unknown): Promise<{ oldUri: vscode.Uri; newUri: vscode.Uri } | undefined> => {
    const doc = activeMetabase();
    if (!doc) {
      void vscode.window.showInformationMessage('Open a MetaBase.xml (language "IIS 6 Metabase") to compare it with another version.');
      return undefined;
    }
    const oldUri = argumentUri(arg, doc.uri) ?? (await pickOther(doc.uri));
    return oldUri ? { oldUri, newUri: doc.uri } : undefined;
  };

  const compareCommand = async (arg?: unknown): Promise<DiffResponse | undefined> => {
    const pair = await comparisonFor(arg);
    if (!pair) return undefined;
    let result: DiffResponse | undefined;
    try {
      result = await compare(pair.oldUri, pair.newUri);
    } catch (err) {
      void vscode.window.showErrorMessage(`IIS 6 Metabase: cannot compare with ${pair.oldUri.fsPath || pair.oldUri.toString()}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    if (!result) return undefined;
    const name = (u: vscode.Uri): string => path.posix.basename(u.path);
    // VS Code's text diff in the editor, the changes as IIS reads them in the view beside it.
    await vscode.commands.executeCommand('vscode.diff', pair.oldUri, pair.newUri, `${name(pair.oldUri)} ↔ ${name(pair.newUri)}`, { preview: false });
    await vscode.commands.executeCommand('iis6Metabase.changes.focus');
    if (result.changes.length === 0) void vscode.window.showInformationMessage(`${name(pair.oldUri)} and ${name(pair.newUri)} configure IIS the same way: no change.`);
    return result;
  };

  /** Follows edits of either file: the view shows the changes as they are now. */
  let pending: NodeJS.Timeout | undefined;
  const followEdits = vscode.workspace.onDidChangeTextDocument((e) => {
    const c = provider.comparison;
    if (!c || e.contentChanges.length === 0) return;
    const u = e.document.uri.toString();
    if (u !== c.oldUri.toString() && u !== c.newUri.toString()) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => void compare(c.oldUri, c.newUri).catch(() => undefined), 500);
  });

  const disposable = vscode.Disposable.from(
    provider,
    view,
    followEdits,
    { dispose: () => pending && clearTimeout(pending) },
    vscode.commands.registerCommand('iis6Metabase.compareWithHistory', compareCommand),
    vscode.commands.registerCommand('iis6Metabase.copyAdsutilScript', async (arg?: unknown): Promise<string | undefined> => {
      // The comparison shown (made again: the files may have changed), or a new one.
      const last = provider.comparison;
      let result: DiffResponse | undefined;
      let pair: { oldUri: vscode.Uri; newUri: vscode.Uri } | undefined;
      if (last && arg === undefined) {
        pair = last;
        result = await compare(last.oldUri, last.newUri).catch(() => last.result);
      } else {
        result = await compareCommand(arg);
        pair = provider.comparison;
      }
      if (!result || !pair) return undefined;
      const name = (u: vscode.Uri): string => path.posix.basename(u.path);
      if (result.changes.length === 0) {
        void vscode.window.showInformationMessage(`${name(pair.oldUri)} and ${name(pair.newUri)} configure IIS the same way: there is no change to script.`);
        return undefined;
      }
      await vscode.env.clipboard.writeText(result.adsutil);
      const commands = result.adsutil.split(/\r?\n/).filter((l) => l.startsWith('cscript ')).length;
      void vscode.window.showInformationMessage(`Copied an adsutil.vbs script of ${commands} command${commands === 1 ? '' : 's'} (${name(pair.oldUri)} → ${name(pair.newUri)}) to the clipboard. Review it before running it on the server.`);
      return result.adsutil;
    }),
    // A change's tree item: its line in the file (the diff editor's side when it shows that file).
    vscode.commands.registerCommand('iis6Metabase.revealChange', async (uri: vscode.Uri, position: LspPosition) => {
      const pos = new vscode.Position(position.line, position.character);
      const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      const editor = shown ?? (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true }));
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return editor;
    }),
  );
  return { provider, disposable };
}
