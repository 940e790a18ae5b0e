/**
 * What changed between two versions of a metabase (a History copy and the current file, two
 * exports), compared as IIS reads them, not as text:
 *
 *  - keys are matched by Location, without regard to case (IIS writes /ROOT and /Root alike), and
 *    their order in the file does not matter;
 *  - attribute order, indentation, line endings, a byte-order mark and whitespace between
 *    elements do not exist for this comparison (it reads the parsed keys);
 *  - values are compared by their typed meaning: a BOOL by its truth (TRUE, true and 1 are one
 *    value), a DWORD as a number (060 is 60), a flags DWORD as the set of flags it makes (names in
 *    any order, or the number), a MULTISZ (and the MIME map) as its list of entries (indentation
 *    and line endings around the entries ignored, order kept: IIS keeps it), anything else as its
 *    exact text after XML entities are decoded and line endings made one. A value IIS cannot read
 *    is compared as written.
 *
 * Values of SECURE properties (passwords) are never part of the result: a change is reported
 * with `secure: true` and no values.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { MetabaseDocument } from '../metabaseDocument';
import { multiszEntries } from '../model/iisValues';
import { normalizePath, parseBool, type MetabaseKey, type MetabaseModel } from '../model/metabaseModel';
import { parseDword, parseFlags } from '../model/typedValues';
import { computeProcessModel, type ApplicationEntry, type ProcessEntry, type ProcessModel } from '../process/processModel';
import type { PropertyData } from '../schema/types';
import { count } from '../util/words';

export type ChangeKind = 'key-added' | 'key-removed' | 'key-type-changed' | 'property-added' | 'property-removed' | 'property-changed';
/** A value as the change shows it: the text, a MULTISZ's entries, or null (absent, or secure). */
export type DiffValue = string | string[] | null;

export interface MetabaseChange {
  kind: ChangeKind;
  /** The Location as written in NEW (in OLD for a removed key). */
  location: string;
  keyType: string;
  /** null for a change of the key itself. */
  property: string | null;
  old: DiffValue;
  new: DiffValue;
  /** A SECURE property: its values are left out. */
  secure: boolean;
  /** 1-based line in NEW (in OLD for removals). */
  line: number;
  /** Where the change is in each file (offsets; null where it is absent), for editors. */
  oldOffset: number | null;
  newOffset: number | null;
  /**
   * For a property set (added or changed, not secure): its value as adsutil.vbs takes it: a
   * DWORD or flags as a number, a BOOL as TRUE or FALSE, a MULTISZ one argument per entry.
   */
  setValues?: string[];
}

export interface NewError {
  code: string;
  message: string;
  /** 1-based line in NEW. */
  line: number;
  location: string | null;
}

export interface MetabaseDiff {
  changes: MetabaseChange[];
  /** What the changes do, where the process model knows it ("IntranetPool becomes a web garden of 2 processes"). */
  effects: string[];
  /** Errors the rules find in NEW that OLD did not have: what the change made worse. */
  newErrors: NewError[];
}

interface PropertyValue {
  name: string;
  /** The value as written (entities decoded). */
  raw: string;
  def: PropertyData | undefined;
  secure: boolean;
  offset: number;
  /** A <Custom> property: how it is declared, and whether it holds a list. */
  custom?: { declared: string; list: boolean };
}

/** What equality means (see the top of this file); worked out only for values whose text differs. */
function canonical(p: PropertyValue): string {
  if (!p.custom) return canonicalOf(p.raw, p.def);
  const value = p.custom.list ? multiszEntries(p.raw).map((e) => e.text).join('\n') : p.raw.replace(/\r\n?/g, '\n');
  return `${p.custom.declared}|${value}`;
}

/** The same meaning: equal text is (nearly always) the cheap answer. */
function sameValue(a: PropertyValue, b: PropertyValue): boolean {
  if (a.raw === b.raw && a.def === b.def && a.custom?.declared === b.custom?.declared) return true;
  return canonical(a) === canonical(b);
}

/** A value as the change shows it. */
function shownOf(p: PropertyValue): DiffValue {
  if (p.secure) return null;
  const list = p.custom ? p.custom.list : isList(p.def);
  return list ? multiszEntries(p.raw).map((e) => e.text) : p.raw;
}

