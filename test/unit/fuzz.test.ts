/**
 * The mutation fuzzer (test/fuzz) in `npm test`: a fixed seed and a fixed number of mutants of the
 * real-world files, the misconfiguration fixtures and the example, each run through every call of
 * the language service (see test/fuzz/oracle.ts for what is checked). `npm run fuzz` runs it for
 * longer with a random seed.
 *
 * Every failure the fuzzer ever found is kept as a reduced input in test/fixtures/fuzz/*.json and
 * re-checked here on its own.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FUZZ_FIXTURES } from '../fuzz/corpus';
import { formatStats, runFuzz, runInput } from '../fuzz/fuzzer';
import { DEFAULT_TIMING, type ReproInput } from '../fuzz/oracle';

/** Time bounds of the oracle, loosened for a shared CI machine: they catch hangs and blow-ups, not noise. */
const TIMING = { ...DEFAULT_TIMING, minMs: 250 };

interface Regression {
  /** What the fuzzer found, in words. */
  found: string;
  input: ReproInput;
}

const regressions = readdirSync(FUZZ_FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(path.join(FUZZ_FIXTURES, f), 'utf8')) as Regression) }));

describe('failures the fuzzer found stay fixed', () => {
  test('there are regression inputs', () => assert.ok(regressions.length > 0));
  for (const r of regressions) {
    test(`${r.file}: ${r.found}`, () => {
      const failures = runInput(r.input, undefined, TIMING);
      assert.deepEqual(failures.map((f) => `${f.call} ${f.where}: ${f.message}`), []);
    });
  }
});

describe('seeded mutation fuzzing', () => {
  test('300 mutants of the real files: no exception, every range in the document, every fix applies cleanly', (t) => {
    const stats = runFuzz({
      seed: 20261122,
      iterations: 300,
      timeBudgetMs: 240_000,
      corpus: { includeSchema: false },
      reduce: true,
      reduceBudgetMs: 10_000,
      timing: TIMING,
    });
    t.diagnostic(`${stats.mutants} mutants, ${stats.calls} calls, ${stats.fixesApplied} quick fixes applied, largest mutant ${stats.maxSize} characters, ${(stats.elapsedMs / 1000).toFixed(1)} s`);
    assert.ok(stats.mutants > 0 && stats.calls > stats.mutants);
    assert.deepEqual(stats.failures.map((f) => f.signature), [], formatStats(stats));
  });
});
