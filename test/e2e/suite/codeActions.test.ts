import assert from 'node:assert/strict';
import { setup, suite, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import {
  applyCodeAction,
  closeAllEditors,
  codeActionsAt,
  codeOf,
  describeDiagnostics,
  openDoc,
  positionOf,
  waitForDiagnostic,
  waitForDiagnostics,
} from './helpers';

/** The quick fix titled `title` for diagnostic `d`, failing with the titles offered. */
async function quickFix(doc: vscode.TextDocument, d: vscode.Diagnostic, title: string): Promise<vscode.CodeAction> {
  const actions = await codeActionsAt(doc, d.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a) => a.title === title);
  assert.ok(fix, `no quick fix "${title}" for ${codeOf(d)}; offered: ${actions.map((a) => a.title).join(' | ')}`);
  return fix;
}

suite('Quick fixes', () => {
  let doc: vscode.TextDocument;

  setup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
    assert.equal(doc.isDirty, false, 'the document should start unmodified (an earlier test did not revert it)');
  });

  // Reverts the fixes (without saving) and closes the editors, so each test starts from the file on disk.
  teardown(closeAllEditors);

  test('"Change to TRUE" fixes ServerAutoStart="ture"', async () => {
    const line = positionOf(doc, 'ServerAutoStart="ture"').line;
    const d = await waitForDiagnostic(doc, 'invalid-value', 'ServerAutoStart="ture"');
    const fix = await quickFix(doc, d, 'Change to TRUE');
    assert.equal(fix.isPreferred, true, 'the likely fix should be the preferred one (auto-fix)');
    // (vscode.executeCodeActionProvider does not return the actions' `diagnostics`: nothing to check there.)
    await applyCodeAction(fix);

    assert.equal(doc.lineAt(line).text.trim(), 'ServerAutoStart="TRUE"');
    assert.ok(doc.isDirty);
    const onLine = (ds: vscode.Diagnostic[]): boolean => ds.some((x) => codeOf(x) === 'invalid-value' && x.range.start.line === line);
    const after = await waitForDiagnostics(doc.uri, (ds) => !onLine(ds) && ds.length > 0);
    assert.ok(!after.some((x) => codeOf(x) === 'invalid-value'), `invalid-value should be gone:\n${describeDiagnostics(after)}`);
  });

  test('"Create application pool "ShopPool"" adds the pool and clears apppool-not-found', async () => {
    const d = await waitForDiagnostic(doc, 'apppool-not-found', 'AppPoolId="ShopPool"');
    const fix = await quickFix(doc, d, 'Create application pool "ShopPool"');
    const linesBefore = doc.lineCount;
    await applyCodeAction(fix);

    const text = doc.getText();
    const created = text.indexOf('<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/ShopPool"');
    assert.ok(created >= 0, 'the new <IIsApplicationPool> key is not in the document');
    // In IIS's layout: after the last pool (LegacyPool), one key per line, with the file's CRLF line ends.
    const legacy = text.indexOf('Location ="/LM/W3SVC/AppPools/LegacyPool"');
    assert.ok(legacy >= 0 && legacy < created, 'the pool should follow the last existing pool');
    assert.equal(doc.positionAt(created).character, 0, 'the key should start a line');
    assert.match(text.slice(created), /^<IIsApplicationPool\tLocation ="\/LM\/W3SVC\/AppPools\/ShopPool"\r\n(\t\t\w+="[^"]*"\r\n)+\t>\r\n<\/IIsApplicationPool>\r\n/);
    assert.ok(doc.lineCount > linesBefore);

    const after = await waitForDiagnostics(doc.uri, (ds) => ds.length > 0 && !ds.some((x) => codeOf(x) === 'apppool-not-found'));
    assert.ok(!after.some((x) => codeOf(x) === 'apppool-not-found'), describeDiagnostics(after));
  });

  test('"Rename to AspEnableParentPaths" fixes the unknown property', async () => {
    const d = await waitForDiagnostic(doc, 'unknown-property', 'AspEnableParentPath="TRUE"');
    await applyCodeAction(await quickFix(doc, d, 'Rename to AspEnableParentPaths'));
    assert.equal(doc.lineAt(d.range.start.line).text.trim(), 'AspEnableParentPaths="TRUE"');
    await waitForDiagnostics(doc.uri, (ds) => ds.length > 0 && !ds.some((x) => codeOf(x) === 'unknown-property'));
  });

  test('the fixes were not saved: the file on disk still has its mistakes', async () => {
    const disk = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri));
    assert.ok(disk.includes('ServerAutoStart="ture"'));
    assert.ok(!disk.includes('/LM/W3SVC/AppPools/ShopPool'));
    await waitForDiagnostic(doc, 'apppool-not-found', 'AppPoolId="ShopPool"');
  });
});
