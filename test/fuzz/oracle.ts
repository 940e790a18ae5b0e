/**
 * The fuzzer's oracle: runs the language service's calls on one input and checks what comes back.
 *
 *  - no exception, except the documented RenameError of doRename;
 *  - every call within a time bound relative to the text length (a bound exceeded is measured again
 *    on a fresh document before it counts, so a GC pause is not a finding);
 *  - every range inside the document, checked against a line table computed here (not the
 *    server's): 0 <= line < lineCount, 0 <= character <= length of the line without its line
 *    break, start <= end; symbols' selectionRange inside range and children inside their parent;
 *  - completion edits on one line and around the cursor (LSP requires both);
 *  - quick fixes and renames: edits inside the document, not overlapping; the edited text parses
 *    and validates;
 *  - results JSON-safe (no NaN, Infinity, undefined in arrays, cycles);
 *  - incremental updates: doc.update() with the LSP changes gives the same text, line table,
 *    diagnostics, model, symbols, folding ranges and topology as a fresh parse of the same text.
 *
 * Each check family takes a self-contained input (a `ReproInput`) so a failure can be re-run and
 * reduced on its own (reduce.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { RenameError } from '../../server/src/features/navigation';
import type { MetabaseLanguageService } from '../../server/src/languageService';
import type { MetabaseDocument, TextChange } from '../../server/src/metabaseDocument';
import type { ProcessModel } from '../../server/src/process/processModel';
import type { TopologyNode } from '../../server/src/protocol';
import { diffChange, type ChangeMode, type OffsetChange } from './mutations';

export const URI = 'file:///fuzz/MetaBase.xml';

// ---- an independent line table ------------------------------------------------------------

/** LSP lines of a text: \r\n, \r and \n end a line; characters are UTF-16 code units. */
export class TextShape {
  /** Offset where each line starts. */
  readonly starts: number[] = [0];
  /** Offset where each line's content ends (before its line break). */
  readonly ends: number[] = [];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 || c === 10) {
        this.ends.push(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.ends.push(text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineLength(line: number): number {
    return this.ends[line] - this.starts[line];
  }

  /** The position of an offset; an offset between \r and \n is one past the line's length. */
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  /** The problem with a position, or undefined when it is a valid LSP position in this text. */
  positionProblem(p: unknown): string | undefined {
    if (!p || typeof p !== 'object') return 'not-a-position';
    const { line, character } = p as Position;
    if (!Number.isInteger(line) || !Number.isInteger(character)) return 'non-integer';
    if (line < 0 || line >= this.lineCount) return 'line-out-of-range';
    if (character < 0) return 'negative-character';
    const len = this.lineLength(line);
    if (character === len + 1 && this.text.charCodeAt(this.ends[line]) === 13 && this.text.charCodeAt(this.ends[line] + 1) === 10) return 'position-inside-crlf';
    if (character > len) return 'character-beyond-line';
    return undefined;
  }

  /** Offset of a valid position (positionProblem(p) === undefined). */
  offsetAt(p: Position): number {
    return this.starts[p.line] + p.character;
  }

  /**
   * Where the server puts a position it is sent: as the LSP specification says, a character past
   * the end of its line is the line's end (before its line break), a line past the last one the
   * end of the text.
   */
  clampOffset(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.lineCount) return this.text.length;
    return this.starts[p.line] + Math.min(Math.max(0, p.character), this.lineLength(p.line));
  }

  rangeProblem(r: unknown): string | undefined {
    if (!r || typeof r !== 'object') return 'not-a-range';
    const { start, end } = r as Range;
    const ps = this.positionProblem(start);
    if (ps) return `start:${ps}`;
    const pe = this.positionProblem(end);
    if (pe) return `end:${pe}`;
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) return 'start-after-end';
    return undefined;
  }

  get wholeRange(): Range {
    const last = this.lineCount - 1;
    return { start: { line: 0, character: 0 }, end: { line: last, character: this.lineLength(last) } };
  }
}

function contains(outer: Range, inner: Range): boolean {
  const le = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

// ---- failures ---------------------------------------------------------------------------

export type ReproInput =
  | { family: 'document'; text: string }
  | { family: 'position'; text: string; offset: number; raw?: Position }
  | { family: 'rename'; text: string; offset: number; newName: string }
  | { family: 'codeActions'; text: string; code?: string; stale?: Diagnostic[] }
  | { family: 'incremental'; base: string; changes: OffsetChange[]; mode: ChangeMode };

export type FailureKind = 'exception' | 'range' | 'edit' | 'completion' | 'json' | 'consistency' | 'incremental' | 'rename' | 'slow';

export interface Failure {
  kind: FailureKind;
  /** The language-service call (or pipeline step) that failed. */
  call: string;
  /** Which part of the result (e.g. `diagnostic[unknown-property].range`). */
  where: string;
  message: string;
  /** Same signature = same bug (numbers and quoted text normalised away). */
  signature: string;
  input: ReproInput;
  stack?: string;
}

function normalise(s: string): string {
  return s
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 200);
}

