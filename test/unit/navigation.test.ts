import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DocumentSymbol, TextEdit } from 'vscode-languageserver-types';
import { MAX_SYMBOL_DEPTH, poolReferences } from '../../server/src/features/navigation';
import { metabase, parse, service, withCursor } from '../helpers';

const ls = service();

const DOC = metabase(`<IIsWebService Location ="/LM/W3SVC" AppPoolId="DefaultAppPool" IIs5IsolationModeEnabled="FALSE" >
</IIsWebService>
<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="Default Web Site" AppPoolId="Web" >
</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppFriendlyName="Root app" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/api" AppRoot="/LM/W3SVC/1/ROOT/api" AppPoolId="web" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/static" >
</IIsWebVirtualDir>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" >
</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/DefaultAppPool" >
</IIsApplicationPool>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/Web" >
</IIsApplicationPool>`);

function at(needle: string, delta = 0) {
  const doc = parse(DOC, ls);
  const offset = DOC.indexOf(needle) + delta;
  assert.ok(offset >= delta, needle);
  return { doc, pos: doc.lines.positionAt(offset) };
}

function lineOf(text: string, needle: string, nth = 1): number {
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
  return text.slice(0, i).split('\n').length - 1;
}

describe('navigation', () => {
  test('go to definition: from AppPoolId to the pool', () => {
    const { doc, pos } = at('AppPoolId="Web"', 12);
    const [loc] = ls.findDefinition(doc, pos);
    assert.equal(loc.range.start.line, lineOf(DOC, '/LM/W3SVC/AppPools/Web'));
  });

  test('references of a pool: the keys that set it (any case) and the applications that inherit it', () => {
    const { doc, pos } = at('/LM/W3SVC/AppPools/Web', 21);
    const refs = ls.findReferences(doc, pos, false).map((l) => l.range.start.line);
    assert.deepEqual(refs, [lineOf(DOC, 'AppPoolId="Web"'), lineOf(DOC, '/LM/W3SVC/1/ROOT" AppRoot'), lineOf(DOC, 'AppPoolId="web"')]);
    assert.equal(ls.findReferences(doc, pos, true).length, 4, 'with the declaration');
  });

  test('rename a pool: its Location and every AppPoolId', () => {
    const { doc, pos } = at('AppPoolId="Web"', 12);
    assert.deepEqual(ls.prepareRename(doc, pos)?.placeholder, 'Web');
    const edit = ls.doRename(doc, pos, 'Site & Co')!;
    const edits = (edit.changes![doc.uri] as TextEdit[]).map((e) => [e.range.start.line, e.newText]);
    assert.deepEqual(edits, [
      [lineOf(DOC, '/LM/W3SVC/AppPools/Web'), 'Site &amp; Co'],
      [lineOf(DOC, 'AppPoolId="Web"'), 'Site &amp; Co'],
      [lineOf(DOC, 'AppPoolId="web"'), 'Site &amp; Co'],
    ]);
    assert.throws(() => ls.doRename(doc, pos, 'DefaultAppPool'), /already exists/);
    assert.throws(() => ls.doRename(doc, pos, 'a/b'), /cannot be empty or contain/);
  });

  test('document symbols: a tree by Location with ServerComment / AppFriendlyName', () => {
    const { symbols } = ls.findDocumentSymbols(parse(DOC, ls));
    const shape = (s: DocumentSymbol): unknown => [s.name, s.detail, (s.children ?? []).map(shape)];
    assert.deepEqual(symbols.map(shape), [
      ['/LM/W3SVC', 'IIsWebService', [
        ['/1', 'IIsWebServer — Default Web Site', [
          ['/ROOT', 'IIsWebVirtualDir — Root app (application)', [
            ['/api', 'IIsWebVirtualDir (application)', []],
            ['/static', 'IIsWebVirtualDir', []],
          ]],
        ]],
        ['/AppPools', 'IIsApplicationPools', [
          ['/DefaultAppPool', 'IIsApplicationPool', []],
          ['/Web', 'IIsApplicationPool', []],
        ]],
      ]],
    ]);
  });

  test('symbols are capped, and the cut is counted', () => {
    const capped = service({ maxSymbols: 3 });
    const r = capped.findDocumentSymbols(parse(DOC, capped));
    assert.equal(r.truncated, 5);
  });

  test('a Location tree 20,000 levels deep: symbols down to the depth limit, the deeper keys listed at the last level', () => {
    const keys = Array.from({ length: 20000 }, (_, i) => `<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT${'/a'.repeat(i)}" />`).join('\n');
    const big = service({ maxSymbols: 100000 });
    const { symbols, truncated } = big.findDocumentSymbols(parse(metabase(keys), big));
    let depth = 1;
    let last = symbols[0];
    while (last.children?.length) {
      depth++;
      last = last.children[last.children.length - 1];
    }
    assert.equal(depth, MAX_SYMBOL_DEPTH);
    let count = 0;
    const walk = (s: DocumentSymbol[]): void => s.forEach((x) => (count++, walk(x.children ?? [])));
    walk(symbols);
    assert.deepEqual([count, truncated], [20000, 0]);
    assert.doesNotThrow(() => JSON.stringify(symbols), 'the result can be sent');
  });

  test('folding: every multi-line element', () => {
    const { text } = withCursor(metabase('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerSize="1"\n\t>\n</IIsWebServer>|'));
    const ranges = ls.getFoldingRanges(parse(text, ls));
    assert.deepEqual(ranges.map((r) => [r.startLine, r.endLine]), [[1, 7], [2, 6], [3, 5]]);
  });

  test('a code lens on each pool with its application count', () => {
    const doc = parse(DOC, ls);
    const lenses = ls.getCodeLenses(doc);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [
      [lineOf(DOC, '/LM/W3SVC/AppPools/DefaultAppPool'), 'no applications'],
      [lineOf(DOC, '/LM/W3SVC/AppPools/Web'), '2 applications'],
    ]);
    // Clicking it looks up the references at the pool's name (the client asks Find References there).
    const [uri, position] = lenses[1].command!.arguments as [string, { line: number; character: number }];
    assert.equal(uri, doc.uri);
    const refs = ls.findReferences(doc, position, false);
    assert.deepEqual(refs.map((r) => r.range), poolReferences(doc, 'Web').map((r) => doc.lines.range(r.start, r.end)));
    assert.ok(refs.length > 0);
  });
});
