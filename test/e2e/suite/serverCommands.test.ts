/**
 * The palette commands "IIS 6: Restart Language Server" and "IIS 6: Show Output", as vscode-eslint
 * and vscode-xml have them. Restarting replaces the server process; index.ts runs this file after the
 * others (and before recovery.test.ts).
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  codeOf,
  describeDiagnostics,
  extensionApi,
  hoverText,
  hoversAt,
  isAlive,
  openDoc,
  positionOf,
  replaceText,
  serverProcessesOfThisHost,
  topologyOf,
  waitFor,
  waitForDiagnostics,
  type ExtensionApi,
} from './helpers';

suite('Server commands', () => {
  let doc: vscode.TextDocument;
  let api: ExtensionApi;

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
    api = await extensionApi();
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => codeOf(d) === 'invalid-value'));
  });

  suiteTeardown(closeAllEditors);

  test('both are in the Command Palette', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('iis6Metabase.restartServer'));
    assert.ok(commands.includes('iis6Metabase.showOutput'));
  });

  test('Restart Language Server starts a new server process, which validates the open file as it is now', async () => {
    const before = api.client.serverProcess?.pid;
    assert.ok(before, 'no server process before the restart');
    // An unsaved edit: the new server must get it from the editor, not from the disk.
    const line = positionOf(doc, 'ServerAutoStart="TRUE"').line;
    await replaceText(doc, 'ServerAutoStart="TRUE"', 'ServerAutoStart="perhaps"');
    await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.message.includes('perhaps')));

    const pid = await vscode.commands.executeCommand<number | undefined>('iis6Metabase.restartServer');
    assert.ok(pid && pid !== before, `the restart returned pid ${pid}, the old one was ${before}`);
    assert.equal(api.client.serverProcess?.pid, pid);
    assert.equal(api.client.isRunning(), true);
    await waitFor(() => !isAlive(before), `the old server ${before} to end`);
    assert.deepEqual(serverProcessesOfThisHost(), [pid], 'exactly one server should run, the new one');

    // The diagnostics come back from the new server (they are cleared when the old one stops).
    const diags = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => codeOf(d) === 'invalid-value' && d.range.start.line === line && d.message.includes('perhaps')), 20_000);
    for (const code of ['apppool-not-found', 'value-out-of-range', 'unknown-property']) {
      assert.ok(diags.some((d) => codeOf(d) === code), `${code} missing after the restart:\n${describeDiagnostics(diags)}`);
    }
    // Requests are answered by the new server, on the edited text.
    const value = hoverText(await hoversAt(doc, positionOf(doc, 'ServerAutoStart="perhaps"', { offset: 'ServerAutoStart="'.length + 1 })));
    assert.match(value, /perhaps/);
    const t = await topologyOf(doc);
    assert.ok(t.pools.some((p) => p.label === 'DefaultAppPool'), 'the tree is filled again');
  });

  test('Show Output reveals the "IIS 6 Metabase" output channel', async () => {
    const isOurs = (d: vscode.TextDocument): boolean => d.uri.scheme === 'output' && /IIS 6 Metabase/.test(decodeURIComponent(d.uri.toString())) && !/Trace/.test(decodeURIComponent(d.uri.toString()));
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await waitFor(() => !vscode.window.visibleTextEditors.some((e) => isOurs(e.document)), 'the output panel to close');
    await vscode.commands.executeCommand('iis6Metabase.showOutput');
    const editor = await waitFor(
      () => vscode.window.visibleTextEditors.find((e) => isOurs(e.document)),
      () => `the IIS 6 Metabase output to be shown; visible: ${vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(', ')}`,
    );
    assert.equal(editor.document.uri.scheme, 'output');
  });
});
