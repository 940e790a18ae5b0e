import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { ProcessViewResponse } from '../../../server/src/protocol';
import { closeAllEditors, extensionApi, openDoc, replaceText, topologyOf, waitFor } from './helpers';

/** The open webview tabs of the process-model preview. */
function previewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('iis6Metabase.processModel'));
}

suite('Process model preview', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    await closeAllEditors();
    ({ doc } = await openDoc('MetaBase.xml'));
  });

  suiteTeardown(closeAllEditors);

  test('IIS 6: Preview Process Model returns the model and opens a webview beside the editor', async () => {
    // Once the file's diagnostics are out, the preview lists its errors too.
    await waitFor(() => vscode.languages.getDiagnostics(doc.uri).length > 0, 'the diagnostics of MetaBase.xml');
    const model = await vscode.commands.executeCommand<ProcessViewResponse | undefined>('iis6Metabase.previewProcessModel');
    assert.ok(model, 'the command returned no model');
    assert.equal(model.uri, doc.uri.toString());
    assert.equal(model.isolationMode, 'worker');
    assert.deepEqual(model.modes, ['worker']);

    const intranet = model.groups.find((p) => p.pool === 'IntranetPool');
    assert.ok(intranet, `no process for IntranetPool: ${JSON.stringify(model.groups.map((p) => p.id))}`);
    assert.equal(intranet.image, 'w3wp.exe');
    assert.equal(intranet.instances, 2);
    assert.deepEqual(intranet.applications.map((a) => a.location).sort(), ['/LM/W3SVC/1962875481/root', '/LM/W3SVC/1962875481/root/Reports']);
    const legacy = model.groups.find((p) => p.pool === 'LegacyPool');
    assert.match(legacy?.identity ?? '', /LocalSystem/i);
    // The Shop application names a pool that does not exist: no process serves it.
    const none = model.groups.find((g) => g.image === null);
    const shop = none?.applications.find((a) => a.location === '/LM/W3SVC/20/ROOT');
    assert.ok(shop, 'no Shop application among those without a process');
    assert.match(shop.problem ?? '', /ShopPool/);
    assert.equal(model.summaries[0]!.webGardens.length, 1);
    assert.ok(model.problems.some((p) => p.code === 'invalid-value'), 'the errors of the file are listed');

    // The panel opens as "IIS 6 Process Model" and takes the file's name once the model is in; the
    // extension host's tab model learns both asynchronously.
    const tabs = await waitFor(
      () => (previewTabs().some((t) => t.label === 'Processes: MetaBase.xml') ? previewTabs() : undefined),
      () => `a webview tab "Processes: MetaBase.xml" (tabs: ${JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)))})`,
    );
    assert.equal(tabs.length, 1);
    // Beside the editor, which keeps the focus.
    assert.notEqual(tabs[0]!.group.viewColumn, vscode.ViewColumn.One);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
  });

  test('running it again reuses the panel and shows the current text', async () => {
    await replaceText(doc, 'MaxProcesses="2"', 'MaxProcesses="3"');
    const model = await vscode.commands.executeCommand<ProcessViewResponse | undefined>('iis6Metabase.previewProcessModel');
    assert.equal(model?.version, doc.version);
    assert.equal(model?.groups.find((p) => p.pool === 'IntranetPool')?.instances, 3);
    assert.equal(previewTabs().length, 1, 'a second panel was opened');
  });

  test('from a tree element (the context menu of a pool): the model of that element\'s document', async () => {
    const { tree } = await extensionApi();
    await topologyOf(doc);
    const pools = tree.getChildren().find((e) => 'group' in e && e.group === 'pools');
    const legacy = pools && tree.getChildren(pools).find((e) => 'node' in e && e.node.label === 'LegacyPool');
    assert.ok(legacy, 'no LegacyPool element in the tree');
    const model = await vscode.commands.executeCommand<ProcessViewResponse | undefined>('iis6Metabase.previewProcessModel', legacy);
    assert.equal(model?.uri, doc.uri.toString());
    assert.equal(previewTabs().length, 1);
  });
});
