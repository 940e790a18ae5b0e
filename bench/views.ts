/**
 * npm run bench:views — the process-model preview of a big server (issue 12, item 4): for the
 * generated 10,000-site metabase, the view's data (iis6Metabase/processView: process model,
 * summary and groups, as JSON) plus the first paint's HTML, against one full validation of the
 * same parsed document. Medians of 5 runs, each on a fresh parse (validation and the model keep memos on a document), in one process, after one warm-up. Target: the
 * view at most 0.5× the validation. Prints a table (also written to bench/out/views.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderProcessViewHtml } from '../client/src/processModelHtml';
import { buildProcessView } from '../server/src/features/processView';
import { getMetabaseLanguageService } from '../server/src/languageService';
import { generateMetabase } from './gen-metabase';

const RUNS = 5;

/** Median time of `fn` over RUNS runs, each on what `setup` gives (not timed), after a warm-up. */
function median<T>(setup: () => T, fn: (x: T) => void): number {
  fn(setup());
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const x = setup();
    const s = performance.now();
    fn(x);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

const rows: string[] = ['| sites | validation (ms) | view data (ms) | first paint HTML (ms) | view total / validation | JSON | HTML | groups | links in the first paint |', '|---|---|---|---|---|---|---|---|---|'];
for (const sites of [1000, 10000]) {
  const ls = getMetabaseLanguageService();
  const text = generateMetabase({ sites }).replace(/^\uFEFF/, '');
  // Each run on a fresh parse: validation and the model keep memos on the document.
  const fresh = () => ls.parse('file:///bench.xml', 1, text);
  const validation = median(fresh, (doc) => void ls.validate(doc));
  let json = '';
  const data = median(fresh, (doc) => {
    json = JSON.stringify(buildProcessView(doc, ls.getProcessModel(doc)));
  });
  const view = JSON.parse(json);
  let html = '';
  const paint = median(() => view, (v) => {
    html = renderProcessViewHtml(v, { nonce: 'n', cspSource: 'c', previewing: undefined });
  });
  const mb = (s: string) => `${(Buffer.byteLength(s) / 1e6).toFixed(2)} MB`;
  rows.push(`| ${sites.toLocaleString('en-US')} | ${validation.toFixed(0)} | ${data.toFixed(0)} | ${paint.toFixed(1)} | ${((data + paint) / validation).toFixed(2)}× | ${mb(json)} | ${(Buffer.byteLength(html) / 1e3).toFixed(0)} kB | ${view.groups.length} | ${html.match(/<a /g)?.length ?? 0} |`);
}
const out = rows.join('\n');
console.log(out);
mkdirSync(path.join(__dirname, 'out'), { recursive: true });
writeFileSync(path.join(__dirname, 'out', 'views.md'), `${out}\n`);
