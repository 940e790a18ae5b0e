/**
 * The text of a document after edits, kept as pieces of the strings it was made from instead of
 * one new string per edit.
 *
 * `before.slice(0, start) + inserted + before.slice(end)` is cheap in V8 until the first read:
 * then the whole new text is copied into a fresh string. At 26 MB that copy costs 13–15 ms per
 * keystroke (most of it the operating system handing out fresh pages), and every keystroke leaves
 * a 26 MB string behind for the garbage collector. A PieceText instead points into the previous
 * version's string (and the few small strings typed since), so an edit costs a few small arrays
 * and reads cost a binary search over the pieces.
 *
 * Everything on the way from a change to its diagnostics reads through TextSource (a string is
 * one too). Code that wants a real string asks MetabaseDocument.text, which joins the pieces once
 * per version (`toString`); after too many pieces the next edit does the same.
 */

/** What reading the text needs: a string, or a PieceText. */
export interface TextSource {
  readonly length: number;
  charCodeAt(index: number): number;
  /** As String.prototype.slice (start and end clamped to the text). */
  slice(start: number, end?: number): string;
  startsWith(search: string, position: number): boolean;
}

/** Pieces before an edit joins them into one string again. */
export const MAX_PIECES = 256;

/** Neighbouring pieces that add up to no more than this are made one string (typing a word makes one piece). */
const SMALL = 4096;

let onJoin: ((chars: number) => void) | undefined;

/**
 * Called with the length of every string made by joining pieces (the server counts it as garbage
 * to come: the string the pieces pointed into is dropped once no version uses it).
 */
export function setJoinListener(listener: ((chars: number) => void) | undefined): void {
  onJoin = listener;
}

