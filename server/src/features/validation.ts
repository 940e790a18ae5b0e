/**
 * Runs the rule registry over a parsed document and turns findings into LSP diagnostics:
 * severities from settings, comment suppression, a cap on the number of diagnostics, and
 * diagnostic.data carrying the key, Location and property each finding is about (the CLI prints
 * them, quick fixes read them).
 *
 * Findings of key rules are kept per key (offsets relative to the key's element) in a
 * ValidationCache (rules/findingCache.ts) that travels with the document from version to version:
 * after an edit only the keys whose elements changed are checked again, and all of them only when
 * the isolation mode or the schema changed. Findings of document rules that declare what they read
 * (Rule.reads) are kept there too, with absolute offsets that each edit moves (noteEdit); the other
 * document rules run every time.
 */
import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import type { MetabaseDocument } from '../metabaseDocument';
import type { MetabaseKey, MetabaseModel } from '../model/metabaseModel';
import { DetachedValidationCache, NO_FINDINGS, ValidationCache, type CachedFinding } from '../rules/findingCache';
import { ruleDocUrl } from '../rules/ruleDocs';
import { allRules, ruleById } from '../rules/registry';
import type { Finding, Rule, RuleContext, Severity, SeveritySetting } from '../rules/ruleTypes';
import { SuppressionFilter } from '../rules/suppression';
import { attributeEnd, type XmlAttribute } from '../parser/xmlTypes';
import { detach } from '../util/detach';

export const DIAGNOSTIC_SOURCE = 'iis6-metabase';

export interface ValidationSettings {
  /** Per-rule severity overrides. */
  rules?: Record<string, SeveritySetting>;
  /** At most this many diagnostics per file (default 1000). */
  maxDiagnostics?: number;
  /** Only diagnostics at least this severe are made (the diff needs the errors alone). */
  minimumSeverity?: Severity;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 1, warning: 2, information: 3, hint: 4 };

export interface DiagnosticData {
  keyType: string | null;
  location: string | null;
  property: string | null;
  [extra: string]: unknown;
}