/** The first stack frame inside the server's sources, as file:line. */
function serverFrame(err: unknown): string {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const m = /server\/src\/([\w/.-]+\.ts):(\d+)/.exec(stack);
  return m ? `${m[1]}:${m[2]}` : '?';
}

export function makeFailure(kind: FailureKind, call: string, where: string, message: string, input: ReproInput, err?: unknown): Failure {
  const sig = kind === 'exception' ? `${call}|exception|${err instanceof Error ? err.constructor.name : typeof err}: ${normalise(message)} @ ${serverFrame(err)}` : `${call}|${kind}|${normalise(where)}|${normalise(message)}`;
  return { kind, call, where, message, signature: sig, input, stack: err instanceof Error ? err.stack : undefined };
}

// ---- timing -----------------------------------------------------------------------------

export interface TimingOptions {
  /** No call is slow under this many milliseconds. Default 50. */
  minMs: number;
  /** Whole-document calls: allowed microseconds per character of text. Default 50 (2 µs x 25). */
  docUsPerChar: number;
  /** Calls at a position: allowed microseconds per character. Default 10 (2 µs x 5). */
  positionUsPerChar: number;
}

export const DEFAULT_TIMING: TimingOptions = { minMs: 50, docUsPerChar: 50, positionUsPerChar: 10 };

const POSITION_CALLS = new Set(['doHover', 'doComplete', 'findDefinition', 'findReferences', 'prepareRename', 'doRename', 'doCodeActions']);

export interface CallStats {
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Text length of the slowest call. */
  maxMsSize: number;
  maxMsMutant: string;
  /** Highest microseconds per character (texts of 1,000 characters or more). */
  maxUsPerChar: number;
  maxUsPerCharSize: number;
}

export interface SlowCall {
  call: string;
  ms: number;
  size: number;
  mutant: string;
}

export class Recorder {
  readonly byCall = new Map<string, CallStats>();
  readonly slowest: SlowCall[] = [];
  calls = 0;
  /** Calls over their bound, to be measured again: [call, size, bound, redo]. */
  pending: Array<{ call: string; size: number; ms: number; limit: number; redo: () => number; input: ReproInput }> = [];
  mutant = '';

  constructor(readonly timing: TimingOptions) {}

  limit(call: string, size: number): number {
    const perChar = POSITION_CALLS.has(call) ? this.timing.positionUsPerChar : this.timing.docUsPerChar;
    return Math.max(this.timing.minMs, (size * perChar) / 1000);
  }

  record(call: string, size: number, ms: number): void {
    this.calls++;
    let s = this.byCall.get(call);
    if (!s) this.byCall.set(call, (s = { calls: 0, totalMs: 0, maxMs: 0, maxMsSize: 0, maxMsMutant: '', maxUsPerChar: 0, maxUsPerCharSize: 0 }));
    s.calls++;
    s.totalMs += ms;
    if (ms > s.maxMs) {
      s.maxMs = ms;
      s.maxMsSize = size;
      s.maxMsMutant = this.mutant;
    }
    if (size >= 1000 && (ms * 1000) / size > s.maxUsPerChar) {
      s.maxUsPerChar = (ms * 1000) / size;
      s.maxUsPerCharSize = size;
    }
    if (this.slowest.length < 20 || ms > this.slowest[this.slowest.length - 1].ms) {
      this.slowest.push({ call, ms, size, mutant: this.mutant });
      this.slowest.sort((a, b) => b.ms - a.ms);
      if (this.slowest.length > 20) this.slowest.pop();
    }
  }
}

// ---- JSON safety ------------------------------------------------------------------------

