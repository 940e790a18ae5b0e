/**
 * Structural rules: XML well-formedness, key types, Locations and properties against MBSchema.xml.
 */
import { DEFAULT_APP_POOL, findAttr, lastSegment, parentPath, type MetabaseKey } from '../model/metabaseModel';
import type { Rule, RuleContext } from './ruleTypes';
import { checkValue, DWORD_MAX, parseDword } from '../model/typedValues';
import { quoted } from './ruleHelpers';
import { listAnd } from '../util/words';

const FORMAT = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc785283(v=ws.10)';
const SCHEMA_PAGE = 'https://learn.microsoft.com/en-us/previous-versions/aa670790(v=vs.71)';
/** What IIS does with a property it cannot read (an empty DWORD, BOOL or flags value among them). */
const EMPTY_VALUE = [
  'http://www.microsoft.com/technet/prodtechnol/WindowsServer2003/Library/IIS/b2ab63b5-52d1-43ba-a370-dac2a8a27b6b.mspx (Best Practices for Maintaining Metabase Integrity: a property that is invalid by the schema is a recoverable error, "cannot read property" goes to the event log and the rest of IIS keeps running; the page does not single out empty values)',
  'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms525644(v=vs.90) (IIS Metabase Properties: incorrectly formatted properties are ignored or behave unexpectedly)',
];
const STRUCTURE_PAGE = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc784572(v=ws.10)';

const IGNORED_MARKUP = new Set(['doctype', 'processing-instruction', 'cdata', 'unexpected-text']);

export const xmlSyntax: Rule = {
  meta: {
    id: 'xml-syntax',
    defaultSeverity: 'error',
    description: 'The file is not well-formed XML; IIS refuses to start with such a metabase.',
    sources: [FORMAT, 'http://www.microsoft.com/technet/prodtechnol/WindowsServer2003/Library/IIS/b2ab63b5-52d1-43ba-a370-dac2a8a27b6b.mspx'],
  },
  check(ctx) {
    for (const p of ctx.model.xml.problems) {
      if (IGNORED_MARKUP.has(p.kind) && p.severity !== 'error') continue;
      ctx.report({ start: p.start, end: p.end, message: p.message, data: { kind: p.kind } });
    }
  },
};

export const ignoredMarkup: Rule = {
  meta: {
    id: 'xml-ignored-markup',
    defaultSeverity: 'warning',
    description: 'DOCTYPE, processing instructions, CDATA or text that a metabase does not use.',
    sources: [STRUCTURE_PAGE],
  },
  check(ctx) {
    for (const p of ctx.model.xml.problems) {
      if (IGNORED_MARKUP.has(p.kind) && p.severity !== 'error') {
        ctx.report({ start: p.start, end: p.end, message: p.message, data: { kind: p.kind } });
      }
    }
  },
};

export const unknownKeyType: Rule = {
  meta: {
    id: 'unknown-key-type',
    defaultSeverity: 'warning',
    description: 'An element name that is not a key type of the schema (ADSI then treats the key as a generic IIsObject).',
    sources: [SCHEMA_PAGE, 'https://learn.microsoft.com/en-us/previous-versions/aa711260(v=vs.71)'],
  },
  checkKey(ctx, key) {
    if (ctx.catalog.isKnownKeyType(key.keyType)) return;
    const near = ctx.catalog.suggestKeyTypes(key.keyType);
    const hint = near.length > 0 ? ` Did you mean ${near.map((n) => `<${n}>`).join(' or ')}?` : '';
    ctx.reportKey(key, `<${key.keyType}> is not a key type IIS knows. ADSI treats the key as a generic object, so its properties may not apply.${hint}`, {
      data: { suggestions: near },
    });
  },
};

export const missingLocation: Rule = {
  meta: {
    id: 'missing-location',
    defaultSeverity: 'error',
    description: 'A key without a Location attribute: IIS cannot place it in the metabase tree.',
    sources: [STRUCTURE_PAGE],
  },
  checkKey(ctx, key) {
    if (key.locationAttr && key.location.trim() !== '') return;
    ctx.reportKey(key, `<${key.keyType}> has no Location, so IIS cannot tell which metabase path it configures. Add Location ="/LM/...".`);
  },
};

