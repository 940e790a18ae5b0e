/**
 * A huge document is parsed and validated in slices so the server keeps answering meanwhile; the
 * result must be exactly what one pass gives, on real files and on broken ones.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { getMetabaseLanguageService } from '../../server/src/languageService';
import { scanInSlices } from '../../server/src/parser/slicedScan';
import { scan } from '../../server/src/parser/scanner';
import { repoRoot } from '../helpers';
import { snapshot } from './xmlSnapshot';

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const example = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
const realDir = path.join(repoRoot, 'test', 'fixtures', 'realworld');
const real = readdirSync(realDir).filter((f) => f.endsWith('.xml')).map((f) => [f, readFileSync(path.join(realDir, f), 'utf8')] as const);

/** Broken variants: cut anywhere, a tag left open, an unterminated comment, a stray end tag. */
function broken(text: string): string[] {
  const mid = Math.floor(text.length / 2);
  return [
    text.slice(0, mid),
    text.slice(0, mid) + '<IIsWebServer Location ="/half' + text.slice(mid),
    text.replace('</IIsWebService>', ''),
    text.slice(0, mid) + '<!-- never closed ' + text.slice(mid),
    text.slice(0, mid) + '</NotOpen>' + text.slice(mid),
    text.replace(/"/g, (q, at: number) => (at % 7 === 0 ? '' : q)),
  ];
}

describe('parsing in slices', () => {
  const cases: Array<[string, string]> = [['example', example], ...real.map(([f, t]) => [f, t] as [string, string])];
  broken(example).forEach((t, i) => cases.push([`broken example #${i + 1}`, t]));

  for (const [name, text] of cases) {
    test(`${name}: the same tree as one scan, whatever the slice size`, async () => {
      const whole = snapshot(scan(text));
      for (const slice of [64, 997, 20_000]) assert.deepEqual(snapshot(await scanInSlices(text, pause, slice)), whole, `slices of ${slice}`);
    });
  }

  test('the slices give other work a turn', async () => {
    let turns = 0;
    await scanInSlices(example, async () => {
      turns++;
      await pause();
    }, 1000);
    // A slice ends at the first tag after its limit, so a long start tag makes a slice longer.
    assert.ok(turns >= 5, `${turns} pauses for ${example.length} characters`);
  });
});

describe('validating in slices', () => {
  const ls = getMetabaseLanguageService();

  for (const [name, text] of [['example', example], ['broken example', broken(example)[1]]] as const) {
    test(`${name}: the same model and diagnostics as one pass`, async () => {
      const once = ls.parse('file:///a.xml', 1, text);
      const sliced = await ls.parseInSlices('file:///a.xml', 1, text, pause);
      assert.deepEqual(sliced.model.keys.map((k) => [k.keyType, k.path, k.parent?.path]), once.model.keys.map((k) => [k.keyType, k.path, k.parent?.path]));
      const result = await ls.validateInSlices(sliced, pause, () => true);
      assert.deepEqual(result, ls.validate(once));
    });
  }

  test('a run no longer wanted stops and publishes nothing', async () => {
    const doc = ls.parse('file:///a.xml', 1, example);
    let steps = 0;
    const result = await ls.validateInSlices(doc, pause, () => ++steps < 3);
    assert.equal(result, undefined);
    assert.equal(steps, 3);
  });
});
