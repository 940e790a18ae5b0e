/**
 * A day of editing holds steady memory. The server's store (lsp/documentStore.ts) gets 1,500
 * random edits of a 300-site metabase (bench/randomEdits.ts: letters, quotes, '<', line breaks,
 * pasted attributes and tags, deletions), validated every 100 as the server does; then the
 * document is closed. Checked with V8's own accounting, after full collections:
 *
 *  - no earlier version of the text stays on the heap, while the document is open or after it is
 *    closed (counted in a heap snapshot: strings about the size of the document). A slice of a
 *    text kept in a message, a memo table or a cache keeps that whole version alive, which is how
 *    the server once grew 10 -> 88 MB in 5,000 edits and kept 53 MB after the close;
 *  - the heap after the close is within 10 MB of the heap after the open;
 *  - the document's name table, which keeps every name ever typed, starts afresh once it has
 *    grown far past what the text uses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { generateMetabase, mulberry32 } from '../../bench/gen-metabase';
import { randomEdit } from '../../bench/randomEdits';
import type { MetabaseLanguageService } from '../../server/src/languageService';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { MAX_NAME_GROWTH } from '../../server/src/metabaseDocument';
import { service } from '../helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Opens a generated 300-site file (the store holds the only copy of the text) and validates it. */
function openGenerated(ls: MetabaseLanguageService, store: DocumentStore, uri: string): void {
  store.open(uri, 1, generateMetabase({ sites: 300, seed: 42 }).replace(/^\uFEFF/, ''));
  ls.validate(store.get(uri)!);
}

/** Strings on the heap of at least `bytes` (a heap snapshot's string nodes). */
function bigStrings(bytes: number): number {
  gc();
  gc();
  const file = v8.writeHeapSnapshot(`${process.env.TMPDIR ?? '/tmp'}/iis6-memory-${process.pid}.heapsnapshot`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  fs.rmSync(file);
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  let n = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    if (type === 'string' && snapshot.nodes[i + sizeAt] >= bytes) n++;
  }
  return n;
}

/**
 * Random edits of an open document, validated every 100 as the server does. (In a function of its
 * own: a version the loop held must not stay in a stack slot of the test while the heap is read.)
 */
function edit(ls: MetabaseLanguageService, store: DocumentStore, uri: string, edits: number): void {
  const rnd = mulberry32(11);
  for (let v = 2; v <= edits + 1; v++) {
    const doc = store.get(uri)!;
    const e = randomEdit(rnd, doc.length);
    store.change(uri, v, [{ range: doc.lines.range(e.start, e.end), text: e.text }]);
    if (v % 100 === 0) ls.validate(store.get(uri)!);
  }
  ls.validate(store.get(uri)!);
}

describe('memory over a long editing session', () => {
  test('1,500 random edits of a 300-site file: no old text kept, open or closed, and the heap comes back after the close', () => {
    const ls = service();
    const store = new DocumentStore(ls);
    const uri = 'file:///t/memory/MetaBase.xml';
    // The file is about 800,000 characters: 800 KB as V8 stores it, or 1.6 MB in two-byte form.
    const floor = 600_000;
    const before = bigStrings(floor);
    const heapBefore = heapUsed();
    openGenerated(ls, store, uri);
    const heapOpen = heapUsed();
    edit(ls, store, uri, 1500);
    // Open: the current text (one string, or the previous one and the small pieces typed since).
    const open = bigStrings(floor) - before;
    assert.ok(open <= 2, `${open} strings of the document's size on the heap while it is open (the current version; old versions are kept alive)`);
    store.close(uri);
    const closed = bigStrings(floor) - before;
    assert.equal(closed, 0, `${closed} versions of the text still on the heap after the close`);
    const heapClosed = heapUsed();
    assert.ok(heapClosed - heapOpen < 10e6, `heap after the close ${(heapClosed / 1e6).toFixed(1)} MB, after the open ${(heapOpen / 1e6).toFixed(1)} MB (before ${(heapBefore / 1e6).toFixed(1)} MB)`);
  });

  test('names typed half-way fill the name table only up to a bound, then a fresh parse starts a new one', () => {
    const ls = service();
    const store = new DocumentStore(ls);
    const uri = 'file:///t/memory/Names.xml';
    const text = generateMetabase({ sites: 20, seed: 1 }).replace(/^\uFEFF/, '');
    store.open(uri, 1, text);
    const at = text.indexOf('\tServerComment=');
    const first = store.get(uri)!.xml.names.strings.length;
    let most = 0;
    // Rename a property 6,000 times, each time to a name never seen before (as typing does).
    for (let v = 2; v < 6002; v++) {
      const doc = store.get(uri)!;
      const range = doc.lines.range(at + 1, at + 7);
      store.change(uri, v, [{ range, text: `Q${v.toString(36).padStart(5, '0')}` }]);
      most = Math.max(most, store.get(uri)!.xml.names.strings.length);
    }
    assert.ok(most > first + MAX_NAME_GROWTH, `the edits made new names (${most} at most, ${first} at first)`);
    assert.ok(most <= 2 * first + MAX_NAME_GROWTH + 2, `the table grew to ${most} names (bound ${2 * first + MAX_NAME_GROWTH})`);
    assert.deepEqual(ls.doValidation(store.get(uri)!), ls.doValidation(ls.parse(uri, 1, store.get(uri)!.text)));
  });
});
