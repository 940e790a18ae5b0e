/**
 * Reduces a failing input to a small one that fails the same way (same signature): delta
 * debugging (ddmin) over whole lines first, then over characters, on each text of the input in
 * turn, until nothing more can be removed or the time budget is spent. The cursor of a position
 * input and the edited region of an incremental input move with the removals.
 */
import { makeFailure, type Failure, type ReproInput } from './oracle';
import type { OffsetChange } from './mutations';

/** Re-runs the checks of an input's family and returns the failures. */
export type Runner = (input: ReproInput) => Failure[];

interface Field {
  get(s: ReproInput): string;
  /** The input with [start, end) of this field removed, or undefined when that is not allowed. */
  cut(s: ReproInput, start: number, end: number): ReproInput | undefined;
}

const removed = (t: string, a: number, b: number) => t.slice(0, a) + t.slice(b);
/** Where `offset` moves when [a, b) is removed. */
const shift = (offset: number, a: number, b: number) => (offset >= b ? offset - (b - a) : offset > a ? a : offset);

function fieldsOf(input: ReproInput): Field[] {
  switch (input.family) {
    case 'document':
    case 'codeActions':
      return [{ get: (s) => (s as { text: string }).text, cut: (s, a, b) => ({ ...(s as typeof input), text: removed((s as typeof input).text, a, b) }) }];
    case 'position':
    case 'rename':
      return [
        {
          get: (s) => (s as typeof input).text,
          cut: (s, a, b) => {
            const x = s as typeof input;
            return { ...x, text: removed(x.text, a, b), offset: shift(x.offset, a, b) };
          },
        },
      ];
    case 'incremental': {
      // Only a single change is reduced (the others are kept as they are).
      if (input.changes.length !== 1) return [];
      const one = (s: ReproInput) => (s as typeof input).changes[0];
      const withChange = (s: ReproInput, base: string, c: OffsetChange): ReproInput => ({ ...(s as typeof input), base, changes: [c] });
      return [
        {
          get: (s) => (s as typeof input).base,
          cut: (s, a, b) => {
            const c = one(s);
            return withChange(s, removed((s as typeof input).base, a, b), { start: shift(c.start, a, b), end: shift(c.end, a, b), text: c.text });
          },
        },
        {
          get: (s) => one(s).text,
          cut: (s, a, b) => {
            const c = one(s);
            return withChange(s, (s as typeof input).base, { ...c, text: removed(c.text, a, b) });
          },
        },
      ];
    }
  }
}

export interface ReduceResult {
  input: ReproInput;
  runs: number;
  /** False when the budget ran out before the input was 1-minimal. */
  complete: boolean;
}

export function reduce(failure: Failure, run: Runner, budgetMs: number): ReduceResult {
  const deadline = performance.now() + budgetMs;
  let runs = 0;
  const holds = (s: ReproInput): boolean => {
    runs++;
    try {
      return run(s).some((f) => f.signature === failure.signature);
    } catch (err) {
      // The runner itself threw: count it as the same failure only if it is one.
      return makeFailure('exception', failure.call, '', err instanceof Error ? err.message : String(err), s, err).signature === failure.signature;
    }
  };
  let current = failure.input;
  if (!holds(current)) return { input: current, runs, complete: false };
  let complete = true;
  const fields = fieldsOf(current);
  for (let pass = 0, progress = true; progress && pass < 8; pass++) {
    progress = false;
    for (const field of fields) {
      for (const unit of ['line', 'char'] as const) {
        const r = ddmin(current, field, unit, holds, deadline);
        if (r.changed) progress = true;
        current = r.input;
        if (r.outOfTime) return { input: current, runs, complete: false };
      }
    }
    complete = !progress;
  }
  return { input: current, runs, complete };
}

/** Boundaries of the units (lines with their line break, or characters) of a text. */
function units(text: string, unit: 'line' | 'char'): number[] {
  const cuts = [0];
  if (unit === 'char') for (let i = 1; i <= text.length; i++) cuts.push(i);
  else {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10 || (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) !== 10)) cuts.push(i + 1);
    if (cuts[cuts.length - 1] !== text.length) cuts.push(text.length);
  }
  return cuts;
}

function ddmin(start: ReproInput, field: Field, unit: 'line' | 'char', holds: (s: ReproInput) => boolean, deadline: number): { input: ReproInput; changed: boolean; outOfTime: boolean } {
  let current = start;
  let changed = false;
  let cuts = units(field.get(current), unit);
  let chunk = Math.max(1, 2 ** Math.floor(Math.log2(Math.max(1, (cuts.length - 1) / 2))));
  while (chunk >= 1) {
    // From the end, so the unit boundaries before the cut stay valid after it.
    let i = cuts.length - 1 - chunk;
    let removedAny = false;
    while (i >= 0) {
      if (performance.now() > deadline) return { input: current, changed, outOfTime: true };
      const candidate = field.cut(current, cuts[i], cuts[i + chunk]);
      if (candidate && holds(candidate)) {
        const width = cuts[i + chunk] - cuts[i];
        cuts = [...cuts.slice(0, i + 1), ...cuts.slice(i + chunk + 1).map((c) => c - width)];
        current = candidate;
        changed = true;
        removedAny = true;
      }
      i -= chunk;
    }
    // Leftover units at the start (fewer than a chunk).
    if (!removedAny || chunk === 1) chunk = Math.floor(chunk / 2);
  }
  return { input: current, changed, outOfTime: false };
}
