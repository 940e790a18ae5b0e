/**
 * A document updated edit by edit (incremental line index, region re-parse, model swap, cached
 * key-rule findings) must validate exactly like the same text parsed from scratch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { MetabaseDocument } from '../../server/src/metabaseDocument';
import { computeLineStarts } from '../../server/src/parser/lineIndex';
import { fixturesDir, metabase, repoRoot, service } from '../helpers';
import { mulberry32 } from '../../bench/gen-metabase';

const ls = service({ maxDiagnostics: 100000 });

const INSERTS = ['x', '1', '"', '<', '>', ' ', '\r\n', 'TRUE', 'Pool', '/', '</IIsWebServer>', 'AppPoolId="Other"', '<!--', '-->'];

function modelShape(doc: MetabaseDocument): unknown {
  return doc.model.keys.map((k) => [k.keyType, k.location, k.index, k.parent?.location ?? null, k.children.map((c) => c.location)]);
}

function run(base: string, edits: number, seed: number): number {
  const rnd = mulberry32(seed);
  let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
  ls.doValidation(doc); // builds the model and the cache that the updates carry along
  let version = 1;
  let incremental = 0;
  for (let n = 0; n < edits; n++) {
    const text = doc.text;
    const at = Math.floor(rnd() * (text.length + 1));
    const kind = rnd();
    const end = kind < 0.5 ? at : Math.min(text.length, at + 1 + Math.floor(rnd() * (kind < 0.8 ? 3 : 400)));
    const insert = kind < 0.5 || kind > 0.9 ? INSERTS[Math.floor(rnd() * INSERTS.length)] : '';
    const removedText = text.slice(at, end);
    // The edit, then (every other time) its undo, so the document does not decay into noise.
    const steps = [{ at, end, insert }];
    if (n % 2 === 0) steps.push({ at, end: at + insert.length, insert: removedText });
    for (const s of steps) {
      const range = { start: doc.lines.positionAt(s.at), end: doc.lines.positionAt(s.end) };
      doc = doc.update(++version, [{ range, text: s.insert }]);
      if (doc.lastUpdate?.incremental) incremental++;
      const fresh = ls.parse('file:///t/MetaBase.xml', version, doc.text);
      assert.deepEqual(ls.doValidation(doc), ls.doValidation(fresh), `edit ${n}: ${JSON.stringify(s)}`);
      assert.deepEqual(modelShape(doc), modelShape(fresh), `edit ${n}: model`);
      assert.deepEqual([...doc.lines.lineStarts], [...fresh.lines.lineStarts], `edit ${n}: lines`);
    }
  }
  return incremental;
}

describe('incremental document updates validate like a fresh parse', () => {
  test('400 random edits on the example', () => {
    const n = run(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'), 400, 5);
    assert.ok(n > 300, `${n} of 600 updates were incremental`);
  });

  for (const name of ['03-apppool-missing', '17-duplicate-binding', '09-iis5-mode-pools']) {
    test(`200 random edits on ${name}`, () => {
      run(readFileSync(path.join(fixturesDir, 'misconfigs', `${name}.xml`), 'utf8'), 200, name.length);
    });
  }

  test('typing in values of keys of a healthy file is always incremental', () => {
    const base = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    const rnd = mulberry32(99);
    // Values of keys (an edit in <configuration xmlns="..."> itself parses the file again).
    const values = [...base.matchAll(/="([^"]*)"/g)].map((m) => m.index! + 2).filter((at) => at > base.indexOf('<MBProperty>'));
    for (let n = 0; n < 200; n++) {
      const at = values[Math.floor(rnd() * values.length)];
      const pos = doc.lines.positionAt(at);
      doc = doc.update(2 * n + 2, [{ range: { start: pos, end: pos }, text: 'q' }]);
      assert.equal(doc.lastUpdate?.incremental, true);
      assert.ok(doc.lastUpdate!.rescanned < 6000, `rescanned ${doc.lastUpdate!.rescanned} characters`);
      doc = doc.update(2 * n + 3, [{ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '' }]);
      assert.equal(doc.lastUpdate?.incremental, true);
    }
    assert.equal(doc.text, base);
    assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 1, base)));
  });

  test('several changes in one notification', () => {
    const base = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
    const doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    const a = doc.lines.positionAt(base.indexOf('ture'));
    const b = doc.lines.positionAt(base.indexOf('AppPoolQueueLength="5"') + 20);
    // LSP order: the second range is in the text after the first change (same line count here).
    const next = doc.update(2, [
      { range: { start: b, end: { line: b.line, character: b.character + 1 } }, text: '50' },
      { range: { start: a, end: { line: a.line, character: a.character + 4 } }, text: 'TRUE' },
    ]);
    assert.equal(next.lastUpdate?.incremental, true);
    const codes = ls.doValidation(next).map((d) => d.code);
    assert.ok(!codes.includes('invalid-value') && !codes.includes('value-out-of-range'));
    assert.deepEqual(ls.doValidation(next), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 2, next.text)));
  });
});

describe('line starts', () => {
  /** Line starts counted one character at a time: \r\n, \r and \n each end a line (LSP). */
  function byCharacter(text: string): number[] {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      if (c === 13 || c === 10) starts.push(i + 1);
    }
    return starts;
  }

  test('CRLF, LF, lone CR and mixes of them give the lines an editor shows', () => {
    const rnd = mulberry32(5);
    const pieces = ['<a>', '\r', '\n', '\r\n', '\t\tx="1"'];
    for (let k = 0; k < 3000; k++) {
      let text = '';
      for (let i = Math.floor(rnd() * 14); i > 0; i--) text += pieces[Math.floor(rnd() * pieces.length)];
      assert.deepEqual([...computeLineStarts(text)], byCharacter(text), JSON.stringify(text));
    }
  });
});