/** A value as adsutil.vbs SET takes it (undefined for a secure one). */
function setValuesOf(raw: string, def: PropertyData | undefined): string[] | undefined {
  if (def?.secure) return undefined;
  switch (def?.type) {
    case 'BOOL': {
      const b = parseBool(raw);
      return [b === undefined ? raw : b ? 'TRUE' : 'FALSE'];
    }
    case 'DWORD': {
      if (def.flags && def.flags.length > 0) {
        const f = parseFlags(raw, def);
        return [f.unknown.length === 0 ? String(f.value) : raw];
      }
      const n = parseDword(raw.trim());
      return [n === undefined ? raw : String(n)];
    }
    case 'MULTISZ':
    case 'MIMEMAP':
      return multiszEntries(raw).map((e) => e.text);
    default:
      return [raw];
  }
}

/** The canonical form of a value: equal meaning, equal string. */
function canonicalOf(raw: string, def: PropertyData | undefined): string {
  if (!def) return raw;
  switch (def.type) {
    case 'BOOL': {
      const b = parseBool(raw);
      return b === undefined ? `raw:${raw}` : b ? 'TRUE' : 'FALSE';
    }
    case 'DWORD': {
      if (def.flags && def.flags.length > 0) {
        const f = parseFlags(raw, def);
        return f.unknown.length === 0 && raw.trim() !== '' ? `#${f.value}` : `raw:${raw}`;
      }
      const n = parseDword(raw.trim());
      return n === undefined ? `raw:${raw}` : `#${n}`;
    }
    case 'MULTISZ':
    case 'MIMEMAP':
      return multiszEntries(raw)
        .map((e) => e.text)
        .join('\n');
    default:
      // (Line endings inside a value are the file's, not IIS's.)
      return raw.replace(/\r\n?/g, '\n');
  }
}

/** Values written one entry per line: MULTISZ lists and the MIME map. */
const isList = (def: PropertyData | undefined): boolean => def?.type === 'MULTISZ' || def?.type === 'MIMEMAP';

function propertiesOf(model: MetabaseModel, key: MetabaseKey): Map<string, PropertyValue> {
  const out = new Map<string, PropertyValue>();
  for (const entry of model.propertyEntries(key)) {
    const def = entry.prop;
    out.set(entry.name, { name: entry.name, raw: entry.value, def, secure: def?.secure ?? false, offset: key.element.start + entry.attr.nameStart });
  }
  // <Custom> properties, by their Name (or ID): what counts is their value and how it is declared.
  for (const c of model.customs(key)) {
    const name = c.name ?? (c.id !== undefined ? `#${c.id}` : undefined);
    if (!name) continue;
    const get = (n: string): string => {
      const a = c.element.attributes.find((x) => x.name === n);
      return a ? model.valueOf(c.element, a) : '';
    };
    const secure = /\bSECURE\b/i.test(get('Attributes'));
    const declared = `${get('Type')}|${get('UserType')}|${get('Attributes')}|${get('ID')}`;
    const list = /^\s*MULTISZ\s*$/i.test(get('Type'));
    out.set(`Custom ${name}`, { name: `Custom ${name}`, raw: get('Value'), def: undefined, secure, offset: c.element.start, custom: { declared, list } });
  }
  return out;
}

/** A property set (added or changed, not secure): its value as adsutil.vbs SET takes it. */
const setValuesFor = (p: PropertyValue): string[] | undefined => (p.custom || p.secure ? undefined : setValuesOf(p.raw, p.def));

/** Keys by normalised path (the first one of a path, as the rules count duplicates apart). */
function keysByPath(model: MetabaseModel): Map<string, MetabaseKey> {
  const out = new Map<string, MetabaseKey>();
  for (const k of model.keys) if (k.path !== '' && !out.has(k.path)) out.set(k.path, k);
  return out;
}

/**
 * The changes from `oldDoc` to `newDoc`, in NEW's document order (removed keys and properties
 * after, in OLD's order), with their effects and the errors the rules find in NEW only.
 * `validate` gives a document's diagnostics (the language service's, with its settings; only the
 * errors are read, so it may leave the rest out), of the rules in `onlyRules` when it is given.
 */
