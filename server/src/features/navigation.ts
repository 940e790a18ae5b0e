/**
 * Navigation: AppPoolId -> its pool; a pool's references (keys that set it, applications that
 * inherit it); renaming a pool everywhere; the document outline by Location; folding; a code lens
 * per pool.
 */
import {
  SymbolKind,
  TextEdit,
  type CodeLens,
  type DocumentSymbol,
  type FoldingRange,
  type Location,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver-types';
import type { MetabaseDocument } from '../metabaseDocument';
import { findAttr, normalizePath, rawValue, type MetabaseKey } from '../model/metabaseModel';
import { encodeXmlValue } from '../parser/scanner';
import { runSteps, SliceClock, type Steps } from '../util/slices';
import { cursorContext } from './cursor';

export interface PoolTarget {
  pool: string;
  /** The pool key, when it exists. */
  key: MetabaseKey | undefined;
  /** Range of the name under the cursor (for prepareRename). */
  start: number;
  end: number;
}

/** The pool the cursor is on: an AppPoolId value, or a pool key (its name or Location). */
export function poolAt(doc: MetabaseDocument, offset: number): PoolTarget | undefined {
  const m = doc.model;
  const ctx = cursorContext(doc, offset);
  if (ctx.kind === 'attributeValue' && ctx.key && ctx.key.element === ctx.element) {
    if (ctx.attr.name === 'AppPoolId') {
      const name = m.valueOf(ctx.element, ctx.attr).trim();
      return name ? { pool: name, key: m.pool(name), start: ctx.start, end: ctx.end } : undefined;
    }
    if (ctx.attr.name === 'Location' && ctx.key.keyType === 'IIsApplicationPool' && m.pool(m.poolName(ctx.key)) === ctx.key) {
      const raw = rawValue(m, ctx.key, ctx.attr).replace(/\/+$/, '');
      const segStart = ctx.start + raw.lastIndexOf('/') + 1;
      return { pool: m.poolName(ctx.key), key: ctx.key, start: segStart, end: ctx.start + raw.length };
    }
  }
  if (ctx.kind === 'elementName' && ctx.key && ctx.key.keyType === 'IIsApplicationPool' && m.pool(m.poolName(ctx.key)) === ctx.key) {
    return { pool: m.poolName(ctx.key), key: ctx.key, start: ctx.start, end: ctx.end };
  }
  return undefined;
}

function keyStartTagRange(doc: MetabaseDocument, key: MetabaseKey): Range {
  return doc.lines.range(key.element.start, key.element.startTagEnd);
}

export function findDefinition(doc: MetabaseDocument, offset: number): Location[] {
  const m = doc.model;
  const ctx = cursorContext(doc, offset);
  if (ctx.kind === 'attributeValue' && ctx.key && ctx.key.element === ctx.element) {
    const value = m.valueOf(ctx.element, ctx.attr).trim();
    if (ctx.attr.name === 'AppPoolId') {
      const pool = m.pool(value);
      return pool ? [{ uri: doc.uri, range: keyStartTagRange(doc, pool) }] : [];
    }
    if (ctx.attr.name === 'AppRoot') {
      const app = m.byPath.get(normalizePath(value));
      return app ? [{ uri: doc.uri, range: keyStartTagRange(doc, app) }] : [];
    }
  }
  return [];
}

export interface PoolReference {
  key: MetabaseKey;
  /** 'sets' = the key writes AppPoolId; 'inherits' = an application that inherits it. */
  how: 'sets' | 'inherits';
  start: number;
  end: number;
}

export function poolReferences(doc: MetabaseDocument, pool: string): PoolReference[] {
  return runSteps(poolReferenceSteps(doc, pool, new SliceClock(Infinity)));
}

function* poolReferenceSteps(doc: MetabaseDocument, pool: string, clock: SliceClock): Steps<PoolReference[]> {
  const m = doc.model;
  const wanted = pool.trim().toLowerCase();
  const refs: PoolReference[] = [];
  for (const key of m.keysWith('AppPoolId')) {
    const attr = findAttr(key.element, 'AppPoolId');
    if (attr && attr.valueStart >= 0 && m.valueOf(key.element, attr).trim().toLowerCase() === wanted) {
      refs.push({ key, how: 'sets', start: key.element.start + attr.valueStart, end: key.element.start + attr.valueEnd });
    }
    if (clock.due()) yield;
  }
  for (const app of m.applicationsByPool().get(wanted) ?? []) {
    if (findAttr(app.element, 'AppPoolId')) continue;
    refs.push({ key: app, how: 'inherits', start: app.element.start + 1, end: app.element.nameEnd });
  }
  return refs.sort((a, b) => a.start - b.start);
}

export function findReferences(doc: MetabaseDocument, offset: number, includeDeclaration: boolean): Location[] {
  return runSteps(referenceSteps(doc, offset, includeDeclaration));
}

/** Find References, yielding whenever `sliceMs` have passed (the server runs it in slices: util/slices.ts). */
export function* referenceSteps(doc: MetabaseDocument, offset: number, includeDeclaration: boolean, sliceMs = Infinity): Steps<Location[]> {
  const target = poolAt(doc, offset);
  if (!target) return [];
  const clock = new SliceClock(sliceMs);
  const out: Location[] = [];
  if (includeDeclaration && target.key) out.push({ uri: doc.uri, range: keyStartTagRange(doc, target.key) });
  for (const r of yield* poolReferenceSteps(doc, target.pool, clock)) {
    out.push({ uri: doc.uri, range: doc.lines.range(r.start, r.end) });
    if (clock.due()) yield;
  }
  return out;
}

export function prepareRename(doc: MetabaseDocument, offset: number): { range: Range; placeholder: string } | null {
  const target = poolAt(doc, offset);
  if (!target || !target.key) return null;
  return { range: doc.lines.range(target.start, target.end), placeholder: target.pool };
}

export class RenameError extends Error {}

/** Renames a pool: the last segment of its Location and every AppPoolId that names it. */
export function doRename(doc: MetabaseDocument, offset: number, newName: string): WorkspaceEdit | null {
  const target = poolAt(doc, offset);
  if (!target || !target.key) return null;
  const name = newName.trim();
  if (name === '' || /[/\\]/.test(name)) throw new RenameError('A pool name cannot be empty or contain / or \\.');
  const existing = doc.model.pool(name);
  if (existing && existing !== target.key) throw new RenameError(`A pool named "${doc.model.poolName(existing)}" already exists.`);
  const m = doc.model;
  const edits: TextEdit[] = [];
  const loc = target.key.locationAttr!;
  // A name written into a value without quotes would not read back as one value.
  const unquoted = [loc, ...poolReferences(doc, target.pool).filter((r) => r.how === 'sets').map((r) => findAttr(r.key.element, 'AppPoolId'))].some((a) => a && !a.quote);
  if (unquoted) throw new RenameError('The Location or an AppPoolId of this pool is written without quotes; fix that first.');
  const raw = rawValue(m, target.key, loc).replace(/\/+$/, '');
  const segStart = target.key.element.start + loc.valueStart + raw.lastIndexOf('/') + 1;
  edits.push(TextEdit.replace(doc.lines.range(segStart, target.key.element.start + loc.valueStart + raw.length), encodeXmlValue(name)));
  for (const r of poolReferences(doc, target.pool)) {
    if (r.how === 'sets') edits.push(TextEdit.replace(doc.lines.range(r.start, r.end), encodeXmlValue(name)));
  }
  return { changes: { [doc.uri]: edits } };
}

// ---- outline, folding, lenses -----------------------------------------------------------

const SYMBOL_KIND: Record<string, SymbolKind> = {
  IIsComputer: SymbolKind.Namespace,
  IIsWebService: SymbolKind.Module,
  IIsFtpService: SymbolKind.Module,
  IIsWebServer: SymbolKind.Class,
  IIsFtpServer: SymbolKind.Class,
  IIsWebVirtualDir: SymbolKind.Package,
  IIsWebDirectory: SymbolKind.Package,
  IIsWebFile: SymbolKind.File,
  IIsApplicationPools: SymbolKind.Module,
  IIsApplicationPool: SymbolKind.Object,
  IIsFilters: SymbolKind.Module,
  IIsFilter: SymbolKind.Function,
};

export interface SymbolsResult {
  symbols: DocumentSymbol[];
  /** Keys left out because of the limit. */
  truncated: number;
}

/**
 * Keys nested deeper than this in the Location tree are listed under their ancestor at this depth:
 * real metabases stay far below it, and a pathological file must not produce a tree too deep to
 * send or show.
 */
export const MAX_SYMBOL_DEPTH = 64;

export function findDocumentSymbols(doc: MetabaseDocument, maxSymbols: number): SymbolsResult {
  return runSteps(documentSymbolSteps(doc, maxSymbols));
}

/** The outline, yielding whenever `sliceMs` have passed (the server runs it in slices: util/slices.ts). */
export function* documentSymbolSteps(doc: MetabaseDocument, maxSymbols: number, sliceMs = Infinity): Steps<SymbolsResult> {
  const m = doc.model;
  const clock = new SliceClock(sliceMs);
  let count = 0;
  let truncated = 0;
  const symbolOf = (key: MetabaseKey, parentPath: string | undefined): DocumentSymbol => {
    const label = m.get(key, 'ServerComment') ?? m.get(key, 'AppFriendlyName');
    const name = key.location || `<${key.keyType}>`;
    const shortName = parentPath && name.toLowerCase().startsWith(parentPath.toLowerCase() + '/') ? name.slice(parentPath.length) : name;
    return {
      name: shortName || name,
      detail: `${key.keyType}${label ? ` — ${label}` : ''}${m.isApplication(key) ? ' (application)' : ''}`,
      kind: SYMBOL_KIND[key.keyType] ?? SymbolKind.Struct,
      range: doc.lines.range(key.element.start, key.element.end),
      selectionRange: doc.lines.range(key.element.start + 1, key.element.nameEnd),
      children: [],
    };
  };
  // Depth-first, in document order, without recursion (the Location tree can be arbitrarily deep).
  const symbols: DocumentSymbol[] = [];
  interface Item { key: MetabaseKey; into: DocumentSymbol[]; parentPath: string | undefined; depth: number }
  const stack: Item[] = [];
  const roots = m.keys.filter((k) => k.parent === null);
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ key: roots[i], into: symbols, parentPath: undefined, depth: 0 });
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { key } = item;
    let into = item.into;
    let parentPath = item.parentPath;
    let depth = item.depth;
    if (count >= maxSymbols) truncated++;
    else {
      count++;
      const sym = symbolOf(key, item.parentPath);
      item.into.push(sym);
      if (depth + 1 < MAX_SYMBOL_DEPTH) {
        into = sym.children!;
        parentPath = key.location;
        depth++;
      }
    }
    for (let i = key.children.length - 1; i >= 0; i--) stack.push({ key: key.children[i], into, parentPath, depth });
    if (clock.due()) yield;
  }
  return { symbols, truncated };
}