export interface ValidationResult {
  diagnostics: Diagnostic[];
  /** How many diagnostics were left out because of maxDiagnostics. */
  truncated: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DEFAULT_MAX_DIAGNOSTICS = 1000;

const KEY_RULES = allRules.filter((r) => r.checkKey);
const DOCUMENT_RULES = allRules.filter((r) => r.check);

/** Bits for the properties key rules need (Rule.needs), by name. */
const NEED_BITS = new Map<string, number>();
for (const r of KEY_RULES) for (const n of r.needs ?? []) if (!NEED_BITS.has(n)) NEED_BITS.set(n, 1 << NEED_BITS.size);
if (NEED_BITS.size > 31) throw new Error('too many properties in Rule.needs for one mask');

/** A key rule with the mask of the properties it needs (0: it needs none). */
interface KeyRulePlan {
  rule: Rule;
  needs: number;
}

/** The key rules that can find anything on a key type, in registry order. */
function plansFor(keyType: string | undefined): KeyRulePlan[] {
  return KEY_RULES.filter((r) => !r.keyTypes || (keyType !== undefined && r.keyTypes.includes(keyType))).map((rule) => ({ rule, needs: (rule.needs ?? []).reduce((m, n) => m | NEED_BITS.get(n)!, 0) }));
}
/**
 * One plan per key type some rule names; every other element name (misspelt or half-typed key
 * types among them, a new one with each keystroke) shares the plan of the rules without a filter,
 * so the table does not grow with editing.
 */
const plansByKeyType = new Map<string, KeyRulePlan[]>([...new Set(KEY_RULES.flatMap((r) => r.keyTypes ?? []))].map((t) => [t, plansFor(t)]));
const otherKeyTypes = plansFor(undefined);
/** A rule that declares `keyTypes` runs on keys of those types only: its body need not ask. */
function keyRulesFor(keyType: string): KeyRulePlan[] {
  return plansByKeyType.get(keyType) ?? otherKeyTypes;
}

/**
 * The document-wide facts key rules may read besides their own key: when any of them changes,
 * every key is checked again.
 */
function validationContext(model: MetabaseModel): string {
  const pools = model.keyAt('/LM/W3SVC/AppPools');
  const ws = model.webService();
  const poolMap = model.pools();
  const mode = model.isolationMode();
  const has64 = model.has64BitScriptMaps();
  // Worked out again only when one of the keys it is read from was replaced, or the map of pools
  // was rebuilt (the model rebuilds it when a Location changes; see applyChanges).
  const memo = contextMemos.get(model);
  if (memo && memo.pools === pools && memo.ws === ws && memo.poolMap === poolMap && memo.mode === mode && memo.has64 === has64) return memo.value;
  const value = [
    mode,
    model.hasPoolContainer(),
    [...poolMap.values()].map((p) => model.poolName(p)).join('/'),
    ws ? (model.get(ws, 'WebSvcExtRestrictionList') ?? '') : '',
    pools ? (model.get(pools, 'Enable32BitAppOnWin64') ?? '') : '',
    has64,
  ].join('\u0000');
  contextMemos.set(model, { pools, ws, poolMap, mode, has64, value });
  return value;
}

const contextMemos = new WeakMap<MetabaseModel, { pools: MetabaseKey | undefined; ws: MetabaseKey | undefined; poolMap: ReadonlyMap<string, MetabaseKey>; mode: string; has64: boolean; value: string }>();

function makeContext(doc: MetabaseDocument, sink: (f: Omit<Finding, 'rule'>) => void, onLineOf?: () => void): RuleContext {
  const attrRange = (key: MetabaseKey, attr: XmlAttribute, part: 'all' | 'name' | 'value'): [number, number] => {
    const base = key.element.start;
    if (part === 'name' || (part === 'value' && attr.valueStart < 0)) return [base + attr.nameStart, base + attr.nameEnd];
    if (part === 'value') return [base + attr.valueStart, base + attr.valueEnd];
    return [base + attr.nameStart, Math.min(attributeEnd(doc.source, base, attr), doc.length)];
  };
  // As `{ key, property, ...extra, start, end, message }`, without the spread (thousands of findings).
  const make = (key: MetabaseKey, property: string | undefined, extra: Partial<Omit<Finding, 'rule'>> | undefined, start: number, end: number, message: string): Omit<Finding, 'rule'> =>
    extra === undefined
      ? { start, end, message, key, property, data: undefined, tags: undefined, severity: undefined }
      : { start, end, message, key: 'key' in extra ? extra.key : key, property: 'property' in extra ? extra.property : property, data: extra.data, tags: extra.tags, severity: extra.severity };
  return {
    model: doc.model,
    catalog: doc.catalog,
    report: sink,
    lineOf: (offset) => {
      onLineOf?.();
      return doc.lines.positionAt(offset).line + 1;
    },
    reportAttr(key, attr, message, extra) {
      const [start, end] = attrRange(key, attr, 'all');
      sink(make(key, attr.name, extra, start, end, message));
    },
    reportName(key, attr, message, extra) {
      const [start, end] = attrRange(key, attr, 'name');
      sink(make(key, attr.name, extra, start, end, message));
    },
    reportValue(key, attr, message, extra) {
      const [start, end] = attrRange(key, attr, 'value');
      sink(make(key, attr.name, extra, start, end, message));
    },
    reportKey(key, message, extra) {
      sink(make(key, undefined, extra, key.element.start + 1, key.element.nameEnd, message));
    },
  };
}

/** The order of diagnostics: by start, then end, then rule id. */
function compareFindings(a: { start: number; end: number; rule: string }, b: { start: number; end: number; rule: string }): number {
  return a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

function absolute(key: MetabaseKey, f: CachedFinding): Finding {
  const at = key.element.start;
  return { rule: f.rule, start: at + f.start, end: at + f.end, message: f.message, key, property: f.property, data: f.data, tags: f.tags, severity: f.severity };
}

/**
 * The findings of the enabled rules, reusing (and filling) the document's caches, in steps (after
 * each document rule, and among the keys whenever `sliceMs` have passed since the last step), so a
 * document is validated between other requests (validateInSlices). The document rules' findings
 * come as objects; the keys' stay stored on the keys, listed in document order.
 */
/** How findingSteps runs: see validate's options. */
interface StepOptions {
  sliceMs?: number;
  skipByNeeds?: boolean;
  /** Only these rules run, with a cache of their own (the document's is left alone). */
  onlyRules?: ReadonlySet<string>;
}

function findingSteps(doc: MetabaseDocument, enabled: (ruleId: string) => boolean, options: StepOptions = {}): Iterator<void> & { findings: Finding[]; keyed: MetabaseKey[]; keyedTotal: number; cache: ValidationCache } {
  const sliceMs = options.sliceMs ?? Infinity;
  const skipByNeeds = options.skipByNeeds ?? true;
  const only = options.onlyRules;
  const model = doc.model;
  /** Findings of the document rules. */
  const findings: Finding[] = [];
  /**
   * Keys with stored findings, in document order (their findings are made absolute only when
   * shown: finish). The cache keeps this list for the next validation and updates it in place.
   */
  // (Assigned below, before the generator's body first runs.)
  // eslint-disable-next-line prefer-const
  let result: Generator<void> & { findings: Finding[]; keyed: MetabaseKey[]; keyedTotal: number; cache: ValidationCache };
  let current = '';
  let usedLines = false;
  const ctx = makeContext(
    doc,
    (f) => findings.push({ rule: current, start: f.start, end: f.end, message: f.message, key: f.key, property: f.property, data: f.data, tags: f.tags, severity: f.severity }),
    () => (usedLines = true),
  );
  const context = validationContext(model);
  let cache = doc.validationCache;
  if (only) cache = new DetachedValidationCache(context, doc.catalog);
  else if (!cache || cache.context !== context || cache.catalog !== doc.catalog) cache = doc.validationCache = new ValidationCache(detach(context), doc.catalog);
  const keyCache = cache;
  let fresh: CachedFinding[] = NO_FINDINGS;
  let base = 0;
  const keyCtx = makeContext(doc, (f) => {
    if (fresh === NO_FINDINGS) fresh = [];
    // Cached across versions: strings built from the text must not keep the text alive.
    fresh.push({ rule: current, start: f.start - base, end: f.end - base, message: detach(f.message), property: f.property, data: f.data && detachData(f.data), tags: f.tags, severity: f.severity });
  });
  function* steps(): Generator<void> {
    for (const rule of DOCUMENT_RULES) {
      if (!enabled(rule.meta.id)) continue;
      const kept = rule.reads && keyCache.documentRule(rule.meta.id);
      if (kept) {
        for (const f of kept) findings.push(f);
        continue;
      }
      current = rule.meta.id;
      usedLines = false;
      const from = findings.length;
      rule.check!(ctx);
      if (rule.reads) {
        // Kept across versions: nothing in them may hold on to this version's text.
        for (let i = from; i < findings.length; i++) {
          const f = findings[i];
          findings[i] = { ...f, message: detach(f.message), data: f.data && detachData(f.data) };
        }
        keyCache.storeDocumentRule(rule.meta.id, findings.slice(from), usedLines);
      }
      yield;
    }
    const checked = (key: MetabaseKey): CachedFinding[] => {
      let list = keyCache.of(key);
      if (!list) {
        fresh = NO_FINDINGS;
        base = key.element.start;
        const has = model.propertyMask(key, NEED_BITS);
        for (const { rule, needs } of keyRulesFor(key.keyType)) {
          if (skipByNeeds && needs !== 0 && (needs & has) === 0) continue;
          if (only && !only.has(rule.meta.id)) continue;
          current = rule.meta.id;
          rule.checkKey!(keyCtx, key);
        }
        // In diagnostic order (stable: equal ones keep the rules' order).
        list = fresh.length > 1 ? fresh.sort(compareFindings) : fresh;
        keyCache.store(key, list);
      }
      return list;
    };
    const shortcut = keyCache.shortcut(model);
    if (shortcut) {
      for (const key of shortcut) checked(key);
      result.keyed = keyCache.keyedAfter(model, shortcut);
      result.keyedTotal = keyCache.keyedTotal;
      return;
    }
    keyCache.setComplete(false);
    const keyed = result.keyed;
    const keys = model.keys;
    let sliceStart = performance.now();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const list = checked(key);
      if (list.length > 0) keyed.push(key);
      // (The clock is read every 64 keys: a key takes a few microseconds.)
      if ((i & 63) === 63 && sliceMs !== Infinity && performance.now() - sliceStart >= sliceMs) {
        yield;
        sliceStart = performance.now();
      }
    }
    keyCache.setComplete(true, keyed);
    result.keyedTotal = keyCache.keyedTotal;
  }
  result = Object.assign(steps(), { findings, keyed: [] as MetabaseKey[], keyedTotal: 0, cache: keyCache });
  return result;
}

function detachData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = typeof v === 'string' ? detach(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? detach(x) : x)) : v;
  return out;
}