export function diffDocuments(oldDoc: MetabaseDocument, newDoc: MetabaseDocument, validate: (doc: MetabaseDocument, onlyRules?: ReadonlySet<string>) => Diagnostic[]): MetabaseDiff {
  const oldModel = oldDoc.model;
  const newModel = newDoc.model;
  const oldKeys = keysByPath(oldModel);
  const newKeys = keysByPath(newModel);
  const changes: MetabaseChange[] = [];
  const lineNew = (offset: number): number => newDoc.lines.positionAt(offset).line + 1;
  const lineOld = (offset: number): number => oldDoc.lines.positionAt(offset).line + 1;
  const removed: MetabaseChange[] = [];

  // A key written the same in both files (its element's text, <Custom> children included) has
  // nothing to compare: most keys of a history copy are.
  const sameText = (a: MetabaseKey, b: MetabaseKey): boolean =>
    a.element.end - a.element.start === b.element.end - b.element.start && oldDoc.source.slice(a.element.start, a.element.end) === newDoc.source.slice(b.element.start, b.element.end);

  for (const [path, key] of newKeys) {
    const before = oldKeys.get(path);
    if (before && sameText(before, key)) continue;
    const props = propertiesOf(newModel, key);
    if (!before) {
      changes.push({ kind: 'key-added', location: key.location, keyType: key.keyType, property: null, old: null, new: null, secure: false, line: lineNew(key.element.start), oldOffset: null, newOffset: key.element.start });
      for (const p of props.values()) {
        changes.push({ kind: 'property-added', location: key.location, keyType: key.keyType, property: p.name, old: null, new: shownOf(p), secure: p.secure, line: lineNew(p.offset), oldOffset: null, newOffset: p.offset, setValues: setValuesFor(p) });
      }
      continue;
    }
    if (before.keyType !== key.keyType) {
      changes.push({ kind: 'key-type-changed', location: key.location, keyType: key.keyType, property: null, old: before.keyType, new: key.keyType, secure: false, line: lineNew(key.element.start), oldOffset: before.element.start, newOffset: key.element.start });
    }
    const oldProps = propertiesOf(oldModel, before);
    for (const p of props.values()) {
      const o = oldProps.get(p.name);
      if (!o) {
        changes.push({ kind: 'property-added', location: key.location, keyType: key.keyType, property: p.name, old: null, new: shownOf(p), secure: p.secure, line: lineNew(p.offset), oldOffset: null, newOffset: p.offset, setValues: setValuesFor(p) });
      } else if (!sameValue(o, p)) {
        const secure = p.secure || o.secure;
        changes.push({ kind: 'property-changed', location: key.location, keyType: key.keyType, property: p.name, old: secure ? null : shownOf(o), new: secure ? null : shownOf(p), secure, line: lineNew(p.offset), oldOffset: o.offset, newOffset: p.offset, setValues: secure ? undefined : setValuesFor(p) });
      }
    }
    for (const o of oldProps.values()) {
      if (props.has(o.name)) continue;
      removed.push({ kind: 'property-removed', location: key.location, keyType: key.keyType, property: o.name, old: shownOf(o), new: null, secure: o.secure, line: lineOld(o.offset), oldOffset: o.offset, newOffset: key.element.start });
    }
  }
  for (const [path, key] of oldKeys) {
    if (newKeys.has(path)) continue;
    removed.push({ kind: 'key-removed', location: key.location, keyType: key.keyType, property: null, old: null, new: null, secure: false, line: lineOld(key.element.start), oldOffset: key.element.start, newOffset: null });
  }
  removed.sort((a, b) => (a.oldOffset ?? 0) - (b.oldOffset ?? 0));
  changes.push(...removed);
  return { changes, effects: changes.length > 0 ? effectsOf(oldModel, newModel) : [], newErrors: changes.length > 0 ? newErrors(oldDoc, newDoc, validate) : [] };
}

const MODE_NAME = { worker: 'worker process isolation mode', iis5: 'IIS 5.0 isolation mode' } as const;

