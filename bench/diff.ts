/**
 * npm run bench:diff — `diff` of two versions of a big metabase, as the language service runs it
 * (the CLI and the editor's Compare commands call the same function):
 *
 *   the generated 10,000-site file against a copy with 100 scattered edits (values changed,
 *   properties added and removed, a pool's MaxProcesses raised, applications moved to another
 *   pool, a site removed and one added), against one full validation of that file (parse and
 *   validate NEW). In-process, medians of 5 runs after a warm-up; each run parses both files
 *   anew (no cache carries over).
 *
 * Prints a table (also written to bench/out/diff.md).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getMetabaseLanguageService } from '../server/src/languageService';
import { generateMetabase, mulberry32 } from './gen-metabase';

const OUT = path.join(__dirname, 'out');
const quick = process.argv.includes('--quick');

/** 100 edits spread over the file: every (lines / 100)th attribute line gets one. */
export function scatterEdits(text: string, edits: number, seed = 7): string {
  const lines = text.split('\r\n');
  const random = mulberry32(seed);
  const attrLines: number[] = [];
  for (let i = 0; i < lines.length; i++) if (/^\t\t[A-Za-z]+="/.test(lines[i])) attrLines.push(i);
  const step = Math.floor(attrLines.length / edits);
  const removeAt = new Set<number>();
  for (let e = 0; e < edits; e++) {
    const i = attrLines[e * step + Math.floor(random() * step)];
    const line = lines[i];
    switch (e % 5) {
      case 0: // a changed value
        lines[i] = line.replace(/="([^"]*)"/, (_m, v: string) => `="${/^\d+$/.test(v) ? String(Number(v) + 1) : v + 'X'}"`);
        break;
      case 1: // a property removed
        removeAt.add(i);
        break;
      case 2: // a property added
        lines[i] = `${line}\r\n\t\tContentIndexed="FALSE"`;
        break;
      case 3: // an application moved to another pool (or a value changed where there is none)
        lines[i] = /AppPoolId=/.test(line) ? line.replace(/AppPoolId="[^"]*"/, 'AppPoolId="DefaultAppPool"') : line.replace(/="([^"]*)"/, '="$1 "');
        break;
      default: // a boolean spelled another way (no change for IIS) or a number raised
        lines[i] = line.replace(/="TRUE"/, '="true"').replace(/MaxProcesses="(\d+)"/, (_m, n: string) => `MaxProcesses="${Number(n) + 1}"`);
    }
  }
  return lines.filter((_l, i) => !removeAt.has(i)).join('\r\n');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'sites-10000.xml');
  if (!existsSync(file)) writeFileSync(file, generateMetabase({ sites: 10000, seed: 42 }));
  const oldText = generateMetabase({ sites: 10000, seed: 42 });
  const newText = scatterEdits(oldText, 100);
  const ls = getMetabaseLanguageService();
  let version = 0;
  const validateOnce = (): number => {
    const t = performance.now();
    const doc = ls.parse('file:///new.xml', ++version, newText);
    ls.doValidation(doc);
    return performance.now() - t;
  };
  let summary = '';
  const diffOnce = (): number => {
    const t = performance.now();
    const a = ls.parse('file:///old.xml', ++version, oldText);
    const b = ls.parse('file:///new.xml', ++version, newText);
    const d = ls.diffDocuments(a, b);
    const ms = performance.now() - t;
    summary = `${d.changes.length} changes, ${d.effects.length} effects, ${d.newErrors.length} new errors`;
    return ms;
  };
  validateOnce();
  diffOnce();
  const runs = quick ? 3 : 5;
  const v: number[] = [];
  const df: number[] = [];
  for (let i = 0; i < runs; i++) {
    v.push(validateOnce());
    df.push(diffOnce());
  }
  const mv = median(v);
  const md = median(df);
  const table = [
    `| 10,000 sites (${(Buffer.byteLength(newText) / 1e6).toFixed(1)} MB), 100 scattered edits | median of ${runs} |`,
    '|---|---|',
    `| one full validation (parse + validate NEW) | ${mv.toFixed(0)} ms |`,
    `| diff OLD NEW (parse both, compare, effects, new errors) | ${md.toFixed(0)} ms (${(md / mv).toFixed(2)}×) |`,
    `| result | ${summary} |`,
  ].join('\n');
  console.log(table);
  writeFileSync(path.join(OUT, 'diff.md'), table + '\n');
}

if (require.main === module) main();