export const duplicateLocation: Rule = {
  meta: {
    id: 'duplicate-location',
    defaultSeverity: 'error',
    description: 'Two keys with the same Location (paths compare case-insensitively).',
    sources: [STRUCTURE_PAGE],
  },
  reads: [],
  check(ctx) {
    for (const key of ctx.model.duplicates) {
      const first = ctx.model.byPath.get(key.path);
      const line = first ? ctx.lineOf(first.element.start) : 0;
      ctx.reportValue(key, key.locationAttr!, `Location ${quoted(key.location, 60)} is already used on line ${line}. A path holds only one key, so one of the two would be lost; merge this key into the <${first?.keyType}> there.`);
    }
  },
};

function propertyHint(ctx: RuleContext, key: MetabaseKey, name: string): { text: string; suggestions: string[] } {
  const near = ctx.catalog.suggestProperties(name, key.keyType);
  return { text: near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '', suggestions: near };
}

export const unknownProperty: Rule = {
  meta: {
    id: 'unknown-property',
    defaultSeverity: 'warning',
    description: 'An attribute that is not a property of the schema (names are case-sensitive); IIS ignores it.',
    sources: [SCHEMA_PAGE, FORMAT, 'http://www.microsoft.com/technet/prodtechnol/WindowsServer2003/Library/IIS/b2ab63b5-52d1-43ba-a370-dac2a8a27b6b.mspx'],
  },
  checkKey(ctx, key) {
    for (const entry of ctx.model.propertyEntries(key)) {
      if (entry.prop) continue;
      const attr = entry.attr;
      const { text, suggestions } = propertyHint(ctx, key, attr.name);
      const caseOnly = ctx.catalog.propertyIgnoringCase(attr.name);
      const why = caseOnly
        ? `${attr.name} is spelt ${caseOnly.name}: names are case-sensitive, so IIS ignores this one.`
        : `${attr.name} is not a metabase property, so IIS ignores it. Custom properties belong in a <Custom> element.`;
      ctx.reportName(key, attr, `${why}${caseOnly ? '' : text}`, {
        property: attr.name,
        data: { suggestions },
      });
    }
  },
};

/** Key types of the same service (Web, Ftp, Smtp...) as `keyType` first: the likely intended home. */
function sameFamilyFirst(keyType: string, keyTypes: string[]): string[] {
  const family = (k: string): string => /^IIs(Web|Ftp|Smtp|Nntp|Pop3|Imap|Application)/.exec(k)?.[1] ?? '';
  const mine = family(keyType);
  return [...keyTypes].sort((a, b) => Number(family(b) === mine) - Number(family(a) === mine) || a.localeCompare(b));
}

export const propertyNotAllowed: Rule = {
  meta: {
    id: 'property-not-allowed',
    defaultSeverity: 'warning',
    description: 'A property that MBSchema.xml does not allow on this key type.',
    sources: [SCHEMA_PAGE],
  },
  checkKey(ctx, key) {
    if (!ctx.catalog.keyType(key.keyType)) return;
    for (const entry of ctx.model.propertyEntries(key)) {
      const p = entry.prop;
      if (!p || ctx.catalog.allowsProperty(key.keyType, p)) continue;
      if (ctx.catalog.level(p) === 'pool') continue; // reported by pool-property-outside-pool
      const attr = entry.attr;
      const homes = sameFamilyFirst(key.keyType, p.keyTypes);
      const where = homes.length > 0 ? ` It belongs on ${homes.slice(0, 4).join(', ')}${homes.length > 4 ? '…' : ''}.` : ' The schema assigns it to no key type.';
      ctx.reportAttr(key, attr, `IIS does not read ${attr.name} on <${key.keyType}>: the schema does not allow it there.${where}`, {
        property: attr.name,
        data: { keyTypes: p.keyTypes },
      });
    }
  },
};

export const poolPropertyOutsidePool: Rule = {
  meta: {
    id: 'pool-property-outside-pool',
    defaultSeverity: 'warning',
    description: 'An application-pool property set on a key that is not an application pool.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524663(v=vs.90)', SCHEMA_PAGE],
  },
  checkKey(ctx, key) {
    if (!ctx.catalog.keyType(key.keyType) || key.keyType === 'IIsApplicationPool' || key.keyType === 'IIsApplicationPools') return;
    for (const entry of ctx.model.propertyEntries(key)) {
      const p = entry.prop;
      if (!p || ctx.catalog.level(p) !== 'pool' || ctx.catalog.allowsProperty(key.keyType, p)) continue;
      const attr = entry.attr;
      ctx.reportAttr(key, attr, `${attr.name} has no effect on <${key.keyType}>: it is an application-pool setting. Set it on the pool (IIsApplicationPool) that serves these applications, or on /LM/W3SVC/AppPools for every pool.`, {
        property: attr.name,
      });
    }
  },
};

