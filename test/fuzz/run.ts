/**
 * Command line of the fuzzer (npm run fuzz):
 *
 *   node --import tsx test/fuzz/run.ts [--seed N] [--iterations N] [--minutes M] [--out DIR]
 *                                      [--no-schema] [--no-reduce] [--json]
 *
 * Defaults: a random seed (printed), 10 minutes. Each failure's minimal input is written to
 * DIR (default test-results/fuzz) as <n>.json (the report) and, for text inputs, <n>.xml.
 * Exit status 1 when a failure was found.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatStats, runFuzz } from './fuzzer';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = arg('--seed') !== undefined ? Number(arg('--seed')) : Math.floor(Math.random() * 2 ** 31);
const iterations = arg('--iterations') !== undefined ? Number(arg('--iterations')) : undefined;
const minutes = arg('--minutes') !== undefined ? Number(arg('--minutes')) : iterations !== undefined ? 24 * 60 : 10;
const out = path.resolve(arg('--out') ?? path.join(__dirname, '..', '..', 'test-results', 'fuzz'));
if (!Number.isInteger(seed) || (iterations !== undefined && !(iterations > 0)) || !(minutes > 0)) {
  console.error('usage: run.ts [--seed N] [--iterations N] [--minutes M] [--out DIR] [--no-schema] [--no-reduce] [--json]');
  process.exit(2);
}

console.log(`fuzzing with seed ${seed} for ${iterations ?? 'unlimited'} mutants / ${minutes} minute(s)`);
const stats = runFuzz({
  seed,
  iterations,
  timeBudgetMs: minutes * 60_000,
  corpus: { includeSchema: !process.argv.includes('--no-schema') },
  reduce: !process.argv.includes('--no-reduce'),
  log: (line) => console.log(line),
});
console.log(formatStats(stats));
if (process.argv.includes('--json')) console.log(JSON.stringify({ ...stats, failures: stats.failures.map((f) => ({ ...f, minimal: undefined })) }, null, 2));
if (stats.failures.length > 0) {
  mkdirSync(out, { recursive: true });
  stats.failures.forEach((f, i) => {
    writeFileSync(path.join(out, `${seed}-${i}.json`), JSON.stringify(f, null, 2));
    const text = f.minimal.family === 'incremental' ? f.minimal.base : f.minimal.text;
    writeFileSync(path.join(out, `${seed}-${i}.xml`), text);
  });
  console.log(`minimal inputs written to ${out}`);
  process.exitCode = 1;
}
