/**
 * The fuzzing engine: fast-check generates mutants of the seed files (mutations.ts); each mutant
 * goes through every call of the language service (oracle.ts); each new kind of failure is
 * reduced to a small input (reduce.ts).
 *
 *   const stats = runFuzz({ seed: 1, iterations: 500, timeBudgetMs: 30_000 });
 *
 * A mutant is replayed from the seed and its run index (fast-check's `path`): see replayMutant().
 */
import fc from 'fast-check';
import type { Diagnostic, Position } from 'vscode-languageserver-types';
import { getMetabaseLanguageService, type MetabaseLanguageService } from '../../server/src/languageService';
import { loadCorpus, type CorpusOptions, type Seed } from './corpus';
import { applyMutant, describeMutant, diffChange, mutantArbitrary, type Mutant, type RunOptions } from './mutations';
import { DEFAULT_TIMING, Oracle, Recorder, TextShape, type CallStats, type Failure, type ReproInput, type SlowCall, type TimingOptions } from './oracle';
import { reduce } from './reduce';
import { mulberry32 } from '../../bench/gen-metabase';

export interface FuzzOptions {
  seed?: number;
  /** Mutants to try at most (default: unlimited, until the time budget). */
  iterations?: number;
  /** Stop generating after this long (default 60 s). Reduction of failures comes on top. */
  timeBudgetMs?: number;
  corpus?: CorpusOptions;
  /** Longest run of one repeated unit inserted (default 60,000 characters). */
  maxRun?: number;
  timing?: Partial<TimingOptions>;
  /** Quick fixes applied and re-validated per mutant (default 6). */
  maxFixApplications?: number;
  /** Random cursor positions per mutant, on top of those near the damage (default 20). */
  randomPositions?: number;
  /** Reduce each new failure to a small input (default true); time per failure (default 20 s). */
  reduce?: boolean;
  reduceBudgetMs?: number;
  /** Progress lines (every progressEveryMs, default 30 s). */
  log?: (line: string) => void;
  progressEveryMs?: number;
}

export interface FailureReport {
  signature: string;
  kind: Failure['kind'];
  call: string;
  where: string;
  message: string;
  /** How many times this signature was seen. */
  count: number;
  /** The first mutant that showed it: seed file and mutation. */
  mutant: string;
  /** Replay: runFuzz's seed and the run index (fast-check path). */
  replay: { seed: number; path: string };
  /** The reduced input (the original one when not reduced). */
  minimal: ReproInput;
  /** Size of the minimal input's text (characters). */
  minimalSize: number;
  originalSize: number;
  reduced: boolean;
  reduceRuns: number;
  stack?: string;
}

export interface FuzzStats {
  seed: number;
  mutants: number;
  calls: number;
  elapsedMs: number;
  interrupted: boolean;
  corpus: Array<{ name: string; size: number; mutants: number }>;
  /** Largest mutant text (characters). */
  maxSize: number;
  byCall: Record<string, CallStats>;
  slowest: SlowCall[];
  failures: FailureReport[];
  fixesApplied: number;
  /** Applied quick fixes after which the same diagnostic was still reported (not a failure). */
  fixesNotResolving: number;
  fixNotResolvingExamples: string[];
  /** Observations that are not failures (see Oracle.advise). */
  advisories: Array<{ what: string; count: number; example: string }>;
}

const RENAME_NAMES = ['FuzzPool', 'Fuzz Pool 2', 'a"b<c&d\'e>', 'ÄÖÜ-Pool', 'DefaultAppPool', 'x'.repeat(300), ' padded ', '\uFFFD\uD800'];

function pickSeed(seeds: Seed[], pick: number): number {
  const total = seeds.reduce((s, x) => s + x.weight, 0);
  let r = ((pick % 1_000_003) / 1_000_003) * total;
  for (let i = 0; i < seeds.length; i++) {
    r -= seeds[i].weight;
    if (r < 0) return i;
  }
  return seeds.length - 1;
}

