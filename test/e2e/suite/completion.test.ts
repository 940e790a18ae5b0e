import assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { completionsAt, labelOf, openDoc, positionOf } from './helpers';

/** The documentation of a completion item as text (Markdown source). */
function docText(item: vscode.CompletionItem): string {
  const d = item.documentation;
  return d === undefined ? '' : typeof d === 'string' ? d : d.value;
}

suite('Completion', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
  });

  test('in the start tag of an IIsApplicationPool: pool properties with documentation', async () => {
    // IntranetPool's start tag ends with a line holding only `\t>`: the blank before `>` is inside the tag.
    const setLine = positionOf(doc, 'MaxProcesses="2"').line;
    const closing = doc.lineAt(setLine + 1).text;
    assert.equal(closing.trim(), '>', `expected the line after MaxProcesses="2" to close the start tag, got ${JSON.stringify(closing)}`);
    const items = await completionsAt(doc, new vscode.Position(setLine + 1, closing.indexOf('>')));
    const labels = items.map(labelOf);
    const restart = items.find((i) => labelOf(i) === 'PeriodicRestartTime');
    assert.ok(restart, `PeriodicRestartTime not offered; got ${labels.slice(0, 30).join(', ')}…`);
    assert.equal(restart.kind, vscode.CompletionItemKind.Property);
    assert.match(docText(restart), /recycl/i, 'PeriodicRestartTime should come with its documentation');
    assert.match(restart.detail ?? '', /DWORD/);
    // Properties already set on the key are not offered again; web-site properties are not offered on a pool.
    assert.ok(!labels.includes('MaxProcesses'), 'MaxProcesses is already set on this key');
    assert.ok(!labels.includes('ServerBindings'), 'ServerBindings is not a property of IIsApplicationPool');
  });

  test('in an AppIsolated value: 0, 1 and 2, each labelled with what it means', async () => {
    const items = await completionsAt(doc, positionOf(doc, 'AppIsolated="2"', { offset: 'AppIsolated="'.length }));
    const labels = items.map(labelOf);
    for (const v of ['0 — In-process', '1 — Out-of-process', '2 — Pooled']) assert.ok(labels.includes(v), `${v} not offered; got ${labels.join(', ')}`);
    // The number is what is inserted; the documentation says what the mode makes of it.
    const pooled = items.find((i) => labelOf(i) === '2 — Pooled')!;
    assert.equal(pooled.textEdit?.newText ?? (typeof pooled.insertText === 'string' ? pooled.insertText : undefined), '2');
    assert.match(docText(pooled), /worker process isolation mode, where the pool decides/);
  });

  test('in an AppPoolId value: the pools of the file', async () => {
    const items = await completionsAt(doc, positionOf(doc, 'AppPoolId="ShopPool"', { offset: 'AppPoolId="'.length }));
    const labels = items.map(labelOf).sort();
    assert.deepEqual(labels, ['DefaultAppPool', 'IntranetPool', 'LegacyPool']);
    // Choosing one replaces the whole value.
    const edit = items.find((i) => labelOf(i) === 'LegacyPool')!;
    const range = edit.range instanceof vscode.Range ? edit.range : edit.range?.replacing;
    assert.ok(range, 'the item has no range');
    assert.equal(doc.getText(range), 'ShopPool');
  });
});