/** The first value that does not survive JSON (NaN, Infinity, undefined in an array, a function, a cycle). */
export function jsonProblem(value: unknown, path = '$', seen = new Set<object>()): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (typeof value === 'undefined') return undefined;
  if (typeof value !== 'object') return `${path} is a ${typeof value}`;
  if (seen.has(value)) return `${path} is a cycle`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] === undefined) return `${path}[${i}] is undefined`;
        const p = jsonProblem(value[i], `${path}[${i}]`, seen);
        if (p) return p;
      }
      return undefined;
    }
    for (const [k, v] of Object.entries(value)) {
      const p = jsonProblem(v, `${path}.${k}`, seen);
      if (p) return p;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

// ---- edits ------------------------------------------------------------------------------

/** Applies LSP edits strictly: every range valid, no overlap. Returns the new text or a problem. */
export function applyEdits(shape: TextShape, edits: readonly TextEdit[]): { text: string } | { problem: string } {
  const spans: Array<{ start: number; end: number; newText: string; i: number }> = [];
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i];
    const p = shape.rangeProblem(e?.range);
    if (p) return { problem: `edit ${i}: ${p}` };
    if (typeof e.newText !== 'string') return { problem: `edit ${i}: newText is not a string` };
    spans.push({ start: shape.offsetAt(e.range.start), end: shape.offsetAt(e.range.end), newText: e.newText, i });
  }
  spans.sort((a, b) => a.start - b.start || a.i - b.i);
  for (let k = 1; k < spans.length; k++) {
    if (spans[k].start < spans[k - 1].end) return { problem: `edits ${spans[k - 1].i} and ${spans[k].i} overlap` };
  }
  const text = shape.text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.newText;
    at = s.end;
  }
  out += text.slice(at);
  if (spans.length > 0) {
    const first = spans[0].start;
    const last = spans[spans.length - 1].end;
    if (out.slice(0, first) !== text.slice(0, first)) return { problem: 'text before the first edit changed' };
    if (out.slice(out.length - (text.length - last)) !== text.slice(last)) return { problem: 'text after the last edit changed' };
  }
  return { text: out };
}

function editsOf(edit: WorkspaceEdit | undefined | null, uri: string): { edits: TextEdit[] } | { problem: string } {
  if (!edit) return { edits: [] };
  if (edit.documentChanges) return { problem: 'documentChanges are not expected' };
  const changes = edit.changes ?? {};
  const other = Object.keys(changes).filter((u) => u !== uri);
  if (other.length > 0) return { problem: `edits another document: ${other[0]}` };
  return { edits: changes[uri] ?? [] };
}

// ---- the oracle -------------------------------------------------------------------------

export interface OracleOptions {
  /** Quick fixes applied (edited text parsed and validated) per document. */
  maxFixApplications: number;
}

type Sink = (f: Failure) => void;

export class Oracle {
  /** Fixes whose edited text still has the diagnostic they fix (a statistic, not a failure). */
  fixesNotResolving = 0;
  fixesApplied = 0;
  fixNotResolvingExamples: string[] = [];
  /** Observations that are not failures: what, how often, one example. */
  readonly advisories = new Map<string, { count: number; example: string }>();

  advise(what: string, example: string): void {
    const a = this.advisories.get(what);
    if (a) a.count++;
    else this.advisories.set(what, { count: 1, example });
  }

  constructor(
    readonly ls: MetabaseLanguageService,
    readonly rec: Recorder,
    readonly options: OracleOptions,
  ) {}

  /**
   * Runs `fn`, timed. An exception becomes a failure (and undefined). A call over its bound is
   * queued to be measured again with `redo` (a fresh document; see settle()).
   */
  call<T>(name: string, size: number, input: ReproInput, sink: Sink, fn: () => T, redo?: () => number): T | undefined {
    const t0 = performance.now();
    try {
      return fn();
    } catch (err) {
      sink(makeFailure('exception', name, '', err instanceof Error ? err.message : String(err), input, err));
      return undefined;
    } finally {
      const ms = performance.now() - t0;
      this.rec.record(name, size, ms);
      const limit = this.rec.limit(name, size);
      if (ms > limit && redo) this.rec.pending.push({ call: name, size, ms, limit, redo, input });
    }
  }

  /** Measures again the calls that were over their bound; a call still over it twice is a failure. */
  settle(sink: Sink): void {
    const pending = this.rec.pending;
    this.rec.pending = [];
    for (const p of pending) {
      let best = p.ms;
      for (let k = 0; k < 2 && best > p.limit; k++) {
        try {
          best = Math.min(best, p.redo());
        } catch {
          break;
        }
      }
      if (best > p.limit) sink(makeFailure('slow', p.call, '', `${best.toFixed(0)} ms for ${p.size} characters (bound ${p.limit.toFixed(0)} ms)`, p.input));
    }
  }

  /** A fresh document of `text`, validated first unless `cold` (as the editor does before other requests). */
  fresh(text: string, cold = false): MetabaseDocument {
    const doc = this.ls.parse(URI, 1, text);
    if (!cold) this.ls.doValidation(doc);
    return doc;
  }