/** Cursor positions: random ones, both sides of every `<`, `"`, `=` near the damage, the ends, and some outside the text. */
export function choosePositions(shape: TextShape, damage: [number, number], rnd: () => number, random: number): Position[] {
  const text = shape.text;
  const n = text.length;
  const offsets = new Set<number>([0, n, damage[0], damage[1]]);
  for (let i = 0; i < random; i++) offsets.add(Math.floor(rnd() * (n + 1)));
  const near: number[] = [];
  for (let i = Math.max(0, damage[0] - 150); i < Math.min(n, damage[1] + 150); i++) {
    const c = text.charCodeAt(i);
    if (c === 60 || c === 34 || c === 61) near.push(i, i + 1);
  }
  const cap = 40;
  for (let k = 0; k < Math.min(cap, near.length); k++) offsets.add(near[Math.floor((k * near.length) / Math.min(cap, near.length))]);
  // Never between \r and \n: no LSP position is there (clients never send one).
  const inCrlf = (o: number) => o > 0 && text.charCodeAt(o - 1) === 13 && text.charCodeAt(o) === 10;
  const positions = [...new Set([...offsets].map((o) => (inCrlf(o) ? o - 1 : o)))].sort((a, b) => a - b).map((o) => shape.positionAt(o));
  const last = shape.lineCount - 1;
  positions.push({ line: shape.lineCount, character: 0 }, { line: shape.lineCount + 3, character: 7 }, { line: 0, character: shape.lineLength(0) + 5 }, { line: last, character: shape.lineLength(last) + 10 });
  return positions;
}

/** Re-runs the checks of one input's family (for reduction and for regression tests). */
export function runInput(input: ReproInput, ls: MetabaseLanguageService = getMetabaseLanguageService(), timing: TimingOptions = DEFAULT_TIMING): Failure[] {
  const failures: Failure[] = [];
  const sink = (f: Failure) => failures.push(f);
  const oracle = new Oracle(ls, new Recorder(timing), { maxFixApplications: 50 });
  switch (input.family) {
    case 'document':
      oracle.document(input.text, sink);
      break;
    case 'position': {
      const shape = new TextShape(input.text);
      const doc = oracle.fresh(input.text);
      oracle.position(doc, shape, input.raw ?? shape.positionAt(input.offset), 'FuzzPool', sink);
      break;
    }
    case 'rename': {
      const shape = new TextShape(input.text);
      oracle.rename(oracle.fresh(input.text), shape, shape.positionAt(input.offset), input.newName, sink);
      break;
    }
    case 'codeActions': {
      const doc = ls.parse('file:///fuzz/MetaBase.xml', 1, input.text);
      const diagnostics = ls.doValidation(doc);
      const shape = new TextShape(input.text);
      const list = input.stale ?? diagnostics.filter((d) => input.code === undefined || String(d.code) === input.code);
      oracle.codeActions(doc, shape, input.stale ? [] : list, sink, () => 0, undefined, input.stale, input.code);
      break;
    }
    case 'incremental':
      oracle.incremental(input.base, input.changes, input.mode, sink);
      break;
  }
  return failures;
}

function inputSize(input: ReproInput): number {
  return input.family === 'incremental' ? input.base.length + input.changes.reduce((s, c) => s + c.text.length, 0) : input.text.length;
}

/** The mutant of run `index` of a runFuzz with this seed and these options. */
export function replayMutant(seed: number, index: number, options: Pick<FuzzOptions, 'maxRun'> = {}): Mutant {
  let captured: Mutant | undefined;
  fc.check(
    fc.property(mutantArbitrary({ maxRun: options.maxRun ?? 60000 }), (m) => {
      captured = m;
      return true;
    }),
    { seed, path: String(index), numRuns: 1 },
  );
  if (!captured) throw new Error('replay produced no mutant');
  return captured;
}

