/**
 * Quick fixes. Each reads the diagnostic's `code` and `data` (never its message), finds the key
 * and attribute at the diagnostic's start, and edits only what it must.
 */
import { CodeActionKind, TextEdit, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { INSTALL_POOL_DEFAULTS } from '../data/installDefaults';
import type { MetabaseDocument } from '../metabaseDocument';
import { APP_POOLS_PATH, findAttr, type MetabaseKey } from '../model/metabaseModel';
import { DIAGNOSTIC_SOURCE } from './validation';
import type { XmlAttribute } from '../parser/xmlTypes';
import { suggest } from '../schema/suggest';
import { afterKey, insertProperty, lineEnding, removeProperty, renameProperty, renderKey, setValue, type OffsetEdit } from './edits';

interface FixContext {
  doc: MetabaseDocument;
  diagnostic: Diagnostic;
  data: Record<string, unknown>;
  key: MetabaseKey | undefined;
  attr: XmlAttribute | undefined;
}

type Fixer = (f: FixContext) => CodeAction[];

function action(f: FixContext, title: string, edits: Array<OffsetEdit | undefined>, preferred = false): CodeAction[] {
  const real = edits.filter((e): e is OffsetEdit => !!e);
  if (real.length === 0) return [];
  return [
    {
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [f.diagnostic],
      isPreferred: preferred || undefined,
      edit: { changes: { [f.doc.uri]: real.map((e) => TextEdit.replace(f.doc.lines.range(e.start, e.end), e.newText)) } },
    },
  ];
}

function removeAction(f: FixContext, what = 'property'): CodeAction[] {
  if (!f.key || !f.attr) return [];
  return action(f, `Remove ${f.attr.name} ${what === 'property' ? 'from this key' : what}`, [removeProperty(f.doc, f.key, f.attr)]);
}

const FIXERS: Record<string, Fixer> = {
  'unknown-property': (f) => {
    if (!f.key || !f.attr) return [];
    const suggestions = (f.data.suggestions as string[] | undefined) ?? [];
    return [
      ...suggestions.flatMap((s, i) => action(f, `Rename to ${s}`, [renameProperty(f.key!, f.attr!, s)], i === 0)),
      ...removeAction(f),
    ];
  },
  'property-not-allowed': (f) => removeAction(f),
  'pool-property-outside-pool': (f) => removeAction(f),
  'process-level-ignored': (f) => removeAction(f),
  'value-out-of-range': (f) => {
    if (!f.key || !f.attr) return [];
    const bound = f.data.bound as number | undefined;
    const def = f.data.schemaDefault as string | undefined;
    const min = (f.data.min as number | undefined) ?? 0;
    const max = (f.data.max as number | undefined) ?? 4294967295;
    const out: CodeAction[] = [];
    if (bound !== undefined) out.push(...action(f, `Set ${f.attr.name} to ${bound} (the nearest allowed value)`, [setValue(f.key, f.attr, String(bound))], true));
    if (def !== undefined && /^\d+$/.test(def) && Number(def) >= min && Number(def) <= max && Number(def) !== bound) {
      out.push(...action(f, `Set ${f.attr.name} to ${def} (the schema default)`, [setValue(f.key, f.attr, def)]));
    }
    return out;
  },
  'invalid-value': (f) => {
    if (!f.key || !f.attr) return [];
    const replacement = f.data.replacement as string | undefined;
    if (f.data.problem === 'not-a-bool') {
      const other = replacement === 'TRUE' ? 'FALSE' : 'TRUE';
      return [
        ...action(f, `Change to ${replacement}`, [setValue(f.key, f.attr, replacement ?? 'TRUE')], true),
        ...action(f, `Change to ${other}`, [setValue(f.key, f.attr, other)]),
      ];
    }
    if (f.data.problem === 'unknown-flag') {
      const p = f.doc.catalog.property(f.attr.name);
      const value = f.doc.model.valueOf(f.key.element, f.attr);
      const names = p?.flags?.map((x) => x.name) ?? [];
      const parts = value.split('|').map((x) => x.trim()).filter((x) => x !== '');
      let changed = false;
      const fixed = parts.flatMap((part) => {
        if (names.some((n) => n.toLowerCase() === part.toLowerCase()) || /^\d+$/.test(part)) return [part];
        const near = suggest(part, names, 1)[0];
        changed = true;
        return near ? [near] : [];
      });
      if (!changed) return [];
      return action(f, `Change to "${fixed.join(' | ')}"`, [setValue(f.key, f.attr, fixed.join(' | '))], true);
    }
    if (replacement !== undefined) return action(f, `Set ${f.attr.name} to ${replacement} (the schema default)`, [setValue(f.key, f.attr, replacement)], true);
    return [];
  },
  'approot-mismatch': (f) => (f.key && f.attr ? action(f, `Set AppRoot to "${f.key.location}"`, [setValue(f.key, f.attr, f.key.location)], true) : []),
  'apppool-not-found': (f) => {
    const pool = f.data.pool as string | undefined;
    if (!pool) return [];
    const m = f.doc.model;
    const out: CodeAction[] = [];
    // Create the pool, in IIS's layout, after the last pool (or the pool container).
    const anchor = [...m.pools().values()].pop() ?? m.keyAt(APP_POOLS_PATH);
    if (anchor) {
      const nl = lineEnding(f.doc.source);
      const at = afterKey(f.doc, anchor);
      const lead = at > 0 && f.doc.source.charCodeAt(at - 1) !== 10 ? nl : '';
      const text = lead + renderKey('IIsApplicationPool', `/LM/W3SVC/AppPools/${pool}`, INSTALL_POOL_DEFAULTS, nl);
      out.push(...action(f, `Create application pool "${pool}"`, [{ start: at, end: at, newText: text }], true));
    }
    // Or point AppPoolId at an existing pool (where it is set).
    if (f.key && f.attr && f.attr.name === 'AppPoolId') {
      const pools = (f.data.pools as string[] | undefined) ?? [];
      const near = suggest(pool, pools, 3);
      const choices = [...new Set([...near, ...pools])].slice(0, 5);
      for (const name of choices) out.push(...action(f, `Use the existing pool "${name}"`, [setValue(f.key, f.attr, name)]));
    }
    return out;
  },
  'unknown-key-type': (f) => {
    const el = f.key?.element;
    const suggestions = (f.data.suggestions as string[] | undefined) ?? [];
    if (!el) return [];
    return suggestions.flatMap((s, i) => {
      const edits: OffsetEdit[] = [{ start: el.start + 1, end: el.nameEnd, newText: s }];
      if (el.endTagStart >= 0) edits.push({ start: el.endTagStart + 2, end: el.endTagStart + 2 + el.name.length, newText: s });
      return action(f, `Change to <${s}>`, edits, i === 0);
    });
  },
  'isolation-mode-unset': (f) => {
    if (!f.key) return [];
    return [
      ...action(f, 'Write IIs5IsolationModeEnabled="FALSE" (worker process isolation mode, as a clean install)', [insertProperty(f.doc, f.key, 'IIs5IsolationModeEnabled', 'FALSE')], true),
      ...action(f, 'Write IIs5IsolationModeEnabled="TRUE" (IIS 5.0 isolation mode, the schema default)', [insertProperty(f.doc, f.key, 'IIs5IsolationModeEnabled', 'TRUE')]),
    ];
  },
  'localsystem-identity': (f) => (f.key && f.attr ? action(f, 'Run as NetworkService (AppPoolIdentityType="2")', [setValue(f.key, f.attr, '2')], true) : []),
  'rapid-fail-disabled': (f) => {
    if (!f.key || !f.attr) return [];
    return f.attr.name === 'RapidFailProtection'
      ? action(f, 'Turn rapid-fail protection back on', [setValue(f.key, f.attr, 'TRUE')], true)
      : action(f, 'Allow 5 crashes (the default)', [setValue(f.key, f.attr, '5')], true);
  },
  'pinging-disabled': (f) => (f.key && f.attr ? action(f, 'Turn pinging back on', [setValue(f.key, f.attr, 'TRUE')], true) : []),
  'web-garden-session-state': (f) => (f.key && f.attr?.name === 'MaxProcesses' ? action(f, 'Use one worker process (MaxProcesses="1")', [setValue(f.key, f.attr, '1')], true) : []),
  'history-files-low': (f) => (f.key && f.attr ? action(f, 'Keep 10 history files', [setValue(f.key, f.attr, '10')], true) : []),
  'clear-text-secret': (f) => removeAction(f, 'from the file (set the password with IIS Manager)'),
  'contradicting-settings': (f) => removeAction(f),
  'path-forward-slashes': (f) => {
    // The diagnostic covers the path's text exactly (data.fixed is only sent then); a stale one is left alone.
    const path = f.data.path;
    const fixed = f.data.fixed;
    if (typeof path !== 'string' || typeof fixed !== 'string') return [];
    const start = f.doc.offsetAt(f.diagnostic.range.start);
    const end = f.doc.offsetAt(f.diagnostic.range.end);
    if (f.doc.source.slice(start, end) !== path) return [];
    return action(f, `Write the path with backslashes: ${fixed}`, [{ start, end, newText: fixed }], true);
  },
};

/** Locate the key and the attribute a diagnostic is about. */
function locate(doc: MetabaseDocument, d: Diagnostic, data: Record<string, unknown>): { key?: MetabaseKey; attr?: XmlAttribute } {
  const offset = doc.offsetAt(d.range.start);
  const key = doc.model.keyAtOffset(offset);
  if (!key) return {};
  const property = typeof data.property === 'string' ? data.property : undefined;
  if (!property) return { key };
  const attrs = key.element.attributes.filter((a) => a.name === property);
  const attr = attrs.find((a) => offset >= key.element.start + a.nameStart && offset <= key.element.start + Math.max(a.valueEnd, a.nameEnd)) ?? attrs[0] ?? findAttr(key.element, property);
  return { key, attr };
}

export function doCodeActions(doc: MetabaseDocument, _range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string') continue;
    const fixer = FIXERS[d.code];
    if (!fixer) continue;
    const data = (d.data && typeof d.data === 'object' ? d.data : {}) as Record<string, unknown>;
    const { key, attr } = locate(doc, d, data);
    try {
      out.push(...fixer({ doc, diagnostic: d, data, key, attr }));
    } catch {
      // A fix that cannot be computed for this (possibly stale) diagnostic is simply not offered.
    }
  }
  return out;
}

export const FIXABLE_RULES: readonly string[] = Object.keys(FIXERS);