  private timedOnFresh(text: string, cold: boolean, fn: (d: MetabaseDocument) => unknown): () => number {
    return () => {
      const d = this.fresh(text, cold);
      const t0 = performance.now();
      fn(d);
      return performance.now() - t0;
    };
  }

  private check(sink: Sink, input: ReproInput, call: string, where: string, problem: string | undefined, kind: FailureKind = 'range'): void {
    if (problem) sink(makeFailure(kind, call, where, problem, input));
  }

  private checkJson(sink: Sink, input: ReproInput, call: string, value: unknown): void {
    this.check(sink, input, call, 'result', jsonProblem(value), 'json');
  }

  // ---- whole document ----

  /** Parse, validate and every whole-document call. Returns the document and its diagnostics. */
  document(text: string, sink: Sink): { doc: MetabaseDocument; diagnostics: Diagnostic[] } | undefined {
    const input: ReproInput = { family: 'document', text };
    const n = text.length;
    const doc = this.call('parse', n, input, sink, () => this.ls.parse(URI, 1, text), () => {
      const t0 = performance.now();
      this.ls.parse(URI, 1, text);
      return performance.now() - t0;
    });
    if (!doc) return undefined;
    const shape = new TextShape(text);
    const diagnostics = this.call('doValidation', n, input, sink, () => this.ls.doValidation(doc), this.timedOnFresh(text, true, (d) => this.ls.doValidation(d))) ?? [];
    for (const d of diagnostics) this.check(sink, input, 'doValidation', `diagnostic[${String(d.code)}].range`, shape.rangeProblem(d.range));
    this.checkJson(sink, input, 'doValidation', diagnostics);

    for (const mode of [undefined, 'worker', 'iis5'] as const) {
      const name = mode ? `getProcessModel(${mode})` : 'getProcessModel';
      const pm = this.call(name, n, input, sink, () => this.ls.getProcessModel(doc, mode), this.timedOnFresh(text, false, (d) => this.ls.getProcessModel(d, mode)));
      if (pm) this.checkProcessModel(sink, input, name, pm, n, mode);
    }
    const topo = this.call('getTopology', n, input, sink, () => this.ls.getTopology(doc), this.timedOnFresh(text, false, (d) => this.ls.getTopology(d)));
    if (topo) {
      const walk = (node: TopologyNode, path: string): void => {
        if (node.range !== null) this.check(sink, input, 'getTopology', `${node.kind}.range`, shape.rangeProblem(node.range));
        node.children.forEach((c, i) => walk(c, `${path}.children[${i}]`));
      };
      topo.pools.forEach((p, i) => walk(p, `pools[${i}]`));
      topo.sites.forEach((s, i) => walk(s, `sites[${i}]`));
      this.checkJson(sink, input, 'getTopology', topo);
    }
    const symbols = this.call('findDocumentSymbols', n, input, sink, () => this.ls.findDocumentSymbols(doc), this.timedOnFresh(text, false, (d) => this.ls.findDocumentSymbols(d)));
    if (symbols) {
      const walk = (s: DocumentSymbol, parent: DocumentSymbol | undefined): void => {
        this.check(sink, input, 'findDocumentSymbols', 'symbol.range', shape.rangeProblem(s.range));
        this.check(sink, input, 'findDocumentSymbols', 'symbol.selectionRange', shape.rangeProblem(s.selectionRange));
        if (!shape.rangeProblem(s.range) && !shape.rangeProblem(s.selectionRange) && !contains(s.range, s.selectionRange)) {
          sink(makeFailure('range', 'findDocumentSymbols', 'symbol.selectionRange', 'selectionRange not inside range', input));
        }
        if (typeof s.name !== 'string' || s.name.length === 0) sink(makeFailure('consistency', 'findDocumentSymbols', 'symbol.name', 'empty symbol name', input));
        if (parent && !shape.rangeProblem(s.range) && !shape.rangeProblem(parent.range) && !contains(parent.range, s.range)) {
          // By design: keys are flat elements and the outline nests them by Location, so a child's
          // element is never inside its parent's. LSP does not require it; counted, not a failure.
          this.advise('findDocumentSymbols: child symbol range outside its parent symbol range (outline nested by Location)', `${parent.name} > ${s.name}`);
        }
        for (const c of s.children ?? []) walk(c, s);
      };
      for (const s of symbols.symbols) walk(s, undefined);
      this.checkJson(sink, input, 'findDocumentSymbols', symbols);
    }
    const folds = this.call('getFoldingRanges', n, input, sink, () => this.ls.getFoldingRanges(doc), this.timedOnFresh(text, false, (d) => this.ls.getFoldingRanges(d)));
    for (const f of folds ?? []) {
      const ok = Number.isInteger(f.startLine) && Number.isInteger(f.endLine) && f.startLine >= 0 && f.startLine <= f.endLine && f.endLine < shape.lineCount;
      if (!ok) sink(makeFailure('range', 'getFoldingRanges', 'foldingRange', `lines ${f.startLine}..${f.endLine} of ${shape.lineCount}`, input));
    }
    const lenses = this.call('getCodeLenses', n, input, sink, () => this.ls.getCodeLenses(doc), this.timedOnFresh(text, false, (d) => this.ls.getCodeLenses(d)));
    for (const l of lenses ?? []) {
      this.check(sink, input, 'getCodeLenses', 'codeLens.range', shape.rangeProblem(l.range));
      const args = l.command?.arguments ?? [];
      if (args[1] !== undefined) this.check(sink, input, 'getCodeLenses', 'codeLens.arguments[1]', shape.positionProblem(args[1]));
      for (const loc of (args[2] as Array<{ uri: string; range: Range }> | undefined) ?? []) {
        this.check(sink, input, 'getCodeLenses', 'codeLens.arguments[2].range', shape.rangeProblem(loc.range));
      }
    }
    this.checkJson(sink, input, 'getCodeLenses', lenses);
    return { doc, diagnostics };
  }

