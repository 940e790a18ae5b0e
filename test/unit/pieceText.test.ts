/**
 * PieceText must read exactly like the string it stands for, whatever edits made it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_PIECES, PieceText, textOf, type TextSource } from '../../server/src/parser/pieceText';
import { mulberry32 } from '../../bench/gen-metabase';

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