/** Index of the first `code` at or after `from` (-1 when there is none), without joining pieces. */
export function indexOfCode(text: TextSource, code: number, from = 0): number {
  if (typeof text === 'string') return text.indexOf(String.fromCharCode(code), from);
  for (let i = Math.max(0, from); i < text.length; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

/** Index of the last `code` at or before `from` (-1 when there is none), without joining pieces. */
export function lastIndexOfCode(text: TextSource, code: number, from: number): number {
  if (typeof text === 'string') return text.lastIndexOf(String.fromCharCode(code), from);
  for (let i = Math.min(from, text.length - 1); i >= 0; i--) if (text.charCodeAt(i) === code) return i;
  return -1;
}

/**
 * Does `search` occur in `text` at `position`? For long strings much faster than startsWith, which
 * V8 compares character by character: a slice is a view (no copy) and === compares memory (3 KB
 * ScriptMaps compared 2,628 times: 25 ms with startsWith, under 2 ms this way).
 */
export function occursAt(text: TextSource, search: string, position: number): boolean {
  if (typeof text !== 'string' || search.length < 64) return text.startsWith(search, position);
  return position >= 0 && text.slice(position, position + search.length) === search;
}

/** The text as one string (joins the pieces of a PieceText, once). */
export function textOf(source: TextSource): string {
  return typeof source === 'string' ? source : source.toString();
}

export class PieceText implements TextSource {
  private joined: string | undefined;
  /** Index of the piece found last (reads come in runs). */
  private last = 0;

  private constructor(
    /** For each piece: the string it is read from, and the range read. */
    private readonly sources: readonly string[],
    private readonly froms: readonly number[],
    /** Offset of each piece in this text, plus the length at the end. */
    private readonly starts: readonly number[],
  ) {}

  get length(): number {
    return this.starts[this.starts.length - 1];
  }

  get pieceCount(): number {
    return this.sources.length;
  }

  /**
   * `before` with [start, end) replaced by `inserted`. Returns a plain string when the result is
   * no longer than `smallText` (copying it is cheaper than pieces) or when the pieces would be
   * more than MAX_PIECES (joined then).
   */
  static edit(before: TextSource, start: number, end: number, inserted: string, smallText = 1 << 16): TextSource {
    const length = before.length;
    start = Math.max(0, Math.min(start, length));
    end = Math.max(start, Math.min(end, length));
    if (length + inserted.length - (end - start) <= smallText) return join(textOf(before).slice(0, start), inserted, textOf(before).slice(end));
    let sources: string[];
    let froms: number[];
    let starts: number[];
    if (!(before instanceof PieceText) || before.joined !== undefined) {
      sources = [textOf(before)];
      froms = [0];
      starts = [0, length];
    } else {
      sources = before.sources as string[];
      froms = before.froms as number[];
      starts = before.starts as number[];
    }
    const outSources: string[] = [];
    const outFroms: number[] = [];
    const outLengths: number[] = [];
    const add = (source: string, from: number, to: number): void => {
      const len = to - from;
      if (len <= 0) return;
      const n = outSources.length;
      // Two short neighbours (what was typed just before, say) become one short string: typing
      // a word makes one piece, not one per character.
      if (n > 0 && outLengths[n - 1] + len <= SMALL) {
        outSources[n - 1] = join(outSources[n - 1].slice(outFroms[n - 1], outFroms[n - 1] + outLengths[n - 1]), source.slice(from, to));
        outFroms[n - 1] = 0;
        outLengths[n - 1] += len;
        return;
      }
      outSources.push(source);
      outFroms.push(from);
      outLengths.push(len);
    };
    const n = sources.length;
    // Pieces before the edit, the one holding `start` cut there.
    let i = 0;
    for (; i < n && starts[i + 1] <= start; i++) add(sources[i], froms[i], froms[i] + starts[i + 1] - starts[i]);
    if (i < n && starts[i] < start) add(sources[i], froms[i], froms[i] + start - starts[i]);
    add(inserted, 0, inserted.length);
    // Pieces after the edit, the one holding `end` cut there.
    let j = i;
    while (j < n && starts[j + 1] <= end) j++;
    if (j < n) {
      add(sources[j], froms[j] + (end - starts[j]), froms[j] + starts[j + 1] - starts[j]);
      for (let k = j + 1; k < n; k++) add(sources[k], froms[k], froms[k] + starts[k + 1] - starts[k]);
    }
    const outStarts: number[] = [0];
    for (const len of outLengths) outStarts.push(outStarts[outStarts.length - 1] + len);
    if (outSources.length === 0) return '';
    if (outSources.length === 1 && outFroms[0] === 0 && outSources[0].length === outLengths[0]) return outSources[0];
    const text = new PieceText(outSources, outFroms, outStarts);
    return outSources.length > MAX_PIECES ? text.toString() : text;
  }

  /** Index of the piece holding `offset` (0 <= offset < length). */
  private find(offset: number): number {
    const starts = this.starts;
    const last = this.last;
    if (starts[last] <= offset && offset < starts[last + 1]) return last;
    let lo = 0;
    let hi = this.sources.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }

  charCodeAt(index: number): number {
    if (this.joined !== undefined) return this.joined.charCodeAt(index);
    if (!(index >= 0 && index < this.length)) return NaN;
    const i = this.find(Math.floor(index));
    return this.sources[i].charCodeAt(this.froms[i] + Math.floor(index) - this.starts[i]);
  }

  slice(start: number, end?: number): string {
    if (this.joined !== undefined) return this.joined.slice(start, end);
    const length = this.length;
    let a = Math.trunc(start) || 0;
    let b = end === undefined ? length : Math.trunc(end) || 0;
    if (a < 0) a = Math.max(0, length + a);
    if (b < 0) b = Math.max(0, length + b);
    a = Math.min(a, length);
    b = Math.min(b, length);
    if (a >= b) return '';
    let i = this.find(a);
    const starts = this.starts;
    if (b <= starts[i + 1]) return this.sources[i].slice(this.froms[i] + a - starts[i], this.froms[i] + b - starts[i]);
    let out = '';
    for (let at = a; at < b; i++) {
      const to = Math.min(b, starts[i + 1]);
      out += this.sources[i].slice(this.froms[i] + at - starts[i], this.froms[i] + to - starts[i]);
      at = to;
    }
    return out;
  }

  startsWith(search: string, position: number): boolean {
    if (this.joined !== undefined) return this.joined.startsWith(search, position);
    const at = Math.max(0, Math.min(Math.trunc(position) || 0, this.length));
    if (at + search.length > this.length) return false;
    if (search.length === 0) return true;
    const i = this.find(at);
    if (at + search.length <= this.starts[i + 1]) return occursAt(this.sources[i], search, this.froms[i] + at - this.starts[i]);
    return this.slice(at, at + search.length) === search;
  }

  /** The whole text as one string, joined on the first call. */
  toString(): string {
    if (this.joined === undefined) {
      const parts: string[] = [];
      for (let i = 0; i < this.sources.length; i++) parts.push(this.sources[i].slice(this.froms[i], this.froms[i] + this.starts[i + 1] - this.starts[i]));
      const joined = parts.join('');
      joined.charCodeAt(0); // flat now, not at some later read
      this.joined = joined;
      onJoin?.(joined.length);
    }
    return this.joined;
  }
}

/** Concatenation made flat at once (a chain of small concatenations would be flattened again and again). */
function join(...parts: string[]): string {
  const s = parts.join('');
  s.charCodeAt(0);
  return s;
}