  private checkProcessModel(sink: Sink, input: ReproInput, name: string, pm: ProcessModel, n: number, mode: 'worker' | 'iis5' | undefined): void {
    const bad = (r: { start: number; end: number }) => !(Number.isInteger(r.start) && Number.isInteger(r.end) && 0 <= r.start && r.start <= r.end && r.end <= n);
    for (const p of pm.processes) if (p.range && bad(p.range)) sink(makeFailure('range', name, 'process.range', `offsets ${p.range.start}..${p.range.end} of ${n}`, input));
    for (const a of pm.applications) if (bad(a.range)) sink(makeFailure('range', name, 'application.range', `offsets ${a.range.start}..${a.range.end} of ${n}`, input));
    const ids = new Set(pm.processes.map((p) => p.id));
    for (const a of pm.applications) {
      if (a.process !== null && !ids.has(a.process)) sink(makeFailure('consistency', name, 'application.process', 'application names a process that is not in the list', input));
    }
    if (mode && !isDeepStrictEqual(pm.modes, [mode])) sink(makeFailure('consistency', name, 'modes', `asked for ${mode}, got ${JSON.stringify(pm.modes)}`, input));
    this.checkJson(sink, input, name, pm);
  }

  // ---- at a position ----

  /** Hover, completion, definition, references, prepareRename/rename at one position. */
  position(doc: MetabaseDocument, shape: TextShape, p: Position, renameTo: string, sink: Sink): void {
    const text = doc.text;
    const n = text.length;
    const valid = shape.positionProblem(p) === undefined;
    const input: ReproInput = valid ? { family: 'position', text, offset: shape.offsetAt(p) } : { family: 'position', text, offset: shape.clampOffset(p), raw: p };
    const cursor = shape.positionAt(shape.clampOffset(p));

    const hover = this.call('doHover', n, input, sink, () => this.ls.doHover(doc, p), this.timedOnFresh(text, false, (d) => this.ls.doHover(d, p)));
    if (hover) {
      if (hover.range) this.check(sink, input, 'doHover', 'hover.range', shape.rangeProblem(hover.range));
      this.checkJson(sink, input, 'doHover', hover);
    }
    const list = this.call('doComplete', n, input, sink, () => this.ls.doComplete(doc, p), this.timedOnFresh(text, false, (d) => this.ls.doComplete(d, p)));
    if (list) {
      for (const item of list.items) this.checkCompletionItem(sink, input, shape, item, cursor);
      this.checkJson(sink, input, 'doComplete', list);
    }
    const defs = this.call('findDefinition', n, input, sink, () => this.ls.findDefinition(doc, p), this.timedOnFresh(text, false, (d) => this.ls.findDefinition(d, p)));
    for (const l of defs ?? []) {
      this.check(sink, input, 'findDefinition', 'location.range', shape.rangeProblem(l.range));
      if (l.uri !== doc.uri) sink(makeFailure('consistency', 'findDefinition', 'location.uri', `other document ${l.uri}`, input));
    }
    for (const includeDeclaration of [true, false]) {
      const refs = this.call('findReferences', n, input, sink, () => this.ls.findReferences(doc, p, includeDeclaration), this.timedOnFresh(text, false, (d) => this.ls.findReferences(d, p, includeDeclaration)));
      for (const l of refs ?? []) {
        this.check(sink, input, 'findReferences', 'location.range', shape.rangeProblem(l.range));
        if (l.uri !== doc.uri) sink(makeFailure('consistency', 'findReferences', 'location.uri', `other document ${l.uri}`, input));
      }
    }
    this.rename(doc, shape, p, renameTo, sink);
  }