export const invalidValue: Rule = {
  meta: {
    id: 'invalid-value',
    defaultSeverity: 'error',
    description:
      'A value of the wrong type: a DWORD that is not a number, a BOOL that is not TRUE/FALSE, an unknown flag name, or an empty value (`AuthPersistence=""`). IIS logs that it cannot read the property and loads the rest of the metabase without it, so the key inherits the value instead; the message for a flags property says it takes flag names or a number.',
    sources: [FORMAT, ...EMPTY_VALUE],
  },
  checkKey(ctx, key) {
    for (const entry of ctx.model.propertyEntries(key)) {
      const p = entry.prop;
      if (!p || (p.type !== 'DWORD' && p.type !== 'BOOL') || !entry.hasValue) continue;
      // The common cases without making a string of the value.
      if (p.type === 'BOOL' ? entry.valueIs('TRUE') || entry.valueIs('FALSE') : !(p.flags && p.flags.length > 0) && entry.dword !== undefined && entry.dword <= DWORD_MAX) continue;
      const raw = entry.value;
      const res = checkValue(p, raw);
      if (res.ok) continue;
      const attr = entry.attr;
      let message: string;
      const data: Record<string, unknown> = { problem: res.problem };
      switch (res.problem) {
        case 'not-a-bool':
          message =
            raw.trim() === ''
              ? `${attr.name} is a BOOL: write TRUE or FALSE, not an empty value. IIS cannot read an empty value: it logs an error and loads the key without ${attr.name}, so the key inherits its parent's value or the default.`
              : `${attr.name} is a BOOL: write TRUE or FALSE, not ${quoted(raw)}. IIS cannot read this value and logs an error, so the property is lost.`;
          data.replacement = res.suggestion;
          break;
        case 'unknown-flag': {
          const names = p.flags?.map((f) => f.name) ?? [];
          message = `${quoted(res.detail ?? '')} is not a flag of ${attr.name}. Valid flags: ${names.slice(0, 8).join(', ')}${names.length > 8 ? '…' : ''}.`;
          data.unknownFlags = res.detail;
          break;
        }
        case 'too-large':
          message = `${attr.name} is larger than a DWORD can hold (4294967295).`;
          data.replacement = '4294967295';
          break;
        default: {
          const isFlags = !!(p.flags && p.flags.length > 0);
          if (raw.trim() === '') {
            // IIS reads an empty value as a property it cannot read: "cannot read property" in
            // the event log, the rest of the metabase loads (EMPTY_VALUE sources).
            message = isFlags
              ? `${attr.name} takes flag names or a number, and this value is empty. IIS cannot read an empty value: it logs an error and loads the key without ${attr.name}, so the key inherits its parent's value or the default. For no flags at all write 0.`
              : `${attr.name} takes a number (DWORD), and this value is empty. IIS cannot read an empty value: it logs an error and loads the key without ${attr.name}, so the key inherits its parent's value or the default. Write a decimal number or remove the attribute.`;
          } else {
            message = `${attr.name} is a number (DWORD): ${quoted(raw)} is not a decimal value. IIS cannot read it and logs an error, so the property is lost.`;
          }
          const def = p.schemaDefault;
          const fallback = def !== undefined && (parseDword(def) !== undefined || (isFlags && def.trim() !== '' && checkValue(p, def).ok)) ? def : undefined;
          if (fallback !== undefined) data.replacement = fallback;
        }
      }
      ctx.reportValue(key, attr, message, { property: attr.name, data });
    }
  },
};

