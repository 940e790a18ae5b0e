/**
 * Region re-parse must give exactly what a full parse of the new text gives: thousands of random
 * edits (each followed by its undo), compared structure by structure.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { reparseRegion } from '../../server/src/parser/incremental';
import { scan } from '../../server/src/parser/scanner';
import type { XmlDocument } from '../../server/src/parser/xmlTypes';
import { repoRoot } from '../helpers';
import { snapshot } from './xmlSnapshot';
import { mulberry32 } from '../../bench/gen-metabase';

const INSERTS = ['x', '"', '<', '>', '/', '=', '&', ' ', '\r\n', '\t', '</IIsWebServer>', '<IIsWebServer Location ="/x"', '<!--', '-->', '<Custom Name="a" />', 'AppIsolated='];

interface Edit {
  start: number;
  end: number;
  text: string;
}

function randomEdit(text: string, rnd: () => number): Edit {
  const at = Math.floor(rnd() * (text.length + 1));
  const kind = rnd();
  if (kind < 0.45) return { start: at, end: at, text: INSERTS[Math.floor(rnd() * INSERTS.length)] };
  if (kind < 0.7) return { start: at, end: Math.min(text.length, at + 1), text: '' };
  if (kind < 0.85) return { start: at, end: Math.min(text.length, at + Math.floor(rnd() * 3000)), text: '' };
  const from = Math.floor(rnd() * text.length);
  return { start: at, end: at, text: text.slice(from, from + Math.floor(rnd() * 4000)) };
}

function apply(xml: XmlDocument, text: string, e: Edit): { xml: XmlDocument; text: string; incremental: boolean } {
  const next = text.slice(0, e.start) + e.text + text.slice(e.end);
  const r = reparseRegion(xml, next, e.start, e.end, e.text.length);
  return r ? { xml, text: next, incremental: true } : { xml: scan(next), text: next, incremental: false };
}

function run(name: string, base: string, edits: number, seed: number): { incremental: number; full: number } {
  const rnd = mulberry32(seed);
  let text = base;
  let xml: XmlDocument = scan(text);
  let incremental = 0;
  let full = 0;
  for (let n = 0; n < edits; n++) {
    const e = randomEdit(text, rnd);
    const undo: Edit = { start: e.start, end: e.start + e.text.length, text: text.slice(e.start, e.end) };
    for (const step of [e, undo]) {
      const r = apply(xml, text, step);
      ({ xml, text } = r);
      if (r.incremental) incremental++;
      else full++;
      assert.deepEqual(snapshot(xml), snapshot(scan(text)), `${name}: edit ${n} ${JSON.stringify(step).slice(0, 120)}`);
    }
    assert.equal(text, base, 'the undo restores the text');
  }
  return { incremental, full };
}

describe('region re-parse equals a full parse', () => {
  test('1,500 random edits and their undos on the example metabase', () => {
    const base = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
    const { incremental, full } = run('example', base, 1500, 7);
    assert.ok(incremental > full * 3, `mostly incremental (${incremental} incremental, ${full} full)`);
  });

  test('1,500 random edits on a real export with Custom elements and comments', () => {
    const base = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'realworld', 'modsic-oval-iis6-a-metabase.xml'), 'utf8');
    run('modsic', base.replace('<IIsWebService', '<!-- a comment -->\r\n<IIsWebService'), 1500, 11);
  });

  test('800 random edits on a fragment of keys without the document skeleton', () => {
    const base = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'realworld', 'h5bp-iis6-compression-schemes-excerpt.xml'), 'utf8');
    run('fragment', base, 800, 3);
  });

  test('1,500 random edits and their undos on the example written on one line', () => {
    const base = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8').replace(/>\s*\r?\n\s*</g, '><').replace(/\r?\n/g, ' ');
    const { incremental, full } = run('one line', base, 1500, 13);
    assert.ok(incremental > full * 3, `mostly incremental (${incremental} incremental, ${full} full)`);
  });

  test('typing a character in a value rescans one key', () => {
    const base = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
    const xml = scan(base);
    const at = base.indexOf('Default Web Site') + 3;
    const next = base.slice(0, at) + 'x' + base.slice(at);
    const r = reparseRegion(xml, next, at, at, 1)!;
    assert.deepEqual([r.removed.length, r.added.length, r.added[0].name], [1, 1, 'IIsWebServer']);
  });
});