  private checkCompletionItem(sink: Sink, input: ReproInput, shape: TextShape, item: CompletionItem, cursor: Position): void {
    const te = item.textEdit;
    if (te) {
      const ranges: Array<[string, Range]> = 'range' in te ? [['textEdit.range', te.range]] : [['textEdit.insert', te.insert], ['textEdit.replace', te.replace]];
      for (const [where, r] of ranges) {
        const problem = shape.rangeProblem(r);
        this.check(sink, input, 'doComplete', where, problem);
        if (problem) continue;
        if (r.start.line !== r.end.line) sink(makeFailure('completion', 'doComplete', where, 'edit range spans several lines (LSP: must be one line)', input));
        else if (!contains(r, { start: cursor, end: cursor })) sink(makeFailure('completion', 'doComplete', where, 'edit range does not contain the cursor (LSP requires it)', input));
      }
    }
    for (const e of item.additionalTextEdits ?? []) this.check(sink, input, 'doComplete', 'additionalTextEdits.range', shape.rangeProblem(e.range));
  }

  /** prepareRename, then doRename with `renameTo` and with invalid names. */
  rename(doc: MetabaseDocument, shape: TextShape, p: Position, renameTo: string, sink: Sink): void {
    const text = doc.text;
    const n = text.length;
    const offset = shape.clampOffset(p);
    const input: ReproInput = { family: 'rename', text, offset, newName: renameTo };
    const prep = this.call('prepareRename', n, input, sink, () => this.ls.prepareRename(doc, p), this.timedOnFresh(text, false, (d) => this.ls.prepareRename(d, p)));
    if (prep === undefined) return;
    /** doRename; the documented RenameError (invalid or existing name) becomes 'refused'. */
    const rename = (d: MetabaseDocument, name: string): WorkspaceEdit | null | 'refused' => {
      try {
        return this.ls.doRename(d, p, name);
      } catch (err) {
        if (err instanceof RenameError) return 'refused';
        throw err;
      }
    };
    if (prep === null) {
      // doRename must agree that there is nothing to rename here.
      const r = this.call('doRename', n, input, sink, () => rename(doc, renameTo));
      if (r && r !== 'refused') sink(makeFailure('consistency', 'doRename', 'result', 'doRename edits where prepareRename returned null', input));
      return;
    }
    this.check(sink, input, 'prepareRename', 'range', shape.rangeProblem(prep.range));
    if (typeof prep.placeholder !== 'string') sink(makeFailure('consistency', 'prepareRename', 'placeholder', 'placeholder is not a string', input));
    for (const bad of ['', '  ', 'a/b', 'a\\b']) {
      const r = this.call('doRename', n, input, sink, () => rename(doc, bad));
      if (r && r !== 'refused') sink(makeFailure('rename', 'doRename', 'invalid name', `accepted the invalid name ${JSON.stringify(bad)}`, input));
    }
    const edit = this.call('doRename', n, input, sink, () => rename(doc, renameTo), this.timedOnFresh(text, false, (d) => rename(d, renameTo)));
    if (edit === undefined || edit === 'refused') return;
    if (edit === null) {
      sink(makeFailure('consistency', 'doRename', 'result', 'prepareRename returned a range but doRename returned null', input));
      return;
    }
    this.applyAndRevalidate(sink, input, 'doRename', shape, edit, (newText) => {
      const pool = this.ls.parse(URI, 2, newText).model.pool(renameTo.trim());
      if (!pool) sink(makeFailure('rename', 'doRename', 'result', 'after the rename no pool has the new name', input));
    });
  }

