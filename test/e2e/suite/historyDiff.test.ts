/**
 * "IIS 6: Compare with History…" and "IIS 6: Copy Changes as adsutil Script" in the real editor.
 * The workspace has History/MetaBase_0000000011_0000000000.xml beside MetaBase.xml (an older
 * version: no ShopPool site, the intranet in "ImportedPool", other passwords; version 12, the same
 * file, is left unopened for the lint task's test). The commands get the
 * history file as an argument, which skips the quick pick.
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { ChangeElement } from '../../../client/src/historyDiff';
import type { DiffResponse } from '../../../server/src/protocol';
import { closeAllEditors, extensionApi, openDoc, positionOf, waitFor, workspaceUri, type ExtensionApi } from './helpers';

const HISTORY = 'History/MetaBase_0000000011_0000000000.xml';

suite('Compare with History', () => {
  let doc: vscode.TextDocument;
  let api: ExtensionApi;
  let result: DiffResponse | undefined;

  /** Every row of the changes view as "label | description", children indented. */
  const rows = (): string[] => {
    const out: string[] = [];
    const walk = (els: ChangeElement[], depth: number): void => {
      for (const el of els) {
        const item = api.changes.getTreeItem(el);
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        const description = typeof item.description === 'string' ? item.description : '';
        out.push(`${'  '.repeat(depth)}${label}${description ? ` | ${description}` : ''}`);
        walk(api.changes.getChildren(el), depth + 1);
      }
    };
    walk(api.changes.getChildren(), 0);
    return out;
  };
  const element = (predicate: (el: ChangeElement) => boolean): ChangeElement => {
    const all: ChangeElement[] = [];
    const walk = (els: ChangeElement[]): void => els.forEach((e) => (all.push(e), walk(api.changes.getChildren(e))));
    walk(api.changes.getChildren());
    const found = all.find(predicate);
    assert.ok(found, `no such row in:\n${rows().join('\n')}`);
    return found;
  };

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
    api = await extensionApi();
  });

  suiteTeardown(closeAllEditors);

  test('Compare with History… opens the text diff and fills the Metabase Changes view', async () => {
    result = await vscode.commands.executeCommand<DiffResponse | undefined>('iis6Metabase.compareWithHistory', workspaceUri(HISTORY));
    assert.ok(result, 'the command returned no comparison');
    // VS Code's own diff: the history copy on the left, MetaBase.xml on the right.
    const diffTab = await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff),
      () => `a diff editor; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)).join(', ')}`,
    );
    const input = diffTab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.toString(), workspaceUri(HISTORY).toString());
    assert.equal(input.modified.toString(), doc.uri.toString());
    assert.equal(diffTab.label, 'MetaBase_0000000011_0000000000.xml ↔ MetaBase.xml');

    const shown = rows();
    const text = shown.join('\n');
    // First what the changes do to the process model (before → after), then the new errors, then key by key.
    assert.equal(shown[0], 'What changes for the applications | 4');
    assert.ok(shown.includes('  /LM/W3SVC/1962875481/root runs again, in pool IntranetPool'), text);
    assert.ok(shown.includes('  /LM/W3SVC/20/ROOT is a new application that cannot run: application pool "ShopPool" does not exist: requests fail'), text);
    assert.ok(shown.some((r) => /^New errors in MetaBase\.xml \| 5$/.test(r)), text);
    assert.ok(shown.some((r) => /^ {2}No application pool "ShopPool" exists.* \| apppool-not-found$/.test(r)), text);
    // key → property, old → new; lists by entry; removals; secure values never.
    assert.ok(shown.includes('/LM/W3SVC/1962875481 | IIsWebServer'), text);
    assert.ok(shown.includes('  AppPoolId | "ImportedPool" → "IntranetPool"'), text);
    assert.ok(shown.includes('  ServerBindings | + "10.0.0.5:80:"  + "10.0.0.5:80:intranet.example.com"  − ":80:apps.example.com"'), text);
    assert.ok(shown.includes('  AspBufferingLimit | removed (was "4194304")'), text);
    assert.ok(shown.includes('  AnonymousUserPass | changed (secure value, not shown)'), text);
    assert.ok(shown.includes('/LM/W3SVC/20 | IIsWebServer · added'), text);
    // What IIS writes at each save (ChangeNumber, the history version) is there, closed.
    const global = element((e) => e.type === 'key' && e.key.location === '.');
    const globalItem = api.changes.getTreeItem(global);
    assert.equal(globalItem.description, 'IIS_Global · written by IIS at each save');
    assert.equal(globalItem.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const history = (await vscode.workspace.openTextDocument(workspaceUri(HISTORY))).getText();
    const password = /AnonymousUserPass="([^"]+)"/.exec(history)?.[1];
    assert.ok(password && !text.includes(password), 'a secure value is shown');
  });

  test('clicking a change selects its line in MetaBase.xml, a removal its line in the history copy', async () => {
    const open = async (el: ChangeElement): Promise<vscode.TextEditor> => {
      const cmd = api.changes.getTreeItem(el).command;
      assert.ok(cmd, 'the row has no command');
      return vscode.commands.executeCommand<vscode.TextEditor>(cmd.command, ...(cmd.arguments ?? []));
    };
    const changed = await open(element((e) => e.type === 'change' && e.change.property === 'AppPoolId' && e.key.location === '/LM/W3SVC/1962875481'));
    assert.equal(changed.document.uri.toString(), doc.uri.toString());
    assert.equal(changed.selection.active.line, positionOf(doc, 'AppPoolId="IntranetPool"').line);

    const removed = await open(element((e) => e.type === 'change' && e.change.property === 'AspBufferingLimit'));
    assert.equal(removed.document.uri.toString(), workspaceUri(HISTORY).toString());
    assert.equal(removed.selection.active.line, positionOf(removed.document, 'AspBufferingLimit=').line);
  });

  test('Copy Changes as adsutil Script puts the script of the comparison on the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    const script = await vscode.commands.executeCommand<string | undefined>('iis6Metabase.copyAdsutilScript');
    assert.ok(script, 'the command returned no script');
    const clipboard = await vscode.env.clipboard.readText();
    assert.equal(clipboard, script);
    const lines = clipboard.split('\r\n');
    assert.equal(lines[0], '@echo off');
    assert.match(lines[1]!, /^rem Applies the changes from MetaBase_0000000011_0000000000\.xml to MetaBase\.xml /);
    const run = 'cscript //nologo %SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs ';
    assert.ok(lines.includes(`${run}SET "W3SVC/1962875481/AppPoolId" "IntranetPool"`), clipboard);
    assert.ok(lines.includes(`${run}CREATE "W3SVC/20" "IIsWebServer"`), clipboard);
    assert.ok(lines.includes(`${run}DELETE "W3SVC/AspBufferingLimit"`), clipboard);
    // Passwords are asked for when the script runs, never written in it.
    assert.ok(lines.some((l) => /^set \/p "IIS6_SECRET_\d+=Value of AnonymousUserPass for W3SVC/.test(l)), clipboard);
    for (const file of [doc.getText(), (await vscode.workspace.openTextDocument(workspaceUri(HISTORY))).getText()]) {
      for (const m of file.matchAll(/(?:UserPass|Password)="([^"]+)"/g)) assert.ok(!clipboard.includes(m[1]!), 'the script holds a password');
    }
  });

  test('the script follows an edit of MetaBase.xml made after the comparison', async () => {
    const edit = new vscode.WorkspaceEdit();
    const at = positionOf(doc, 'AppPoolId="IntranetPool"', { offset: 'AppPoolId="'.length });
    edit.replace(doc.uri, new vscode.Range(at, at.translate(0, 'IntranetPool'.length)), 'DefaultAppPool');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const script = await vscode.commands.executeCommand<string | undefined>('iis6Metabase.copyAdsutilScript');
    assert.ok(script?.includes('SET "W3SVC/1962875481/AppPoolId" "DefaultAppPool"'), script);
    assert.equal(await vscode.env.clipboard.readText(), script);
  });
});