export const valueOutOfRange: Rule = {
  meta: {
    id: 'value-out-of-range',
    defaultSeverity: 'error',
    description: 'A number outside the range MBSchema.xml allows for the property.',
    sources: [SCHEMA_PAGE, 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524493(v=vs.90)'],
  },
  checkKey(ctx, key) {
    for (const entry of ctx.model.propertyEntries(key)) {
      const p = entry.prop;
      if (!p || p.type !== 'DWORD' || p.flags || (p.min === undefined && p.max === undefined) || !entry.hasValue) continue;
      const n = entry.dword;
      if (n === undefined) continue;
      const low = p.min !== undefined && n < p.min;
      const high = p.max !== undefined && n > p.max;
      if (!low && !high) continue;
      const attr = entry.attr;
      const bound = low ? p.min! : p.max!;
      const range = `${p.min ?? 0}–${p.max ?? 4294967295}`;
      const unit = p.facts?.units ? ` ${p.facts.units}` : '';
      ctx.reportValue(key, attr, `${attr.name}="${n}" is outside the allowed range ${range}${unit}. IIS rejects a value outside this range when it reads the metabase and logs an event.`, {
        property: attr.name,
        data: { bound, schemaDefault: p.schemaDefault, min: p.min, max: p.max },
      });
    }
  },
};

export const unknownEnumValue: Rule = {
  meta: {
    id: 'unknown-enum-value',
    defaultSeverity: 'warning',
    description: 'A number that is not one of the documented values of an enumerated property.',
    sources: [SCHEMA_PAGE],
  },
  checkKey(ctx, key) {
    for (const entry of ctx.model.propertyEntries(key)) {
      const p = entry.prop;
      const values = p?.facts?.enumValues;
      if (!p || !values || p.type !== 'DWORD' || !entry.hasValue) continue;
      const n = entry.dword;
      if (n === undefined || isEnumValue(values, n)) continue;
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) continue; // value-out-of-range
      const attr = entry.attr;
      const list = ctx.catalog.valueOptions(p).map((v) => `${v.value} (${v.label ?? v.name})`).join(', ');
      ctx.reportValue(key, attr, `${attr.name}="${n}" is not a documented value. Use one of ${list}.`, { property: attr.name });
    }
  },
};

/** A loop, not `some`: a closure per number of a 10,000-site file was 13 MB of garbage. */
function isEnumValue(values: ReadonlyArray<{ value: number }>, n: number): boolean {
  for (const v of values) if (v.value === n) return true;
  return false;
}

export const invalidCustomProperty: Rule = {
  meta: {
    id: 'invalid-custom-property',
    defaultSeverity: 'warning',
    description: 'A <Custom> property element without a Name, a numeric ID or a Type.',
    sources: [FORMAT],
  },
  checkKey(ctx, key) {
    for (const custom of ctx.model.customs(key)) {
      const el = custom.element;
      const missing: string[] = [];
      if (!custom.name) missing.push('a Name');
      if (custom.id === undefined) missing.push('a numeric ID');
      if (!findAttr(el, 'Type')) missing.push('a Type');
      if (missing.length === 0) continue;
      ctx.report({
        start: el.start + 1,
        end: el.nameEnd,
        key,
        message: `This <Custom> property lacks ${listAnd(missing)}. IIS loads a custom property only with a Name, a numeric ID and a Type.`,
      });
    }
  },
};

export const invalidParent: Rule = {
  meta: {
    id: 'invalid-parent',
    defaultSeverity: 'warning',
    description: 'A key placed under a parent key type that may not contain it (MBSchema.xml ContainerClassList).',
    sources: [SCHEMA_PAGE, STRUCTURE_PAGE],
  },
  reads: [],
  check(ctx) {
    // Pairs of (parent type, child type) are judged once per run.
    const verdicts = new Map<string, Map<string, boolean>>();
    for (const key of ctx.model.keys) {
      const parent = key.parent;
      if (!parent) continue;
      let byChild = verdicts.get(parent.keyType);
      if (!byChild) verdicts.set(parent.keyType, (byChild = new Map()));
      let fine = byChild.get(key.keyType);
      if (fine === undefined) {
        fine = !ctx.catalog.isKnownKeyType(key.keyType) || !ctx.catalog.isKnownKeyType(parent.keyType) || ctx.catalog.canContain(parent.keyType, key.keyType) !== false;
        byChild.set(key.keyType, fine);
      }
      if (fine) continue;
      // Only judge the direct parent: when levels in between are missing (an excerpt or export),
      // the real parent is not in the file. (Compared without building the parent path.)
      const slash = key.path.lastIndexOf('/');
      if (slash !== (parent.path === '/' ? 0 : parent.path.length) || !key.path.startsWith(parent.path)) continue;
      const allowed = ctx.catalog.keyType(parent.keyType)?.containers ?? [];
      const list = allowed.length > 0 ? `may contain ${allowed.filter((a) => a !== 'IIsObject').join(', ') || 'only generic keys'}` : 'may not contain other keys';
      ctx.reportKey(key, `<${key.keyType}> cannot sit under <${parent.keyType}>. That key (${parent.location}) ${list}; check the Location path.`, {
        data: { parentType: parent.keyType },
      });
    }
  },
};