  /** Checks a workspace edit, applies it, parses and validates the result. */
  private applyAndRevalidate(sink: Sink, input: ReproInput, call: string, shape: TextShape, edit: WorkspaceEdit | undefined, after?: (text: string, diagnostics: Diagnostic[]) => void): void {
    const list = editsOf(edit, URI);
    if ('problem' in list) {
      sink(makeFailure('edit', call, 'workspaceEdit', list.problem, input));
      return;
    }
    const applied = applyEdits(shape, list.edits);
    if ('problem' in applied) {
      sink(makeFailure('edit', call, 'edits', applied.problem.replace(/^edit \d+: /, ''), input));
      return;
    }
    const n = applied.text.length;
    const doc = this.call(`parse(after ${call})`, n, input, sink, () => this.ls.parse(URI, 2, applied.text));
    if (!doc) return;
    const diagnostics = this.call(`doValidation(after ${call})`, n, input, sink, () => this.ls.doValidation(doc));
    if (!diagnostics) return;
    const s2 = new TextShape(applied.text);
    for (const d of diagnostics) this.check(sink, input, `doValidation(after ${call})`, 'diagnostic.range', s2.rangeProblem(d.range));
    after?.(applied.text, diagnostics);
  }

  // ---- quick fixes ----

  /**
   * doCodeActions for every diagnostic alone and for all of them at once (the two must agree);
   * up to maxFixApplications fixes applied (those of `priority` first) and the result validated.
   * `stale`: diagnostics of an older version, sent with this one (an editor does that).
   */
  codeActions(doc: MetabaseDocument, shape: TextShape, diagnostics: Diagnostic[], sink: Sink, pick: (n: number) => number, priority?: (d: Diagnostic) => boolean, stale?: Diagnostic[], onlyCode?: string): void {
    const text = doc.text;
    const n = text.length;
    const baseInput: ReproInput = { family: 'codeActions', text, stale };
    const perDiagnostic: CodeAction[][] = [];
    const candidates: Array<{ d: Diagnostic; a: CodeAction }> = [];
    const list = stale ?? diagnostics;
    for (const d of list) {
      const input: ReproInput = { family: 'codeActions', text, code: String(d.code), stale };
      const actions = this.call('doCodeActions', n, input, sink, () => this.ls.doCodeActions(doc, d.range, [d]), this.timedOnFresh(text, false, (x) => this.ls.doCodeActions(x, d.range, [d]))) ?? [];
      perDiagnostic.push(actions);
      for (const a of actions) {
        if (typeof a.title !== 'string' || a.title === '') sink(makeFailure('consistency', 'doCodeActions', 'title', 'action without a title', input));
        const edits = editsOf(a.edit, URI);
        if ('problem' in edits) {
          sink(makeFailure('edit', 'doCodeActions', `${String(d.code)}.edit`, edits.problem, input));
          continue;
        }
        for (const e of edits.edits) this.check(sink, input, 'doCodeActions', `${String(d.code)}.edit.range`, shape.rangeProblem(e.range), 'edit');
        if (!onlyCode || String(d.code) === onlyCode) candidates.push({ d, a });
      }
      this.checkJson(sink, input, 'doCodeActions', actions);
    }
    const all = this.call('doCodeActions(all)', n, baseInput, sink, () => this.ls.doCodeActions(doc, shape.wholeRange, list), this.timedOnFresh(text, false, (x) => this.ls.doCodeActions(x, shape.wholeRange, list)));
    if (all && !isDeepStrictEqual(all, perDiagnostic.flat())) {
      sink(makeFailure('consistency', 'doCodeActions(all)', 'result', 'actions for all diagnostics differ from the actions for each one', baseInput));
    }
    // Apply some: first those of the priority diagnostics (near the damage), then at random.
    const first = priority ? candidates.filter((c) => priority(c.d)) : [];
    const rest = candidates.filter((c) => !first.includes(c));
    const chosen: typeof candidates = [];
    while (chosen.length < this.options.maxFixApplications && (first.length > 0 || rest.length > 0)) {
      const from = first.length > 0 ? first : rest;
      chosen.push(from.splice(pick(from.length), 1)[0]);
    }
    for (const { d, a } of chosen) {
      const input: ReproInput = { family: 'codeActions', text, code: String(d.code), stale };
      this.fixesApplied++;
      this.applyAndRevalidate(sink, input, 'doCodeActions', shape, a.edit, (_newText, after) => {
        const same = after.some((x) => x.code === d.code && isDeepStrictEqual(x.data, d.data) && x.message === d.message);
        if (same && !stale) {
          this.fixesNotResolving++;
          if (this.fixNotResolvingExamples.length < 8) this.fixNotResolvingExamples.push(`${String(d.code)}: "${a.title}" (${(typeof d.message === 'string' ? d.message : d.message.value).slice(0, 80)})`);
        }
      });
    }
  }

  // ---- incremental ----