export function getFoldingRanges(doc: MetabaseDocument, max: number): FoldingRange[] {
  const out: FoldingRange[] = [];
  const line = (o: number): number => doc.lines.positionAt(o).line;
  for (const el of doc.xml.elements) {
    if (out.length >= max) break;
    const s = line(el.start);
    const e = line(el.end > 0 ? el.end - 1 : el.end);
    if (e > s) out.push({ startLine: s, endLine: e - (el.endTagStart >= 0 ? 1 : 0) });
  }
  for (const c of doc.xml.comments) {
    if (out.length >= max) break;
    const s = line(c.start);
    const e = line(c.end);
    if (e > s) out.push({ startLine: s, endLine: e, kind: 'comment' });
  }
  return out;
}

export const SHOW_REFERENCES_COMMAND = 'iis6Metabase.showReferences';

export function getCodeLenses(doc: MetabaseDocument): CodeLens[] {
  const m = doc.model;
  const byPool = m.applicationsByPool();
  const lenses: CodeLens[] = [];
  for (const pool of m.pools().values()) {
    const apps = byPool.get(m.poolName(pool).toLowerCase()) ?? [];
    const range = doc.lines.range(pool.element.start, pool.element.nameEnd);
    // The references are looked up when the lens is clicked (at the pool's name): a pool of a
    // 10,000-site file has thousands, and VS Code asks for lenses after every change.
    lenses.push({
      range,
      command: {
        title: apps.length === 0 ? 'no applications' : `${apps.length} application${apps.length === 1 ? '' : 's'}`,
        command: SHOW_REFERENCES_COMMAND,
        arguments: [doc.uri, doc.lines.positionAt(pool.element.start + 1)],
      },
    });
  }
  return lenses;
}

