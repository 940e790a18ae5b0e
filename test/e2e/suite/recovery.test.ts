/**
 * The language server crashes (SIGKILL) and the client brings it back: vscode-languageclient restarts
 * a server that died (up to 4 times in 3 minutes) and opens the documents again, so diagnostics,
 * hover and the tree work on the text as it is now, edits made while the server was down included.
 *
 * index.ts runs this file last: it replaces the server under every other test.
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { ProcessViewResponse } from '../../../server/src/protocol';
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
  waitForDiagnostic,
  waitForDiagnostics,
  type ExtensionApi,
} from './helpers';

suite('Language server recovery', () => {
  let doc: vscode.TextDocument;
  let api: ExtensionApi;
  let killed: number;

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
    api = await extensionApi();
    await waitForDiagnostic(doc, 'invalid-value', 'ServerAutoStart="ture"');
  });

  suiteTeardown(closeAllEditors);

  test('the server is a child process of the extension host running dist/server.js', () => {
    const pid = api.client.serverProcess?.pid;
    assert.ok(pid, 'the LanguageClient has no server process');
    assert.deepEqual(serverProcessesOfThisHost(), [pid]);
    assert.equal(api.client.isRunning(), true);
  });

  test('after SIGKILL, an edit made meanwhile gets its diagnostics from a restarted server', async () => {
    killed = api.client.serverProcess!.pid!;
    process.kill(killed, 'SIGKILL');
    // Edit at once, while the client may still be noticing the crash: a new error on the Default Web Site.
    const line = positionOf(doc, 'ServerAutoStart="TRUE"').line;
    await replaceText(doc, 'ServerAutoStart="TRUE"', 'ServerAutoStart="maybe"');
    await waitFor(() => !isAlive(killed), `server ${killed} to die`);

    const fresh = await waitFor(() => {
      const pid = api.client.serverProcess?.pid;
      return pid !== undefined && pid !== killed && api.client.isRunning() ? pid : undefined;
    }, 'the client to restart the server', { timeoutMs: 20_000 });
    assert.deepEqual(serverProcessesOfThisHost(), [fresh], 'exactly one server should run, the new one');

    const isNew = (d: vscode.Diagnostic): boolean => codeOf(d) === 'invalid-value' && d.range.start.line === line;
    const diags = await waitForDiagnostics(doc.uri, (ds) => ds.some(isNew), 20_000);
    assert.match(diags.find(isNew)!.message, /maybe/);
    // The rest of the file is validated again too.
    for (const code of ['apppool-not-found', 'value-out-of-range', 'unknown-property']) {
      assert.ok(diags.some((d) => codeOf(d) === code), `${code} missing after the restart:\n${describeDiagnostics(diags)}`);
    }
    assert.ok(diags.some((d) => codeOf(d) === 'invalid-value' && d.message.includes('ture')), describeDiagnostics(diags));
  });

  test('hover, the tree and the process model work with the restarted server', async () => {
    const text = hoverText(await hoversAt(doc, positionOf(doc, 'MaxProcesses="2"', { offset: 3 })));
    assert.match(text, /MaxProcesses/);
    assert.match(text, /DWORD/);
    // The restarted server has the edited text, not the file on disk.
    const value = hoverText(await hoversAt(doc, positionOf(doc, 'ServerAutoStart="maybe"', { offset: 'ServerAutoStart="'.length + 1 })));
    assert.match(value, /maybe/);

    await vscode.commands.executeCommand('iis6Metabase.refreshTree');
    const t = await topologyOf(doc);
    assert.deepEqual(t.pools.map((p) => p.label), ['DefaultAppPool', 'IntranetPool', 'LegacyPool', 'ShopPool']);

    // The preview lists the errors of the validation published for this version (once it is out).
    const model = await waitFor(async () => {
      const m = await vscode.commands.executeCommand<ProcessViewResponse | undefined>('iis6Metabase.previewProcessModel');
      return m?.problems.some((p) => p.message.includes('maybe')) ? m : undefined;
    }, 'the preview to list the new error');
    assert.equal(model.version, doc.version);
    assert.equal(model.groups.find((g) => g.pool === 'IntranetPool')?.instances, 2);
  });
});
