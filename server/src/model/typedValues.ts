/** Parsing and checking of typed property values as IIS writes them in MetaBase.xml. */
import { detach } from '../util/detach';
import type { PropertyData } from '../schema/types';

export const DWORD_MAX = 4294967295;

export type ValueCheck =
  | { ok: true; number?: number }
  | { ok: false; problem: 'not-a-number' | 'not-a-bool' | 'unknown-flag' | 'too-large'; detail?: string; suggestion?: string };

/** A DWORD written as decimal text. */
export function parseDword(value: string): number | undefined {
  // Digits only, the common case, without trim and a regular expression (every DWORD of a file).
  const len = value.length;
  if (len > 0 && len <= 10) {
    let n = 0;
    let i = 0;
    for (; i < len; i++) {
      const c = value.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    if (i === len) return n;
  }
  const v = value.trim();
  if (!/^\d{1,10}$/.test(v)) return undefined;
  return Number(v);
}

/**
 * A flags value: decimal, or flag names joined with '|' (IIS writes ` | `). Names compare
 * case-insensitively (the reference pages print them in lower case). Returns the combined value
 * and the names that are not flags of this property.
 */
const flagMaps = new WeakMap<PropertyData, Map<string, number>>();

/** Lower-case flag name -> value, built once per property. */
function flagMap(p: PropertyData): Map<string, number> {
  let map = flagMaps.get(p);
  if (!map) {
    map = new Map((p.flags ?? []).map((f) => [f.name.toLowerCase(), f.value]));
    flagMaps.set(p, map);
  }
  return map;
}

/**
 * Memoised per property and raw value: a metabase repeats the same few values on thousands of
 * keys (AccessFlags="AccessRead | AccessScript"), so each distinct one is parsed once. Results are
 * shared, hence read-only. A property's table is dropped when it grows past 1,024 values.
 * The table outlives every document, so its keys, and the results worked out from them, are
 * copies (util/detach.ts): a slice of the text would keep that version of the document alive.
 */
function memoPerProperty<T>(compute: (raw: string, p: PropertyData) => T): (raw: string, p: PropertyData) => T {
  const tables = new WeakMap<PropertyData, Map<string, T>>();
  return (raw, p) => {
    let table = tables.get(p);
    if (!table) tables.set(p, (table = new Map()));
    let result = table.get(raw);
    if (result === undefined) {
      if (table.size >= 1024) table.clear();
      const own = detach(raw);
      result = compute(own, p);
      table.set(own, result);
    }
    return result;
  };
}

export interface ParsedFlags {
  readonly value: number;
  readonly unknown: readonly string[];
}

export const parseFlags: (value: string, p: PropertyData) => ParsedFlags = memoPerProperty(computeFlags);

function computeFlags(value: string, p: PropertyData): ParsedFlags {
  const numeric = parseDword(value);
  if (numeric !== undefined) return { value: numeric, unknown: [] };
  const map = flagMap(p);
  let total = 0;
  const unknown: string[] = [];
  for (const part of value.split('|')) {
    const name = part.trim();
    if (name === '') continue;
    const flag = map.get(name.toLowerCase());
    if (flag !== undefined) total |= flag;
    else if (/^\d+$/.test(name)) total |= Number(name);
    else unknown.push(name);
  }
  return { value: total >>> 0, unknown };
}

const BOOL_WORDS = ['TRUE', 'FALSE'];

const checkMemo = memoPerProperty((raw: string, p: PropertyData) => computeCheck(p, raw));

/** Checks a raw value against its property's type (memoised: see memoPerProperty). */
export function checkValue(p: PropertyData, raw: string): ValueCheck {
  return checkMemo(raw, p);
}

function computeCheck(p: PropertyData, raw: string): ValueCheck {
  switch (p.type) {
    case 'DWORD': {
      if (p.flags && p.flags.length > 0) {
        const { value, unknown } = parseFlags(raw, p);
        if (unknown.length > 0) return { ok: false, problem: 'unknown-flag', detail: unknown.join(', ') };
        if (raw.trim() === '') return { ok: false, problem: 'not-a-number' };
        return { ok: true, number: value };
      }
      const n = parseDword(raw);
      if (n === undefined) return { ok: false, problem: 'not-a-number' };
      if (n > DWORD_MAX) return { ok: false, problem: 'too-large' };
      return { ok: true, number: n };
    }
    case 'BOOL': {
      const v = raw.trim().toUpperCase();
      if (v === 'TRUE' || v === '1') return { ok: true, number: 1 };
      if (v === 'FALSE' || v === '0') return { ok: true, number: 0 };
      return { ok: false, problem: 'not-a-bool', suggestion: nearestBool(raw) };
    }
    default:
      return { ok: true };
  }
}

/** The boolean a misspelling most likely meant (yes/on/ture -> TRUE, no/off/flase -> FALSE). */
export function nearestBool(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (['yes', 'y', 'on', 'enabled', 'enable', '-1'].includes(v)) return 'TRUE';
  if (['no', 'n', 'off', 'disabled', 'disable', ''].includes(v)) return 'FALSE';
  let best = 'TRUE';
  let bestScore = -1;
  for (const w of BOOL_WORDS) {
    const letters = new Set(w.toLowerCase());
    let score = 0;
    for (const ch of v) if (letters.has(ch)) score++;
    score -= Math.abs(w.length - v.length) * 0.5;
    if (score > bestScore) {
      best = w;
      bestScore = score;
    }
  }
  return best;
}
