import assert from 'node:assert/strict';
import { setup, suite, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, codeOf, describeDiagnostics, openDoc, positionOf, replaceText, waitForDiagnostic, waitForDiagnostics } from './helpers';

suite('Diagnostics from the language server', () => {
  let doc: vscode.TextDocument;

  setup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
  });

  // Reverts edits; closing also makes the client send didClose, so each test starts from didOpen.
  teardown(closeAllEditors);

  test('invalid-value on ServerAutoStart="ture"', async () => {
    const d = await waitForDiagnostic(doc, 'invalid-value', 'ServerAutoStart="ture"');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /ServerAutoStart/);
    assert.match(d.message, /ture/);
    // The range covers the value.
    assert.equal(doc.getText(d.range).replace(/"/g, ''), 'ture');
  });

  test('value-out-of-range on AppPoolQueueLength="5"', async () => {
    const d = await waitForDiagnostic(doc, 'value-out-of-range', 'AppPoolQueueLength="5"');
    assert.match(d.message, /AppPoolQueueLength/);
  });

  test('unknown-property on AspEnableParentPath (a typo of AspEnableParentPaths)', async () => {
    const d = await waitForDiagnostic(doc, 'unknown-property', 'AspEnableParentPath="TRUE"');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /AspEnableParentPath/);
  });

  test('fixing the value in the editor clears the diagnostic (incremental sync)', async () => {
    const line = positionOf(doc, 'ServerAutoStart="ture"').line;
    const onLine = (ds: vscode.Diagnostic[]): boolean => ds.some((d) => codeOf(d) === 'invalid-value' && d.range.start.line === line);
    await waitForDiagnostics(doc.uri, onLine);
    await replaceText(doc, 'ServerAutoStart="ture"', 'ServerAutoStart="TRUE"');
    const after = await waitForDiagnostics(doc.uri, (ds) => !onLine(ds));
    assert.ok(after.length > 0, `other diagnostics should remain:\n${describeDiagnostics(after)}`);
  });
});
