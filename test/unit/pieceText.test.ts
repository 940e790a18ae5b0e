/**
 * PieceText must read exactly like the string it stands for, whatever edits made it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_PIECES, PieceText, setJoinListener, textOf, type TextSource } from '../../server/src/parser/pieceText';
import { generateMetabase, mulberry32 } from '../../bench/gen-metabase';
import { getMetabaseLanguageService } from '../../server/src/languageService';

function check(source: TextSource, expected: string, rnd: () => number, label: string): void {
  assert.equal(source.length, expected.length, `${label}: length`);
  for (let k = 0; k < 20; k++) {
    const i = Math.floor(rnd() * (expected.length + 2)) - 1;
    assert.equal(Number.isNaN(source.charCodeAt(i)) ? 'NaN' : source.charCodeAt(i), Number.isNaN(expected.charCodeAt(i)) ? 'NaN' : expected.charCodeAt(i), `${label}: charCodeAt(${i})`);
    const a = Math.floor(rnd() * (expected.length + 4)) - 2;
    const b = rnd() < 0.1 ? undefined : a + Math.floor(rnd() * 300) - 20;
    assert.equal(source.slice(a, b), expected.slice(a, b), `${label}: slice(${a}, ${b})`);
    const at = Math.floor(rnd() * (expected.length + 1));
    const probe = rnd() < 0.5 ? expected.slice(at, at + Math.floor(rnd() * 200)) : expected.slice(at, at + 5) + 'q';
    assert.equal(source.startsWith(probe, at), expected.startsWith(probe, at), `${label}: startsWith at ${at}`);
  }
}

describe('PieceText', () => {
  test('reads like the edited string over 3,000 random edits (insertions, deletions, replacements, pastes)', () => {
    const rnd = mulberry32(3);
    const base = Array.from({ length: 3000 }, (_, i) => `line ${i}\t<Key Location="/LM/W3SVC/${i}" Value="${'v'.repeat(i % 17)}">\r\n`).join('');
    let expected = base;
    let source: TextSource = base;
    let pieces = 0;
    for (let n = 0; n < 3000; n++) {
      const start = Math.floor(rnd() * (expected.length + 1));
      const kind = rnd();
      const end = kind < 0.4 ? start : Math.min(expected.length, start + Math.floor(rnd() * (kind < 0.9 ? 5 : 5000)));
      const inserted = kind < 0.7 ? 'xyz\r\n'.slice(0, 1 + Math.floor(rnd() * 5)) : kind < 0.95 ? '' : base.slice(0, Math.floor(rnd() * 6000));
      expected = expected.slice(0, start) + inserted + expected.slice(end);
      source = PieceText.edit(source, start, end, inserted, 0);
      if (source instanceof PieceText) pieces = Math.max(pieces, source.pieceCount);
      check(source, expected, rnd, `edit ${n}`);
      // Now and then somebody needs the whole string: later edits start from it.
      if (n % 500 === 499) assert.equal(textOf(source), expected);
    }
    assert.equal(textOf(source), expected);
    assert.ok(pieces > 10 && pieces <= MAX_PIECES, `${pieces} pieces at most`);
  });

  test('typing a word in one place makes one piece, not one per character', () => {
    const base = 'a'.repeat(100000);
    let source: TextSource = base;
    for (let i = 0; i < 50; i++) source = PieceText.edit(source, 5000 + i, 5000 + i, 'x', 0);
    assert.ok(source instanceof PieceText);
    assert.equal(source.pieceCount, 3);
    assert.equal(source.slice(4999, 5051), 'a' + 'x'.repeat(50) + 'a');
  });

  test('small texts stay plain strings', () => {
    const source = PieceText.edit('hello world', 5, 6, '_');
    assert.equal(typeof source, 'string');
    assert.equal(source, 'hello_world');
  });
});

describe('an edited big document', () => {
  test('every request reads through the pieces: none joins the text into one string', () => {
    const ls = getMetabaseLanguageService();
    const base = generateMetabase({ sites: 60, seed: 5, mistakes: 0.3 });
    assert.ok(base.length > 1 << 16, 'big enough to be edited as pieces');
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    const at = doc.lines.positionAt(base.indexOf('AppPoolId="') + 'AppPoolId="'.length);
    doc = doc.update(2, [{ range: { start: at, end: at }, text: 'x' }]);
    assert.ok(doc.source instanceof PieceText);
    let joins = 0;
    setJoinListener(() => joins++);
    try {
      const diagnostics = ls.doValidation(doc);
      const whole = { start: { line: 0, character: 0 }, end: doc.lines.positionAt(doc.length) };
      ls.doCodeActions(doc, whole, diagnostics);
      const rnd = mulberry32(9);
      for (let k = 0; k < 200; k++) {
        const p = doc.lines.positionAt(Math.floor(rnd() * doc.length));
        ls.doHover(doc, p);
        ls.doComplete(doc, p);
        ls.findDefinition(doc, p);
        ls.findReferences(doc, p, true);
        if (ls.prepareRename(doc, p)) ls.doRename(doc, p, 'OtherPool');
      }
      ls.findDocumentSymbols(doc);
      ls.getFoldingRanges(doc);
      ls.getCodeLenses(doc);
      ls.getTopology(doc);
      ls.getProcessModel(doc, 'worker');
      ls.getProcessModel(doc, 'iis5');
      assert.equal(joins, 0);
      // (What joining is for: one string, equal to the pieces.)
      assert.equal(doc.text.length, doc.length);
      assert.equal(joins, 1);
    } finally {
      setJoinListener(undefined);
    }
  });
});