export function runFuzz(options: FuzzOptions = {}): FuzzStats {
  const seed = options.seed ?? 1;
  const timeBudgetMs = options.timeBudgetMs ?? 60_000;
  const runOptions: RunOptions = { maxRun: options.maxRun ?? 60000 };
  const timing: TimingOptions = { ...DEFAULT_TIMING, ...options.timing };
  const log = options.log ?? (() => undefined);
  const ls = getMetabaseLanguageService();
  const rec = new Recorder(timing);
  const oracle = new Oracle(ls, rec, { maxFixApplications: options.maxFixApplications ?? 6 });
  const seeds = loadCorpus(options.corpus);
  const perSeed = seeds.map(() => 0);
  const seedDiagnostics = new Map<number, Diagnostic[]>();
  const failures = new Map<string, { failure: Failure; report: FailureReport }>();
  const started = performance.now();
  let lastProgress = started;
  let mutants = 0;
  let maxSize = 0;

  const runMutant = (m: Mutant, index: number): void => {
    const si = pickSeed(seeds, m.seedPick);
    const s = seeds[si];
    perSeed[si]++;
    mutants++;
    const description = `${s.name} ${describeMutant(m)} (${m.changeMode})`;
    rec.mutant = `#${index} ${s.name}`;
    const sink = (f: Failure): void => {
      const seen = failures.get(f.signature);
      if (seen) {
        seen.report.count++;
        return;
      }
      const report: FailureReport = {
        signature: f.signature,
        kind: f.kind,
        call: f.call,
        where: f.where,
        message: f.message,
        count: 1,
        mutant: description,
        replay: { seed, path: String(index) },
        minimal: f.input,
        minimalSize: inputSize(f.input),
        originalSize: inputSize(f.input),
        reduced: false,
        reduceRuns: 0,
        stack: f.stack,
      };
      failures.set(f.signature, { failure: f, report });
      log(`  new failure: ${f.signature}  [${description.slice(0, 160)}]`);
    };
    try {
      const applied = applyMutant(s.text, m);
      const text = applied.text;
      maxSize = Math.max(maxSize, text.length);
      const rnd = mulberry32(m.rng);
      const d = diffChange(s.text, text);
      const damage: [number, number] = [d.start, d.start + d.text.length];
      const res = oracle.document(text, sink);
      if (res) {
        const shape = new TextShape(text);
        const renameTo = RENAME_NAMES[Math.floor(rnd() * RENAME_NAMES.length)];
        for (const p of choosePositions(shape, damage, rnd, options.randomPositions ?? 20)) oracle.position(res.doc, shape, p, renameTo, sink);
        const near = (x: Diagnostic): boolean => {
          const o = shape.clampOffset(x.range.start);
          return o >= damage[0] - 200 && o <= damage[1] + 200;
        };
        oracle.codeActions(res.doc, shape, res.diagnostics, sink, (k) => Math.floor(rnd() * k), near);
        if (rnd() < 0.25) {
          // Diagnostics of the seed sent with the mutant (a client's stale diagnostics).
          let stale = seedDiagnostics.get(si);
          if (!stale) seedDiagnostics.set(si, (stale = ls.doValidation(ls.parse('file:///fuzz/MetaBase.xml', 1, s.text))));
          if (stale.length > 0) oracle.codeActions(res.doc, shape, [], sink, (k) => Math.floor(rnd() * k), undefined, stale.slice(0, 200));
        }
      }
      oracle.incremental(s.text, applied.changes, m.changeMode, sink);
      oracle.settle(sink);
    } catch (err) {
      // A bug of the fuzzer itself: reported like a failure so it is not lost.
      sink({ kind: 'exception', call: 'fuzzer', where: '', message: String(err), signature: `fuzzer|${String(err)}`, input: { family: 'document', text: '' }, stack: err instanceof Error ? err.stack : undefined });
    }
    const now = performance.now();
    if (now - lastProgress > (options.progressEveryMs ?? 30_000)) {
      lastProgress = now;
      log(`  ${((now - started) / 1000).toFixed(0)} s: ${mutants} mutants, ${rec.calls} calls, ${failures.size} failure kinds`);
    }
  };

  let index = 0;
  const result = fc.check(
    fc.property(mutantArbitrary(runOptions), (m) => {
      runMutant(m, index++);
      return true;
    }),
    { seed, numRuns: options.iterations ?? 2 ** 30, interruptAfterTimeLimit: timeBudgetMs },
  );
  const elapsedMs = performance.now() - started;

  if (options.reduce ?? true) {
    for (const { failure, report } of failures.values()) {
      if (failure.kind === 'slow' || failure.call === 'fuzzer') continue;
      log(`  reducing ${report.signature} (${report.originalSize} characters)`);
      const r = reduce(failure, (input) => runInput(input, ls, timing), options.reduceBudgetMs ?? 20_000);
      report.minimal = r.input;
      report.minimalSize = inputSize(r.input);
      report.reduced = r.complete;
      report.reduceRuns = r.runs;
      log(`    -> ${report.minimalSize} characters${r.complete ? '' : ' (budget spent)'}`);
    }
  }

  return {
    seed,
    mutants,
    calls: rec.calls,
    elapsedMs,
    interrupted: result.interrupted,
    corpus: seeds.map((s, i) => ({ name: s.name, size: s.text.length, mutants: perSeed[i] })),
    maxSize,
    byCall: Object.fromEntries([...rec.byCall].sort((a, b) => b[1].maxMs - a[1].maxMs)),
    slowest: rec.slowest,
    failures: [...failures.values()].map((f) => f.report),
    fixesApplied: oracle.fixesApplied,
    fixesNotResolving: oracle.fixesNotResolving,
    fixNotResolvingExamples: oracle.fixNotResolvingExamples,
    advisories: [...oracle.advisories].map(([what, a]) => ({ what, ...a })),
  };
}