  /** Applies `changes` to a parsed, validated `base` through doc.update() and compares with a fresh parse. */
  incremental(base: string, offsetChanges: OffsetChange[], mode: ChangeMode, sink: Sink): void {
    const input: ReproInput = { family: 'incremental', base, changes: offsetChanges, mode };
    // No LSP position lies between a CR and its LF (such a character offset means the end of the
    // line, before the CR): an edit there is the edit an editor would send, just before the CR.
    const changes: OffsetChange[] = [];
    let expected = base;
    for (const c of offsetChanges) {
      const snap = (o: number): number => (expected.charCodeAt(o - 1) === 13 && expected.charCodeAt(o) === 10 ? o - 1 : o);
      const d = { ...c, start: snap(c.start), end: snap(c.end) };
      changes.push(d);
      expected = expected.slice(0, d.start) + d.text + expected.slice(d.end);
    }
    const n = expected.length;
    let doc: MetabaseDocument | undefined;
    try {
      doc = this.ls.parse(URI, 1, base);
      this.ls.doValidation(doc);
    } catch {
      return; // the base itself fails: reported by the document checks of the seed
    }
    const toLsp = (text: string, c: OffsetChange): TextChange => {
      const shape = new TextShape(text);
      return { range: { start: shape.positionAt(c.start), end: shape.positionAt(c.end) }, text: c.text };
    };
    // The notifications an editor would send.
    const batches: TextChange[][] = [];
    if (mode === 'full') batches.push([{ text: expected }]);
    else if (mode === 'single') batches.push([toLsp(base, diffChange(base, expected))]);
    else {
      const lsp: TextChange[] = [];
      let t = base;
      for (const c of changes) {
        lsp.push(toLsp(t, c));
        t = t.slice(0, c.start) + c.text + t.slice(c.end);
      }
      if (mode === 'sequence') batches.push(lsp);
      else for (const c of lsp) batches.push([c]);
    }
    let version = 1;
    for (let b = 0; b < batches.length && doc; b++) {
      const prev: MetabaseDocument = doc;
      doc = this.call('update', n, input, sink, () => prev.update(++version, batches[b]));
      if (doc && b < batches.length - 1) this.call('doValidation(updated)', doc.text.length, input, sink, () => this.ls.doValidation(doc!));
    }
    if (!doc) return;
    const updated = doc;
    if (updated.text !== expected) {
      sink(makeFailure('incremental', 'update', 'text', `updated text differs from the expected text (length ${updated.text.length} vs ${expected.length})`, input));
      return;
    }
    const shape = new TextShape(expected);
    const lineStarts = [...updated.lines.lineStarts];
    if (!isDeepStrictEqual(lineStarts, shape.starts)) {
      const i = lineStarts.findIndex((s, k) => s !== shape.starts[k]);
      sink(makeFailure('incremental', 'update', 'lineStarts', `line table differs at line ${i}: ${lineStarts[i]} vs ${shape.starts[i]} (${lineStarts.length} vs ${shape.starts.length} lines)`, input));
    }
    const fresh = this.ls.parse(URI, version, expected);
    const compare = (what: string, a: () => unknown, b: () => unknown): void => {
      const x = this.call(`${what}(updated)`, n, input, sink, a);
      let y: unknown;
      try {
        y = b();
      } catch {
        return; // a fresh document failing is reported by the document checks
      }
      if (x !== undefined && !isDeepStrictEqual(x, y)) sink(makeFailure('incremental', 'update', what, firstDifference(x, y), input));
    };
    compare('doValidation', () => this.ls.doValidation(updated), () => this.ls.doValidation(fresh));
    compare('model', () => modelShape(updated), () => modelShape(fresh));
    compare('findDocumentSymbols', () => this.ls.findDocumentSymbols(updated), () => this.ls.findDocumentSymbols(fresh));
    compare('getFoldingRanges', () => this.ls.getFoldingRanges(updated), () => this.ls.getFoldingRanges(fresh));
    compare('getTopology', () => this.ls.getTopology(updated), () => this.ls.getTopology(fresh));
  }
}

export function modelShape(doc: MetabaseDocument): unknown {
  return doc.model.keys.map((k) => [k.keyType, k.location, k.index, k.parent?.location ?? null, k.children.map((c) => c.location)]);
}

/** A short description of where two results differ. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!isDeepStrictEqual(a[i], b[i])) return firstDifference(a[i], b[i], `${path}[${i}]`);
    }
    return `${path}: ${a.length} items (incremental) vs ${b.length} (fresh)${a.length > b.length ? `; extra: ${short(a[b.length])}` : `; missing: ${short(b[a.length])}`}`;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${k}`);
    }
  }
  return `${path}: ${short(a)} (incremental) vs ${short(b)} (fresh)`;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
