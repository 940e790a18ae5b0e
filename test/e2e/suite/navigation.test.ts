import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, openDoc, positionOf } from './helpers';

/** Uri and range of a Location or a LocationLink. */
function target(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range } {
  return 'targetUri' in l ? { uri: l.targetUri, range: l.targetRange } : { uri: l.uri, range: l.range };
}

/** Every document symbol with its depth in the tree. */
function flatten(symbols: readonly vscode.DocumentSymbol[], depth = 0): Array<{ symbol: vscode.DocumentSymbol; depth: number }> {
  return symbols.flatMap((symbol) => [{ symbol, depth }, ...flatten(symbol.children ?? [], depth + 1)]);
}

suite('Navigation', () => {
  let doc: vscode.TextDocument;
  /** 0-based line of the start tag of a pool key. */
  const poolLine = (name: string): number => positionOf(doc, `Location ="/LM/W3SVC/AppPools/${name}"`).line;

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
  });

  suiteTeardown(closeAllEditors);

  test('go to definition on AppPoolId="LegacyPool" goes to the LegacyPool key', async () => {
    const result = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      'vscode.executeDefinitionProvider',
      doc.uri,
      positionOf(doc, 'AppPoolId="LegacyPool"', { offset: 'AppPoolId="'.length + 2 }),
    );
    assert.equal(result?.length, 1, `expected one definition, got ${JSON.stringify(result)}`);
    const { uri, range } = target(result[0]!);
    assert.equal(uri.toString(), doc.uri.toString());
    assert.equal(range.start.line, poolLine('LegacyPool'));
    assert.match(doc.getText(range), /^<IIsApplicationPool\tLocation ="\/LM\/W3SVC\/AppPools\/LegacyPool"/);
  });

  test('no definition for a pool that does not exist', async () => {
    const result = await vscode.commands.executeCommand<unknown[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'AppPoolId="ShopPool"', { offset: 'AppPoolId="'.length + 2 }));
    assert.deepEqual(result ?? [], []);
  });

  test('references of the IntranetPool key: the key, the site that sets it and the applications that inherit it', async () => {
    // On the pool's name in its Location.
    const at = positionOf(doc, 'AppPools/IntranetPool"', { offset: 'AppPools/'.length + 3 });
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, at);
    assert.ok(refs && refs.length > 0, 'no references');
    for (const r of refs) assert.equal(r.uri.toString(), doc.uri.toString());
    const lines = refs.map((r) => r.range.start.line).sort((a, b) => a - b);
    const expected = [
      positionOf(doc, 'AppPoolId="IntranetPool"').line, // the site /LM/W3SVC/1962875481 sets it
      positionOf(doc, 'Location ="/LM/W3SVC/1962875481/root"').line, // its root application inherits it
      positionOf(doc, 'Location ="/LM/W3SVC/1962875481/root/Reports"').line, // and so does Reports
      poolLine('IntranetPool'), // the declaration
    ];
    assert.deepEqual(lines, expected);
    const setter = refs.find((r) => r.range.start.line === expected[0])!;
    assert.equal(doc.getText(setter.range), 'IntranetPool');
  });

  test('document symbols form a tree of keys by Location', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.ok(symbols && symbols.length > 0, 'no symbols');
    const all = flatten(symbols);
    const intranet = all.find((s) => s.symbol.detail === 'IIsWebServer — Intranet');
    assert.ok(intranet, `no symbol with detail "IIsWebServer — Intranet"; details: ${all.map((s) => s.symbol.detail).join(' | ')}`);
    assert.ok(intranet.depth > 0, 'the site should be nested under the web service');
    assert.equal(intranet.symbol.kind, vscode.SymbolKind.Class);
    // Its children are its virtual directories, named relative to the site.
    const root = intranet.symbol.children.find((c) => /root$/i.test(c.name));
    assert.ok(root, `the site has no root child: ${intranet.symbol.children.map((c) => c.name).join(', ')}`);
    assert.match(root.detail, /IIsWebVirtualDir — Intranet \(application\)/);
    assert.ok(root.children.some((c) => /Reports$/.test(c.name)), 'Reports should be under root');
    // The symbol's range covers the whole key.
    assert.ok(intranet.symbol.range.contains(positionOf(doc, 'ServerComment="Intranet"')));
  });

  test('a code lens "2 applications" on IntranetPool', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    assert.ok(lenses && lenses.length > 0, 'no code lenses');
    const onPool = (name: string) => lenses.filter((l) => l.range.start.line === poolLine(name));
    const intranet = onPool('IntranetPool');
    assert.deepEqual(intranet.map((l) => l.command?.title), ['2 applications']);
    assert.equal(intranet[0]!.command?.command, 'iis6Metabase.showReferences');
    assert.deepEqual(onPool('LegacyPool').map((l) => l.command?.title), ['1 application']);
    // Clicking it opens the references peek: the command accepts the lens's arguments.
    await vscode.commands.executeCommand(intranet[0]!.command!.command, ...(intranet[0]!.command!.arguments ?? []));
  });

  test('rename IntranetPool renames the key and every AppPoolId that names it', async () => {
    const at = positionOf(doc, 'AppPoolId="IntranetPool"', { offset: 'AppPoolId="'.length + 1 });
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, at, 'IntraPool');
    assert.ok(edit, 'no rename edit');
    const edits = edit.get(doc.uri);
    assert.deepEqual(edits.map((e) => e.newText), ['IntraPool', 'IntraPool']);
    assert.deepEqual(edits.map((e) => doc.getText(e.range)), ['IntranetPool', 'IntranetPool']);
    assert.deepEqual(edits.map((e) => e.range.start.line).sort((a, b) => a - b), [positionOf(doc, 'AppPoolId="IntranetPool"').line, poolLine('IntranetPool')]);
  });
});