/** A human-readable summary of a run. */
export function formatStats(stats: FuzzStats): string {
  const lines: string[] = [];
  lines.push(`seed ${stats.seed}: ${stats.mutants} mutants, ${stats.calls} calls in ${(stats.elapsedMs / 1000).toFixed(1)} s; largest mutant ${stats.maxSize} characters; ${stats.failures.length} failure kind(s)`);
  lines.push(`quick fixes applied and re-validated: ${stats.fixesApplied} (${stats.fixesNotResolving} left their diagnostic in place)`);
  for (const a of stats.advisories) lines.push(`note (not a failure) x${a.count}: ${a.what}; e.g. ${a.example.slice(0, 120)}`);
  for (const e of stats.fixNotResolvingExamples) lines.push(`  fix left its diagnostic: ${e}`);
  lines.push('slowest call per function (ms, text size; highest µs/char on texts >= 1000 chars):');
  for (const [name, s] of Object.entries(stats.byCall)) {
    lines.push(`  ${name.padEnd(34)} ${String(s.calls).padStart(8)} calls  max ${s.maxMs.toFixed(1).padStart(8)} ms at ${String(s.maxMsSize).padStart(7)} chars  avg ${(s.totalMs / s.calls).toFixed(3)} ms  max ${s.maxUsPerChar.toFixed(2)} µs/char at ${s.maxUsPerCharSize}`);
  }
  lines.push('slowest calls:');
  for (const s of stats.slowest.slice(0, 10)) lines.push(`  ${s.ms.toFixed(1).padStart(8)} ms  ${s.call} on ${s.size} chars (${s.mutant})`);
  for (const f of stats.failures) {
    lines.push(`FAILURE x${f.count}: ${f.signature}`);
    lines.push(`  ${f.call} ${f.where}: ${f.message}`);
    lines.push(`  first seen: ${f.mutant.slice(0, 300)} (replay seed ${f.replay.seed} path ${f.replay.path})`);
    lines.push(`  minimal input (${f.minimalSize} chars${f.reduced ? '' : ', not fully reduced'}): ${JSON.stringify(f.minimal).slice(0, 600)}`);
  }
  return lines.join('\n');
}
