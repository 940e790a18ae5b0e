/**
 * A document updated edit by edit (incremental line index, region re-parse, model swap, cached
 * key-rule findings) must validate exactly like the same text parsed from scratch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { MetabaseDocument } from '../../server/src/metabaseDocument';
import { PieceText } from '../../server/src/parser/pieceText';
import { computeLineStarts } from '../../server/src/parser/lineIndex';
import { fixturesDir, metabase, repoRoot, service } from '../helpers';
import { generateMetabase, mulberry32 } from '../../bench/gen-metabase';

const ls = service({ maxDiagnostics: 100000 });

const INSERTS = ['x', '1', '"', '<', '>', ' ', '\r\n', 'TRUE', 'Pool', '/', '</IIsWebServer>', 'AppPoolId="Other"', '<!--', '-->'];

function modelShape(doc: MetabaseDocument): unknown {
  return doc.model.keys.map((k) => [k.keyType, k.location, k.index, k.parent?.location ?? null, k.children.map((c) => c.location)]);
}

/**
 * Random edits (each undone every other time), each checked against a fresh parse of the same
 * text. With `pieces`, the text is kept as pieces however small it is, the region re-parse reads
 * a window of 400 characters first, and the document's text is never joined into one string (the
 * expected text is kept beside it).
 */
function run(base: string, edits: number, seed: number, pieces = false): number {
  const rnd = mulberry32(seed);
  const probe = mulberry32(seed + 1000);
  let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
  ls.doValidation(doc); // builds the model and the cache that the updates carry along
  let version = 1;
  let incremental = 0;
  let expected = base;
  let kept = 0;
  let windowed = 0;
  const saved = [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow];
  if (pieces) [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow] = [0, 400];
  try {
  for (let n = 0; n < edits; n++) {
    const text = expected;
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
      // (Positions between CR and LF move before the CR: take the offsets the range stands for.)
      const [a, b] = [doc.offsetAt(range.start), doc.offsetAt(range.end)];
      doc = doc.update(++version, [{ range, text: s.insert }]);
      expected = expected.slice(0, a) + s.insert + expected.slice(b);
      if (doc.lastUpdate?.incremental) incremental++;
      if (doc.source instanceof PieceText) kept++;
      windowed += doc.lastUpdate?.windowed ?? 0;
      assert.equal(doc.length, expected.length);
      const fresh = ls.parse('file:///t/MetaBase.xml', version, expected);
      assert.deepEqual(ls.doValidation(doc), ls.doValidation(fresh), `edit ${n}: ${JSON.stringify(s)}`);
      assert.deepEqual(modelShape(doc), modelShape(fresh), `edit ${n}: model`);
      assert.deepEqual([...doc.lines.lineStarts], [...fresh.lines.lineStarts], `edit ${n}: lines`);
      if (pieces && n % 20 === 0) {
        // Features that read the text (through its pieces) answer like on the fresh parse.
        const diagnostics = ls.doValidation(doc);
        assert.deepEqual(ls.doCodeActions(doc, { start: { line: 0, character: 0 }, end: doc.lines.positionAt(doc.length) }, diagnostics), ls.doCodeActions(fresh, { start: { line: 0, character: 0 }, end: fresh.lines.positionAt(fresh.length) }, diagnostics), `edit ${n}: code actions`);
        for (let k = 0; k < 10; k++) {
          const p = doc.lines.positionAt(Math.floor(probe() * doc.length));
          assert.deepEqual(ls.doHover(doc, p), ls.doHover(fresh, p), `edit ${n}: hover`);
          assert.deepEqual(ls.doComplete(doc, p), ls.doComplete(fresh, p), `edit ${n}: completion`);
        }
      }
    }
  }
  } finally {
    [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow] = saved;
  }
  assert.equal(doc.text, expected);
  if (pieces) {
    // Most versions are pieces (every 256 pieces they are joined), and the window is often
    // enough (and often not: then the whole text is read).
    // (Pieces of a few KB are merged into one string: a small file stays a string.)
    if (base.length > 8192) assert.ok(kept > incremental * 0.8, `${kept} of ${incremental} incremental versions kept as pieces`);
    assert.ok(windowed > incremental * 0.2 && windowed < incremental, `${windowed} of ${incremental} re-parsed within the window`);
  }
  return incremental;
}

