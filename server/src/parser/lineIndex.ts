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
   * characters: the lines around the edit are recomputed, the others move by the change in
   * length (no pass over the whole text).
   */
  update(newText: TextSource, start: number, end: number, insertedLength: number): LineIndex {
    const starts = this.lineStarts;
    const n = starts.length;
    const delta = insertedLength - (end - start);
    // One line earlier than the edit: joining a CR before the edit with an LF after it (or
    // splitting them) changes where the edit's own line starts.
    const first = Math.max(0, this.positionAt(start).line - 1);
    const last = this.positionAt(end).line;
    const regionStart = starts[first];
    const hasTail = last + 1 < n;
    // The line after the edited ones starts at the same character, moved by delta.
    const regionEnd = hasTail ? starts[last + 1] + delta : newText.length;
    const local = computeLineStarts(newText.slice(regionStart, regionEnd));
    // With a tail, the region ends with the line break before it: its last local start is the
    // tail's first line, which comes from `starts` below.
    let localCount = local.length;
    if (hasTail && localCount > 1 && local[localCount - 1] === regionEnd - regionStart) localCount--;
    if (localCount === last - first + 1) {
      // As many lines as before (typing in a line): the array is updated in place and handed to
      // the new index; a copy per keystroke was 2 MB at 556,000 lines.
      for (let k = 1; k < localCount; k++) starts[first + k] = regionStart + local[k];
      if (delta !== 0) for (let k = last + 1; k < n; k++) starts[k] += delta;
      this.starts = undefined;
      return new LineIndex(newText, starts);
    }
    const out = new Uint32Array(first + localCount + (n - last - 1));
    out.set(starts.subarray(0, first + 1));
    let o = first + 1;
    for (let k = 1; k < localCount; k++) out[o++] = regionStart + local[k];
    for (let k = last + 1; k < n; k++) out[o++] = starts[k] + delta;
    return new LineIndex(newText, o === out.length ? out : out.slice(0, o));
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
