/**
 * npm run bench:cli — the command-line linter as a user runs it, each run a separate `node`
 * process (start-up, reading, parsing, validation, output), timed by wall clock:
 *
 *   1. `iis6-metabase lint FILE --format json` on the 10,000-site generated file against a
 *      process that only reads the file and parses it with xml2js (the baseline), in turns
 *      (medians of 7 runs each after a warm-up of each);
 *   2. `iis6-metabase processes FILE --format text` and `--format json` at 1,000, 10,000 and
 *      30,000 sites (medians of 3; 30,000 left out with --quick), to show how they grow with the
 *      file (the text format was quadratic: 78 s at 30,000 sites).
 *
 * Prints a table (also written to bench/out/cli.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateMetabase } from './gen-metabase';

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, 'bench', 'out');
const CLI = path.join(REPO, 'dist', 'cli.js');
const quick = process.argv.includes('--quick');

function fileOf(sites: number): string {
  const file = path.join(OUT, `sites-${sites}.xml`);
  if (!existsSync(file)) writeFileSync(file, generateMetabase({ sites, seed: 42 }));
  return file;
}

/** Wall-clock milliseconds of one `node args…` process; its output is discarded. */
function timed(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const XML2JS = `const { parseString } = require(${JSON.stringify(path.join(REPO, 'node_modules', 'xml2js'))});
parseString(require('fs').readFileSync(process.argv[1], 'utf8'), (err) => { if (err) { console.error(err.message); process.exit(2); } });`;

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function main(): void {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CLI)) throw new Error('build first: npm run build');
  const out: string[] = [];
  const big = fileOf(10000);
  const runs = quick ? 3 : 7;
  const lint = [CLI, 'lint', big, '--format', 'json'];
  const x2j = ['-e', XML2JS, big];
  timed(lint);
  timed(x2j);
  const lintTimes: number[] = [];
  const x2jTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    lintTimes.push(timed(lint));
    x2jTimes.push(timed(x2j));
  }
  const l = median(lintTimes);
  const x = median(x2jTimes);
  out.push(`### The CLI, each run a new process (10,000-site file, 26 MB; medians of ${runs}, in turns)`, '');
  out.push('| command | wall clock | ÷ xml2js parse |', '|---|---:|---:|');
  out.push(`| \`iis6-metabase lint FILE --format json\` | ${fmt(l)} ms | ${fmt(l / x, 2)} |`);
  out.push(`| \`node -e\` read + xml2js.parseString | ${fmt(x)} ms | 1.00 |`);
  out.push('');
  const sizes = quick ? [1000, 10000] : [1000, 10000, 30000];
  out.push(`| processes | ${sizes.map((n) => `${fmt(n)} sites`).join(' | ')} | growth 1,000 → 10,000 (×10.1 the file) |${quick ? '' : ' growth 10,000 → 30,000 (×3.0 the file) |'}`, `|---|${sizes.map(() => '---:|').join('')}---:|${quick ? '' : '---:|'}`);
  for (const format of ['text', 'json']) {
    const t = sizes.map((sites) => median(Array.from({ length: quick ? 1 : 3 }, () => timed([CLI, 'processes', fileOf(sites), '--format', format]))));
    out.push(`| \`--format ${format}\` | ${t.map((x) => `${fmt(x)} ms`).join(' | ')} | ×${fmt(t[1] / t[0], 1)} |${quick ? '' : ` ×${fmt(t[2] / t[1], 1)} |`}`);
  }
  const table = out.join('\n');
  console.log(table);
  writeFileSync(path.join(OUT, 'cli.md'), table + '\n');
}

main();