/** The effects the process model shows: the isolation mode, pools (web gardens, identities), where applications run. */
function effectsOf(oldModel: MetabaseModel, newModel: MetabaseModel): string[] {
  const out: string[] = [];
  const before = computeProcessModel(oldModel);
  const after = computeProcessModel(newModel);
  if (before.isolationMode !== after.isolationMode) {
    out.push(after.isolationMode === 'unset' ? 'IIs5IsolationModeEnabled is no longer set: the isolation mode is left to the server (IIS 5.0 isolation mode after an upgrade, worker process isolation mode on a clean install)' : `The server switches to ${MODE_NAME[after.isolationMode]}`);
  }
  const mode = after.modes[0];
  const oldMode = before.modes.includes(mode) ? mode : before.modes[0];
  const pools = (pm: ProcessModel, m: string): Map<string, ProcessEntry> => new Map(pm.processes.filter((p) => p.mode === m && p.pool !== null).map((p) => [p.pool!.toLowerCase(), p]));
  const oldPools = pools(before, oldMode);
  for (const [id, p] of pools(after, mode)) {
    const o = oldPools.get(id);
    if (!o) continue;
    if (o.instances !== p.instances) {
      out.push(p.instances > 1 ? `${p.pool} becomes a web garden of ${count(p.instances, 'process', 'processes')}` : `${p.pool} is no longer a web garden: one process`);
    }
    if (o.identity !== p.identity) out.push(`${p.pool} runs as ${p.identity} instead of ${o.identity}`);
  }
  const apps = (pm: ProcessModel, m: string): Map<string, ApplicationEntry> => new Map(pm.applications.filter((a) => a.mode === m).map((a) => [normalizePath(a.location), a]));
  const oldApps = apps(before, oldMode);
  const newApps = apps(after, mode);
  for (const [path, a] of newApps) {
    const o = oldApps.get(path);
    const where = (x: ApplicationEntry): string => (x.pool ? `pool ${x.pool}` : x.image ? `${x.image} (${x.hosting})` : 'nothing');
    if (!o) {
      out.push(a.problem ? `${a.location} is a new application that cannot run: ${a.problem}` : `${a.location} is a new application, served by ${a.image}${a.pool ? ` of pool ${a.pool}` : ''}`);
      continue;
    }
    if (a.problem && !o.problem) out.push(`${a.location} can no longer run: ${a.problem}`);
    else if (!a.problem && o.problem) out.push(`${a.location} runs again, in ${where(a)}`);
    else if ((o.pool ?? '').toLowerCase() !== (a.pool ?? '').toLowerCase() && o.pool && a.pool) out.push(`${a.location} moves from ${o.pool} to ${a.pool}`);
    else if (o.image !== a.image || o.hosting !== a.hosting) out.push(`${a.location} moves from ${where(o)} to ${where(a)}`);
  }
  for (const [path, o] of oldApps) if (!newApps.has(path) && newModel.keyAt(path)) out.push(`${o.location} is no longer an application`);
  return out;
}

/**
 * NEW's errors, then OLD's for the rules that erred in NEW only: an error of another rule in OLD
 * cannot match one in NEW (the rule is part of what makes two errors the same), so OLD is not
 * validated in full (most of what a history copy's validation would find is beside the point).
 */
function newErrors(oldDoc: MetabaseDocument, newDoc: MetabaseDocument, validate: (doc: MetabaseDocument, onlyRules?: ReadonlySet<string>) => Diagnostic[]): NewError[] {
  const after = validate(newDoc);
  const rules = new Set<string>();
  for (const d of after) if (d.severity === 1) rules.add(String(d.code));
  if (rules.size === 0) return [];
  return newErrorsOf(validate(oldDoc, rules), after);
}

/** Errors in NEW that OLD did not have (the same rule, key, property and message counted as one). */
function newErrorsOf(oldDiagnostics: Diagnostic[], newDiagnostics: Diagnostic[]): NewError[] {
  const signature = (d: Diagnostic): string => {
    const data = (d.data ?? {}) as { location?: string | null; property?: string | null };
    return `${String(d.code)}\u0000${(data.location ?? '').toLowerCase()}\u0000${data.property ?? ''}\u0000${typeof d.message === 'string' ? d.message : d.message.value}`;
  };
  const before = new Map<string, number>();
  for (const d of oldDiagnostics) if (d.severity === 1) before.set(signature(d), (before.get(signature(d)) ?? 0) + 1);
  const out: NewError[] = [];
  for (const d of newDiagnostics) {
    if (d.severity !== 1) continue;
    const s = signature(d);
    const left = before.get(s) ?? 0;
    if (left > 0) {
      before.set(s, left - 1);
      continue;
    }
    const data = (d.data ?? {}) as { location?: string | null };
    out.push({ code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value, line: d.range.start.line + 1, location: data.location ?? null });
  }
  return out;
}