export function severityOf(ruleId: string, finding: Finding | undefined, settings: ValidationSettings): SeveritySetting {
  const configured = settings.rules?.[ruleId];
  if (configured) return configured;
  return finding?.severity ?? ruleById.get(ruleId)?.meta.defaultSeverity ?? 'warning';
}

export function toDiagnostic(doc: MetabaseDocument, f: Finding, severity: Severity): Diagnostic {
  const data: DiagnosticData = {
    keyType: f.key?.keyType ?? null,
    location: f.key ? f.key.location || null : null,
    property: f.property ?? null,
    ...f.data,
  };
  const diagnostic: Diagnostic = {
    range: doc.lines.range(f.start, Math.max(f.start, f.end)),
    severity: SEVERITY[severity],
    code: f.rule,
    codeDescription: { href: ruleDocUrl(f.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    data,
  };
  if (f.tags && f.tags.length > 0) {
    diagnostic.tags = f.tags.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  }
  return diagnostic;
}

/**
 * Options, for tests and the diff: `checkEveryKey` runs each key rule on every key of its types,
 * also those without a property the rule `needs` (a test compares the diagnostics both ways, so a
 * wrong `needs` declaration shows); `onlyRules` runs those rules alone, keeping their findings
 * apart from the document's cache (the diff looks in OLD only for the rules that erred in NEW).
 */
export function validate(doc: MetabaseDocument, settings: ValidationSettings = {}, options: { checkEveryKey?: boolean; onlyRules?: ReadonlySet<string> } = {}): ValidationResult {
  const only = options.onlyRules;
  const enabled = (id: string): boolean => settings.rules?.[id] !== 'off' && (!only || only.has(id));
  const steps = findingSteps(doc, enabled, { skipByNeeds: !options.checkEveryKey, onlyRules: only });
  for (let r = steps.next(); !r.done; r = steps.next());
  return finish(doc, steps.cache, steps.findings, steps.keyed, steps.keyedTotal, settings, enabled);
}

/** How long validateInSlices works before it gives the event loop a turn (requests waiting are answered then). */
export const VALIDATION_SLICE_MS = 4;

/**
 * Validation in steps of about VALIDATION_SLICE_MS: `pause` gives the event loop a turn between
 * them (a hover or a completion waiting meanwhile is answered at once), and `stillWanted`
 * (checked after each pause) abandons the work when the document changed meanwhile.
 */
export async function validateInSlices(doc: MetabaseDocument, settings: ValidationSettings, pause: () => Promise<void>, stillWanted: () => boolean): Promise<ValidationResult | undefined> {
  const enabled = (id: string): boolean => settings.rules?.[id] !== 'off';
  const steps = findingSteps(doc, enabled, { sliceMs: VALIDATION_SLICE_MS });
  for (let r = steps.next(); !r.done; r = steps.next()) {
    await pause();
    if (!stillWanted()) return undefined;
  }
  return finish(doc, steps.cache, steps.findings, steps.keyed, steps.keyedTotal, settings, enabled);
}

/**
 * The diagnostics: the document rules' findings and the keys' findings merged in diagnostic order
 * (the keys' are in that order already, key after key), filtered by severity settings and
 * suppression comments, cut at maxDiagnostics. A key's finding becomes an object with absolute
 * offsets only when it is shown: at 10,000 sites most of them are counted, not shown.
 */
function finish(doc: MetabaseDocument, cache: ValidationCache, docFindings: Finding[], keyed: readonly MetabaseKey[], keyedTotal: number, settings: ValidationSettings, enabled: (ruleId: string) => boolean): ValidationResult {
  // (findingSteps stored every key's findings in `cache`.)
  const cachedOf = (key: MetabaseKey): CachedFinding[] => cache.of(key) ?? [];
  const filter = new SuppressionFilter(doc.source, doc.xml, doc.lines);
  const max = settings.maxDiagnostics ?? DEFAULT_MAX_DIAGNOSTICS;
  const shown: Diagnostic[] = [];
  let total = 0;
  const worstShown = SEVERITY_RANK[settings.minimumSeverity ?? 'hint'];
  const consider = (f: { rule: string; start: number; severity?: Severity }, make: () => Finding): void => {
    const sev = severityOf(f.rule, f as Finding, settings);
    if (sev === 'off' || SEVERITY_RANK[sev] > worstShown) return;
    if (!filter.isEmpty && filter.suppressed(f.rule, f.start)) return;
    total++;
    if (shown.length < max) shown.push(toDiagnostic(doc, make(), sev));
  };
  const docs = [...docFindings].sort(compareFindings);
  // The keys' findings one after the other, with absolute offsets (no object per finding).
  const cur = { rule: '', start: 0, end: 0, severity: undefined as Severity | undefined };
  let k = 0;
  let i = -1;
  let list: CachedFinding[] = [];
  /** Findings in the keys' lists loaded so far. */
  let loaded = 0;
  let outOfOrder = false;
  const advance = (): boolean => {
    for (;;) {
      if (++i >= list.length) {
        if (k >= keyed.length) return false;
        list = cachedOf(keyed[k++]);
        loaded += list.length;
        i = -1;
        continue;
      }
      const f = list[i];
      if (!enabled(f.rule)) continue;
      const at = keyed[k - 1].element.start;
      const start = at + f.start;
      const end = at + f.end;
      // Keys in document order give findings in diagnostic order, unless keys overlap (a key
      // nested in another, in a broken file): then sort them all as they come (below).
      if (cur.rule !== '' && (start - cur.start || end - cur.end || (f.rule < cur.rule ? -1 : 0)) < 0) {
        outOfOrder = true;
        return false;
      }
      cur.rule = f.rule;
      cur.start = start;
      cur.end = end;
      cur.severity = f.severity;
      return true;
    }
  };
  // With no rule turned off and no suppression comment, every finding counts: once the cap is
  // reached the rest are counted by list lengths, not visited.
  const countable = filter.isEmpty && !settings.minimumSeverity && !Object.values(settings.rules ?? {}).includes('off');
  let more = advance();
  let d = 0;
  while (!outOfOrder && (d < docs.length || more)) {
    if (countable && shown.length >= max) {
      // The lists not loaded yet: the running total of the keys' findings less those loaded.
      total += docs.length - d + (more ? list.length - i : 0) + (keyedTotal - loaded);
      break;
    }
    if (more && (d >= docs.length || compareFindings(docs[d], cur) > 0)) {
      const key = keyed[k - 1];
      const f = list[i];
      consider(cur, () => absolute(key, f));
      more = advance();
    } else {
      const f = docs[d++];
      consider(f, () => f);
    }
  }
  if (outOfOrder) {
    shown.length = 0;
    total = 0;
    const all = [...docFindings];
    for (const key of keyed) for (const f of cachedOf(key)) if (enabled(f.rule)) all.push(absolute(key, f));
    for (const f of all.sort(compareFindings)) consider(f, () => f);
  }
  return { diagnostics: shown, truncated: total - shown.length };
}