describe('incremental document updates validate like a fresh parse', () => {
  test('400 random edits on the example', () => {
    const n = run(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'), 400, 5);
    assert.ok(n > 300, `${n} of 600 updates were incremental`);
  });

  test('400 random edits on the example, the text kept as pieces and re-parsed through a 400-character window', () => {
    const n = run(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'), 400, 6, true);
    assert.ok(n > 300, `${n} of 600 updates were incremental`);
  });

  for (const name of ['03-apppool-missing', '17-duplicate-binding', '09-iis5-mode-pools']) {
    test(`200 random edits on ${name}`, () => {
      run(readFileSync(path.join(fixturesDir, 'misconfigs', `${name}.xml`), 'utf8'), 200, name.length);
    });
    test(`200 random edits on ${name}, as pieces through a window`, () => {
      run(readFileSync(path.join(fixturesDir, 'misconfigs', `${name}.xml`), 'utf8'), 200, name.length + 1, true);
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

/** The same metabase with no line break at all: tags run on from one another, attributes are separated by blanks. */
function oneLine(text: string): string {
  return text.replace(/>\s*\r?\n\s*</g, '><').replace(/\r?\n/g, ' ');
}

describe('a metabase written on one line', () => {
  const example = oneLine(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'));

  test('400 random edits on the example on one line', () => {
    const n = run(example, 400, 31);
    assert.ok(n > 300, `${n} of 600 updates were incremental`);
  });

  test('400 random edits on the example on one line, as pieces through a window', () => {
    const n = run(example, 400, 32, true);
    assert.ok(n > 300, `${n} of 600 updates were incremental`);
  });

  test('150 random edits on 30 generated sites on one line', () => {
    run(oneLine(generateMetabase({ sites: 30, seed: 4, mistakes: 0.3 })), 150, 33);
  });

  test('a quote typed into any value rescans the key around it, within the window, and validates like a fresh parse', () => {
    const base = oneLine(generateMetabase({ sites: 30, seed: 5 }));
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    const rnd = mulberry32(77);
    const values = [...base.matchAll(/="([^"]*)"/g)]
      .map((m) => m.index! + 2 + Math.floor(rnd() * (m[1].length + 1)))
      .filter((at) => at > base.indexOf('<MBProperty>') && at < base.length - 17000);
    const saved = MetabaseDocument.scanWindow;
    // (Smaller than the file, larger than its longest start tag: <IIsWebService> has 11,700
    // characters. A window that would reach the end reads the whole text: no edit is that close.)
    MetabaseDocument.scanWindow = 16000;
    try {
      for (let n = 0; n < 60; n++) {
        const at = values[Math.floor(rnd() * values.length)];
        const pos = doc.lines.positionAt(at);
        doc = doc.update(doc.version + 1, [{ range: { start: pos, end: pos }, text: '"' }]);
        assert.deepEqual(doc.lastUpdate, { incremental: true, rescanned: doc.lastUpdate!.rescanned, windowed: 1 }, `quote ${n} at ${at}`);
        assert.ok(doc.lastUpdate!.rescanned < 14000, `rescanned ${doc.lastUpdate!.rescanned} characters`);
        const typed = base.slice(0, at) + '"' + base.slice(at);
        assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', doc.version, typed)), `quote ${n} at ${at}`);
        doc = doc.update(doc.version + 1, [{ range: { start: pos, end: doc.lines.positionAt(at + 1) }, text: '' }]);
        assert.equal(doc.lastUpdate?.incremental, true);
      }
    } finally {
      MetabaseDocument.scanWindow = saved;
    }
    assert.equal(doc.text, base);
    assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 1, base)));
  });
});

describe('a key that loses every ancestor', () => {
  test('typing before /LM in a site\'s Location, then taking it back, re-links the tree like a fresh parse', () => {
    const base = metabase(`<IIsWebService Location ="/LM/W3SVC" >
</IIsWebService>
<IIsWebServer Location ="/LM/W3SVC/1" AppPoolId="Shop" >
</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="x/LM/W3SVC/1/ROOT/orphan" >
</IIsWebVirtualDir>`);
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    let text = base;
    const at = base.indexOf('"/LM/W3SVC/1"') + 1;
    for (const [insert, removed] of [
      ['x', 0],
      ['', 1],
    ] as const) {
      const range = { start: doc.lines.positionAt(at), end: doc.lines.positionAt(at + removed) };
      doc = doc.update(doc.version + 1, [{ range, text: insert }]);
      text = text.slice(0, at) + insert + text.slice(at + removed);
      const fresh = ls.parse('file:///t/MetaBase.xml', doc.version, text);
      // "x/lm/w3svc/1" has no key above it and adopts "x/lm/w3svc/1/root/orphan".
      assert.deepEqual(modelShape(doc), modelShape(fresh), `"${insert}"`);
      assert.deepEqual(ls.doValidation(doc), ls.doValidation(fresh), `"${insert}"`);
    }
    assert.equal(doc.model.keyAt('/LM/W3SVC/1/ROOT')?.parent?.location, '/LM/W3SVC/1');
  });

  test('pasting a key and its child, both with no key above them, links the child once', () => {
    const base = metabase(`<IIsWebService Location ="/LM/W3SVC" >
</IIsWebService>`);
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    const paste = `<IIsWebServer Location ="/Q/1" >\n</IIsWebServer>\n<IIsWebVirtualDir Location ="/Q/1/ROOT" >\n</IIsWebVirtualDir>\n<IIsWebVirtualDir Location ="/Q/1/ROOT/app" >\n</IIsWebVirtualDir>\n`;
    const at = base.indexOf('</MBProperty>');
    const pos = doc.lines.positionAt(at);
    doc = doc.update(2, [{ range: { start: pos, end: pos }, text: paste }]);
    const text = base.slice(0, at) + paste + base.slice(at);
    assert.equal(doc.lastUpdate?.incremental, true);
    assert.deepEqual(modelShape(doc), modelShape(ls.parse('file:///t/MetaBase.xml', 2, text)));
    assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 2, text)));
  });
});

describe('structural edits at random', () => {
  /**
   * Edits that move keys in the tree: characters typed into or deleted from Locations (at their
   * start too, where the key loses every ancestor), and blocks of whole keys cut, or copied with
   * their paths renamed to somewhere else (under a key, under nothing, onto a path in use).
   */
  function structural(base: string, edits: number, seed: number, blockKeys = 4): void {
    const rnd = mulberry32(seed);
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    let text = base;
    const apply = (start: number, end: number, insert: string, what: string): void => {
      const range = { start: doc.lines.positionAt(start), end: doc.lines.positionAt(end) };
      const [a, b] = [doc.offsetAt(range.start), doc.offsetAt(range.end)];
      doc = doc.update(doc.version + 1, [{ range, text: insert }]);
      text = text.slice(0, a) + insert + text.slice(b);
      const fresh = ls.parse('file:///t/MetaBase.xml', doc.version, text);
      assert.deepEqual(modelShape(doc), modelShape(fresh), `${what}: model`);
      assert.deepEqual(ls.doValidation(doc), ls.doValidation(fresh), `${what}: diagnostics`);
    };
    for (let n = 0; n < edits; n++) {
      const locations = [...text.matchAll(/Location ="([^"]*)"/g)];
      const keyStarts = [...text.matchAll(/^<IIs\w+/gm)].map((m) => m.index!);
      const kind = rnd();
      if (kind < 0.5 && locations.length > 0) {
        const m = locations[Math.floor(rnd() * locations.length)];
        const valueStart = m.index! + 'Location ="'.length;
        const at = valueStart + Math.floor(rnd() * (m[1].length + 1));
        if (rnd() < 0.6) apply(at, at, ['x', '/', 'Q', '1'][Math.floor(rnd() * 4)], `edit ${n}: type in ${m[1]}`);
        else if (at < valueStart + m[1].length) apply(at, at + 1, '', `edit ${n}: delete in ${m[1]}`);
      } else if (keyStarts.length > 2) {
        // A block of 1 to `blockKeys` whole keys.
        const i = Math.floor(rnd() * (keyStarts.length - 1));
        const j = Math.min(keyStarts.length - 1, i + 1 + Math.floor(rnd() * blockKeys));
        const block = text.slice(keyStarts[i], keyStarts[j]);
        if (kind < 0.7) apply(keyStarts[i], keyStarts[j], '', `edit ${n}: cut ${j - i} keys`);
        else {
          const target = ['/LM/W3SVC/7', `/Q${n}`, '/LM/W3SVC/1/ROOT/copy', '/LM/W3SVC/1'][Math.floor(rnd() * 4)];
          // Every Location of the block moves below the target, keeping what follows its third
          // segment (a site's /ROOT, /Filters...).
          const moved = block.replace(/Location ="([^"]*)"/g, (_m, v: string) => `Location ="${[target, ...v.split('/').slice(4)].join('/')}"`);
          const at = keyStarts[Math.floor(rnd() * keyStarts.length)];
          apply(at, at, moved, `edit ${n}: paste ${j - i} keys under ${target}`);
        }
      }
    }
  }

  test('300 on the example', () => {
    structural(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'), 300, 21);
  });

  test('300 on the example, as pieces through a window', () => {
    const saved = [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow];
    [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow] = [0, 400];
    try {
      structural(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'), 300, 22);
    } finally {
      [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow] = saved;
    }
  });

  test('60 on 40 generated sites, cutting and pasting up to 120 keys at a time', () => {
    structural(generateMetabase({ sites: 40, seed: 8, mistakes: 0.3 }), 60, 24, 120);
  });

  test('200 on a file where sites share bindings and Locations', () => {
    structural(readFileSync(path.join(fixturesDir, 'misconfigs', '17-duplicate-binding.xml'), 'utf8'), 200, 23);
  });
});

describe('sites that share a Location', () => {
  test('when one of them moves away, the other takes the path and its bindings count', () => {
    const base = metabase(`<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" >
</IIsWebService>
<IIsWebServer Location ="/LM/W3SVC/1" ServerBindings=":80:shop" ServerComment="A" >
</IIsWebServer>
<IIsWebServer Location ="/LM/W3SVC/1" ServerBindings=":80:shop" ServerComment="B" >
</IIsWebServer>
<IIsWebServer Location ="/LM/W3SVC/2" ServerBindings=":80:shop" ServerComment="C" >
</IIsWebServer>`);
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    let text = base;
    // Type "0" after A's "/LM/W3SVC/1", then take it back, then do the same on B.
    for (const [which, insert] of [
      [0, '0'],
      [0, ''],
      [1, '0'],
      [1, ''],
    ] as const) {
      let at = -1;
      for (let k = 0; k <= which; k++) at = text.indexOf('"/LM/W3SVC/1', at + 1);
      at += '"/LM/W3SVC/1'.length;
      const end = insert === '' ? at + 1 : at;
      const range = { start: doc.lines.positionAt(at), end: doc.lines.positionAt(end) };
      doc = doc.update(doc.version + 1, [{ range, text: insert }]);
      text = text.slice(0, at) + insert + text.slice(end);
      const fresh = ls.parse('file:///t/MetaBase.xml', doc.version, text);
      const diagnostics = ls.doValidation(doc);
      assert.deepEqual(diagnostics, ls.doValidation(fresh), `site ${which}, "${insert}"`);
      assert.ok(diagnostics.some((d) => d.code === 'duplicate-server-binding'));
    }
  });
});

describe('the re-parse window', () => {
  test('a quote typed in a start tag whose partner is far along the same line reads like a fresh parse', () => {
    // One long line: the typed quote swallows everything up to the next quote (in a comment 40
    // keys later), as junk in the start tag. A window that ended inside that line would find no
    // partner, take the keys in between for keys and stop at one of them.
    const line = `<IIsWebServer Location ="/LM/W3SVC/1" >${'<IIsFilters ></IIsFilters>'.repeat(40)}<!-- " --> ></IIsWebServer>`;
    const base = metabase(`<IIsWebService Location ="/LM/W3SVC" >\n</IIsWebService>\n${line}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" >\n</IIsWebVirtualDir>`);
    const saved = [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow];
    [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow] = [0, 64];
    try {
      let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
      ls.doValidation(doc);
      const at = base.indexOf('"/LM/W3SVC/1" >') + '"/LM/W3SVC/1" '.length;
      const pos = doc.lines.positionAt(at);
      doc = doc.update(2, [{ range: { start: pos, end: pos }, text: '"' }]);
      assert.equal(doc.lastUpdate?.incremental, true);
      const expected = base.slice(0, at) + '"' + base.slice(at);
      assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 2, expected)));
      assert.deepEqual(modelShape(doc), modelShape(ls.parse('file:///t/MetaBase.xml', 2, expected)));
    } finally {
      [MetabaseDocument.piecesAbove, MetabaseDocument.scanWindow] = saved;
    }
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

describe('what applications inherit after an edit of the key they inherit from', () => {
  test('the ScriptMaps in effect name the key as it is now, not the one the edit replaced', () => {
    const base = metabase(`<IIsWebService Location ="/LM/W3SVC" >
</IIsWebService>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" Path="c:\\site"
	ScriptMaps=".aspx,C:\\WINDOWS\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1"
>
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/app" AppRoot="/LM/W3SVC/1/ROOT/app" >
</IIsWebVirtualDir>`);
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.doValidation(doc);
    const app = (d: MetabaseDocument) => d.model.keyAt('/LM/W3SVC/1/ROOT/app')!;
    assert.equal(doc.model.effectiveScriptMaps(app(doc))?.from.location, '/LM/W3SVC/1/ROOT');
    // Type in Path of ROOT (not its ScriptMaps): ROOT is a new key object.
    const at = doc.lines.positionAt(base.indexOf('c:\\site') + 2);
    doc = doc.update(2, [{ range: { start: at, end: at }, text: 'x' }]);
    ls.doValidation(doc);
    assert.equal(doc.model.effectiveScriptMaps(app(doc))?.from, doc.model.keyAt('/LM/W3SVC/1/ROOT'));
  });
});
