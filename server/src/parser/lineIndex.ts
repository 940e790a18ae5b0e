/** Offset <-> line/character conversion. Characters are UTF-16 code units, as in LSP. */
import { textOf, type TextSource } from './pieceText';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export class LineIndex {
  private starts: Uint32Array | undefined;

  constructor(
    readonly text: TextSource,
    lineStarts?: Uint32Array,
  ) {
    this.starts = lineStarts ?? computeLineStarts(textOf(text));
  }

  /**
   * Offsets where each line starts. (An index whose array was handed on to the next version by
   * `update` works it out again from its text if it is ever asked.)
   */
  get lineStarts(): Uint32Array {
    return (this.starts ??= computeLineStarts(textOf(this.text)));
  }

  /**
   * The index of `newText`, which is this text with [start, end) replaced by `insertedLength`
   * characters. Whether an offset starts a line depends on the character before it and (for a
   * CR) the one at it, so only the offsets from `start` to the end of the inserted text are looked
   * at again; the line starts after them move by the change in length. The work is the size of
   * the edit, whatever the length of the line it is in (a metabase written on one line is one
   * line of 19 MB).
   */
  update(newText: TextSource, start: number, end: number, insertedLength: number): LineIndex {
    const starts = this.lineStarts;
    const n = starts.length;
    const delta = insertedLength - (end - start);
    // Old line starts in [start, end] go (index 0, the start of the text, always stays)...
    const first = firstAtOrAfter(starts, Math.max(1, start));
    const after = firstAtOrAfter(starts, end + 1);
    // ...and the new ones in [start, start + insertedLength] come.
    const local: number[] = [];
    const to = Math.min(newText.length, start + insertedLength);
    for (let o = Math.max(1, start); o <= to; o++) {
      const c = newText.charCodeAt(o - 1);
      if (c === 10 || (c === 13 && newText.charCodeAt(o) !== 10)) local.push(o);
    }
    if (local.length === after - first) {
      // As many lines as before (typing in a line): the array is updated in place and handed to
      // the new index; a copy per keystroke was 2 MB at 556,000 lines.
      for (let k = 0; k < local.length; k++) starts[first + k] = local[k];
      if (delta !== 0) for (let k = after; k < n; k++) starts[k] += delta;
      this.starts = undefined;
      return new LineIndex(newText, starts);
    }
    const out = new Uint32Array(first + local.length + (n - after));
    out.set(starts.subarray(0, first));
    let o = first;
    for (const s of local) out[o++] = s;
    for (let k = after; k < n; k++) out[o++] = starts[k] + delta;
    return new LineIndex(newText, out);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    let o = Math.max(0, Math.min(offset, this.text.length));
    // No LSP position lies between \r and \n: such an offset means the end of the line.
    if (o > 0 && this.text.charCodeAt(o - 1) === 13 && this.text.charCodeAt(o) === 10) o--;
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  /**
   * The offset of an LSP position. As the specification says (and vscode-languageserver-textdocument
   * does), a character past the end of its line means the end of the line, before its line break,
   * and a line past the last one means the end of the document.
   */
  offsetAt(position: Position): number {
    const starts = this.lineStarts;
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const lineStart = starts[position.line];
    if (!(position.character > 0)) return lineStart;
    const nextLineStart = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    let offset = Math.min(lineStart + position.character, nextLineStart);
    while (offset > lineStart && isLineBreak(this.text.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** Index of the first entry of `starts` (from index 1) at or after `offset`. */
function firstAtOrAfter(starts: Uint32Array, offset: number): number {
  let lo = 1;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13;
}

export function computeLineStarts(text: string): Uint32Array {
  // A lone CR also ends a line (LSP treats \r, \n and \r\n as line ends); metabases use CRLF
  // (or LF), so the common case is one pass over the line feeds, checking on the way that every
  // CR sits just before one; at the first lone CR the slow path below takes over.
  let starts = new Uint32Array(Math.max(16, text.length >>> 5));
  let n = 1;
  let cr = text.indexOf('\r');
  let simple = true;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (cr >= 0 && cr < i) {
      if (cr !== i - 1) {
        simple = false;
        break;
      }
      cr = text.indexOf('\r', i + 1);
    }
    if (n === starts.length) {
      const bigger = new Uint32Array(starts.length * 2);
      bigger.set(starts);
      starts = bigger;
    }
    starts[n++] = i + 1;
  }
  if (simple && cr < 0) return starts.slice(0, n);
  const list: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      list.push(i + 1);
    } else if (c === 10) {
      list.push(i + 1);
    }
  }
  return Uint32Array.from(list);
}