interface LocationShape {
  test: (path: string) => boolean;
  expected: string;
}

const LOCATION_SHAPES: Record<string, LocationShape> = {
  IIsWebService: { test: (p) => p === '/lm/w3svc', expected: '/LM/W3SVC' },
  IIsApplicationPools: { test: (p) => p === '/lm/w3svc/apppools', expected: '/LM/W3SVC/AppPools' },
  IIsApplicationPool: { test: (p) => parentPath(p) === '/lm/w3svc/apppools', expected: '/LM/W3SVC/AppPools/<pool name>' },
  IIsWebServer: { test: (p) => /^\/lm\/w3svc\/(\d+|info\/templates\/[^/]+)$/.test(p), expected: '/LM/W3SVC/<site number>' },
  IIsWebVirtualDir: { test: (p) => /^\/lm\/w3svc\/(\d+|info\/templates\/[^/]+)\/root(\/.*)?$/.test(p), expected: '/LM/W3SVC/<site number>/ROOT[/...]' },
  IIsWebDirectory: { test: (p) => /^\/lm\/w3svc\/\d+\/root\/.+$/.test(p), expected: '/LM/W3SVC/<site number>/ROOT/...' },
  IIsWebFile: { test: (p) => /^\/lm\/w3svc\/\d+\/root\/.+$/.test(p), expected: '/LM/W3SVC/<site number>/ROOT/.../<file>' },
  IIsComputer: { test: (p) => p === '/lm', expected: '/LM' },
  IIsFtpService: { test: (p) => p === '/lm/msftpsvc', expected: '/LM/MSFTPSVC' },
  IIsFtpServer: { test: (p) => /^\/lm\/msftpsvc\/\d+$/.test(p), expected: '/LM/MSFTPSVC/<site number>' },
  IIsFtpVirtualDir: { test: (p) => /^\/lm\/msftpsvc\/\d+\/root(\/.*)?$/.test(p), expected: '/LM/MSFTPSVC/<site number>/ROOT[/...]' },
  IIS_Global: { test: (p) => p === '.', expected: '.' },
  IIS_ROOT: { test: (p) => p === '/', expected: '/' },
};

export const locationMismatch: Rule = {
  meta: {
    id: 'location-mismatch',
    defaultSeverity: 'warning',
    description: 'A Location that does not fit its key type (pools under /LM/W3SVC/AppPools/, sites at /LM/W3SVC/<n>, ...).',
    sources: [STRUCTURE_PAGE, 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms525303(v=vs.90)'],
  },
  keyTypes: Object.keys(LOCATION_SHAPES),
  checkKey(ctx, key) {
    const shape = LOCATION_SHAPES[key.keyType];
    if (!shape || !key.path || shape.test(key.path)) return;
    const extra = key.keyType === 'IIsApplicationPool' ? ` Applications name a pool by the last part of this path (AppPoolId="${lastSegment(key.location) || DEFAULT_APP_POOL}"), and IIS looks for pools only under /LM/W3SVC/AppPools.` : '';
    ctx.reportValue(key, key.locationAttr!, `This Location does not fit the key type <${key.keyType}>. It belongs at ${shape.expected}, not at "${key.location}".${extra}`, {
      data: { expected: shape.expected },
    });
  },
};

export const structureRules: Rule[] = [
  xmlSyntax,
  ignoredMarkup,
  unknownKeyType,
  missingLocation,
  duplicateLocation,
  unknownProperty,
  propertyNotAllowed,
  poolPropertyOutsidePool,
  invalidValue,
  valueOutOfRange,
  unknownEnumValue,
  invalidCustomProperty,
  invalidParent,
  locationMismatch,
];
