/**
 * The document the server holds is the one the client holds. Edits are applied as the LSP
 * specification says, with vscode-languageserver-textdocument's `TextDocument.applyEdits` (the
 * reference implementation of the rule) on a fresh document of the same text as the judge: a character past the end of its line means the line's end (before its
 * line break), a line past the last one the document's end, and a range given end-first is taken
 * the other way round. The line index answers positions and offsets like it on every fixture.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { MetabaseDocument } from '../../server/src/metabaseDocument';
import { LineIndex } from '../../server/src/parser/lineIndex';
import { mulberry32 } from '../../bench/gen-metabase';
import { fixturesDir, metabase, repoRoot, service } from '../helpers';

const ls = service();

/** A position anywhere around the document: lines and characters up to a few past the ends, and negative ones. */
function wildPosition(rnd: () => number, doc: TextDocument): { line: number; character: number } {
  const line = Math.floor(rnd() * (doc.lineCount + 3)) - 1;
  const text = doc.getText();
  const lineText = line >= 0 && line < doc.lineCount ? text.slice(doc.offsetAt({ line, character: 0 }), doc.offsetAt({ line: line + 1, character: 0 })) : '';
  return { line, character: Math.floor(rnd() * (lineText.length + 6)) - 1 };
}

const INSERTS = ['x', '"', '\r\n', '\n', '\r', '<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/a">', 'TRUE', ''];

/**
 * The text after `change`, by the reference implementation. (A fresh document each time:
 * TextDocument.update's own incremental line table goes wrong after some edits that leave a lone
 * CR at the end of the text, so it is no judge.)
 */
function applied(text: string, change: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }): string {
  return TextDocument.applyEdits(TextDocument.create('file:///t/MetaBase.xml', 'iis-metabase', 1, text), [{ range: change.range, newText: change.text }]);
}

function replay(base: string, seed: number, edits: number, pieces: boolean): void {
  const rnd = mulberry32(seed);
  let reference = TextDocument.create('file:///t/MetaBase.xml', 'iis-metabase', 1, base);
  let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
  ls.doValidation(doc);
  const saved = MetabaseDocument.piecesAbove;
  if (pieces) MetabaseDocument.piecesAbove = 0;
  try {
    for (let v = 2; v < edits + 2; v++) {
      const range = { start: wildPosition(rnd, reference), end: wildPosition(rnd, reference) };
      const change = { range, text: INSERTS[Math.floor(rnd() * INSERTS.length)] };
      reference = TextDocument.create('file:///t/MetaBase.xml', 'iis-metabase', v, applied(reference.getText(), change));
      doc = doc.update(v, [change]);
      assert.equal(doc.text, reference.getText(), `edit ${v - 1}: ${JSON.stringify(change)}`);
    }
  } finally {
    MetabaseDocument.piecesAbove = saved;
  }
  // And what the server says about the edited text is what a fresh parse says.
  assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 1, reference.getText())));
}

describe('edits with positions outside the text are applied as the LSP specification says', () => {
  const example = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8').replace(/^\uFEFF/, '');

  test('a character past the end of a CRLF line is the end of the line, not a point between CR and LF', () => {
    const text = metabase('<IIsWebServer Location="/LM/W3SVC/1"\r\n\tServerComment="a"\r\n>\r\n</IIsWebServer>', true);
    const line = text.split('\r\n').findIndex((l) => l.includes('ServerComment'));
    const at = { line, character: 500 };
    const change = { range: { start: at, end: at }, text: ' X="1"' };
    const doc = ls.parse('file:///t/MetaBase.xml', 1, text).update(2, [change]);
    assert.equal(doc.text, applied(text, change));
    assert.match(doc.text, /ServerComment="a" X="1"\r\n/);
  });

  test('a range given end first deletes what it spans', () => {
    const text = 'abc\ndef\n';
    const change = { range: { start: { line: 1, character: 2 }, end: { line: 0, character: 1 } }, text: '' };
    const doc = ls.parse('file:///t/MetaBase.xml', 1, text).update(2, [change]);
    assert.equal(doc.text, 'af\n');
  });

  for (const [name, crlf] of [['LF', false], ['CRLF', true]] as const) {
    test(`random edits at wild positions of the example (${name}), as a string and as pieces`, () => {
      const base = crlf ? example.replace(/\r?\n/g, '\r\n') : example.replace(/\r\n/g, '\n');
      replay(base, crlf ? 3 : 4, 300, false);
      replay(base, crlf ? 5 : 6, 300, true);
    });
  }
});

describe('the line index agrees with vscode-languageserver-textdocument', () => {
  const files: string[] = [path.join(repoRoot, 'examples', 'MetaBase.xml')];
  for (const dir of ['misconfigs', 'realworld']) {
    for (const f of readdirSync(path.join(fixturesDir, dir))) if (f.endsWith('.xml')) files.push(path.join(fixturesDir, dir, f));
  }

  test(`every offset and every position (with characters past the line ends) of ${files.length} fixtures, and mixed line breaks`, () => {
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    texts.push('a\rb\r\nc\n\rd\n\ne\r\r', '', '\r\n', 'no line break');
    for (const text of texts) {
      const reference = TextDocument.create('file:///t/x.xml', 'iis-metabase', 1, text);
      const index = new LineIndex(text);
      assert.equal(index.lineCount, reference.lineCount);
      for (let offset = -1; offset <= text.length + 1; offset++) {
        assert.deepEqual(index.positionAt(offset), reference.positionAt(offset), `offset ${offset}`);
      }
      for (let line = -1; line <= reference.lineCount; line++) {
        for (const character of [-1, 0, 1, 5, 40, 10000]) {
          assert.equal(index.offsetAt({ line, character }), reference.offsetAt({ line, character }), `${line}:${character}`);
        }
      }
    }
  });
});