describe('a Location edited in place', () => {
  const base = metabase(`<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" >
</IIsWebService>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" >
</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/Shop" >
</IIsApplicationPool>
<IIsWebServer Location ="/LM/W3SVC/1" AppPoolId="Gone" ServerBindings=":80:" >
</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppPoolId="Shop" AppRoot="/LM/W3SVC/1/ROOT" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/cart" AppRoot="/LM/W3SVC/1/ROOT/cart" >
</IIsWebVirtualDir>`);

  test('the applications below the old and the new path inherit from where they now are', () => {
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    const poolOf = (d: MetabaseDocument, path: string): string => d.model.appInfo(d.model.keyAt(path)!).poolName;
    ls.doValidation(doc);
    assert.equal(poolOf(doc, '/LM/W3SVC/1/ROOT/cart'), 'Shop');
    // ROOT becomes ROOX: cart now inherits AppPoolId="Gone" from the site.
    const at = base.indexOf('/LM/W3SVC/1/ROOT"') + '/LM/W3SVC/1/ROO'.length;
    const edit = (d: MetabaseDocument, insert: string): MetabaseDocument => {
      const range = { start: d.lines.positionAt(at), end: d.lines.positionAt(at + 1) };
      return d.update(d.version + 1, [{ range, text: insert }]);
    };
    doc = edit(doc, 'X');
    assert.equal(poolOf(doc, '/LM/W3SVC/1/ROOT/cart'), 'Gone');
    const fresh = ls.parse('file:///t/MetaBase.xml', doc.version, doc.text);
    assert.deepEqual(ls.doValidation(doc), ls.doValidation(fresh));
    const cart = doc.lines.positionAt(doc.text.indexOf('/LM/W3SVC/1/ROOT/cart')).line;
    assert.ok(ls.doValidation(doc).some((d) => d.code === 'apppool-not-found' && d.range.start.line === cart), 'reported on cart');
    // And back: cart inherits Shop again.
    doc = edit(doc, 'T');
    assert.equal(poolOf(doc, '/LM/W3SVC/1/ROOT/cart'), 'Shop');
    assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', doc.version, doc.text)));
  });
});
