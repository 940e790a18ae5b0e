/**
 * Paths that cannot load: the DLLs and folders that IIS reads from HcCompressionDll, ScriptMaps,
 * FilterPath, Path, WebSvcExtRestrictionList and InProcessIsapiApps, checked for what each
 * property's reference page says about how its path is read.
 *
 * - A drive letter or an environment variable followed straight by a name ("C:WINDOWSsystem32",
 *   "%windir%system32inetsrvgzip.dll"): the backslashes were lost on the way into the file.
 * - An environment variable in a property that is not of the EXPANDSZ type (MBSchema.xml): IIS
 *   reads it literally. Only HcCompressionDll of these properties is EXPANDSZ, and it is the only
 *   one IIS itself writes with %windir% (in the real exports we read, e.g. https://github.com/modulogrc/modSIC).
 * - A relative path where the reference page asks for a full one (not InProcessIsapiApps, whose
 *   page allows a bare DLL name).
 * - Forward slashes in a DLL path IIS loads (LoadLibrary asks for backslashes); CGI programs
 *   (.exe) and the paths IIS only compares or reads as folders are left alone.
 *
 * Key rules: each looks at the key's own values only. ScriptMaps lists, repeated on thousands of
 * keys, are worked out once per parsed list (the model shares one list per distinct text).
 */
import { findAttr, type MetabaseKey } from '../model/metabaseModel';
import { multiszEntries, type ScriptMap, type ValueEntry } from '../model/iisValues';
import type { TextSource } from '../parser/pieceText';
import { decodeXmlValue } from '../parser/scanner';
import type { XmlAttribute } from '../parser/xmlTypes';
import { listSome, rawValue } from './ruleHelpers';
import type { Rule, RuleContext } from './ruleTypes';

const PAGES = {
  HcCompressionDll: 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc778645(v=ws.10)',
  ScriptMaps: 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms526052(v=vs.90)',
  FilterPath: 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms525573(v=vs.90)',
  Path: 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc787825(v=ws.10)',
  WebSvcExtRestrictionList: 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc779909(v=ws.10)',
  InProcessIsapiApps: 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms525160(v=vs.90)',
  ApplicationDependencies: 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524712(v=vs.90)',
} as const;
const LOAD_LIBRARY = 'https://learn.microsoft.com/en-us/windows/win32/api/libloaderapi/nf-libloaderapi-loadlibraryw';
const PATH_FORMATS = 'https://learn.microsoft.com/en-us/dotnet/standard/io/file-path-formats';

type PathPropertyName = Exclude<keyof typeof PAGES, 'ApplicationDependencies'>;

/** How a property holds its paths and how IIS reads them. */
interface PathProperty {
  name: PathPropertyName;
  /** One path, one per line, or a field of each line. */
  kind: 'single' | 'list' | 'scriptMaps' | 'restrictionList';
  /** IIS loads the file as a DLL. */
  loads: boolean;
  /** The reference page asks for a full path. */
  fullPath: boolean;
}

const PROPERTIES: readonly PathProperty[] = [
  { name: 'HcCompressionDll', kind: 'single', loads: true, fullPath: true },
  { name: 'ScriptMaps', kind: 'scriptMaps', loads: true, fullPath: true },
  { name: 'FilterPath', kind: 'single', loads: true, fullPath: true },
  { name: 'Path', kind: 'single', loads: false, fullPath: true },
  { name: 'WebSvcExtRestrictionList', kind: 'restrictionList', loads: false, fullPath: true },
  { name: 'InProcessIsapiApps', kind: 'list', loads: false, fullPath: false },
];

const PROPERTY_NAMES = PROPERTIES.map((p) => p.name);

/** One path found in a value: the decoded path, and where it is in the raw value (value-relative). */
interface PathRef {
  path: string;
  start: number;
  end: number;
  /** The offsets cover exactly the path's raw text (no character reference inside the entry). */
  exact: boolean;
  /** A CGI program rather than a DLL. */
  exe: boolean;
  /** ScriptMaps: the file name extension the entry maps. */
  extension?: string;
  /** WebSvcExtRestrictionList: the entry's GroupID. */
  group?: string;
}

type Problem =
  | { rule: 'path-missing-backslash'; prefix: string }
  | { rule: 'path-variable-not-expanded'; variable: string }
  | { rule: 'path-not-absolute' }
  | { rule: 'path-forward-slashes' };

// ---- reading paths ---------------------------------------------------------------------

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 40 || c === 41;
}

/** The `%NAME%` at `at` (its length), or 0. `%s` (a CGI argument) is no variable. */
function variableAt(p: string, at: number): number {
  if (p.charCodeAt(at) !== 37) return 0;
  let i = at + 1;
  const first = p.charCodeAt(i);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95)) return 0;
  while (i < p.length && isNameChar(p.charCodeAt(i))) i++;
  return p.charCodeAt(i) === 37 && i > at + 1 ? i + 1 - at : 0;
}

/** The first environment variable in `p`, with its percent signs. */
function firstVariable(p: string): string | undefined {
  for (let i = p.indexOf('%'); i >= 0; i = p.indexOf('%', i + 1)) {
    const n = variableAt(p, i);
    if (n > 0) return p.slice(i, i + n);
  }
  return undefined;
}

function isSeparator(c: number): boolean {
  return c === 92 || c === 47;
}

function isDriveAt0(p: string): boolean {
  const c = p.charCodeAt(0) | 0x20;
  return c >= 97 && c <= 122 && p.charCodeAt(1) === 58;
}

/** "C:" or "%windir%" followed straight by a name: the backslash after it is missing. */
function missingBackslash(p: string): string | undefined {
  if (isDriveAt0(p)) return p.length > 2 && !isSeparator(p.charCodeAt(2)) ? p.slice(0, 2) : undefined;
  const n = variableAt(p, 0);
  return n > 0 && p.length > n && !isSeparator(p.charCodeAt(n)) ? p.slice(0, n) : undefined;
}

/** Fixed to a drive or a share, rooted on the current drive, or starting with a variable. */
function isRooted(p: string): boolean {
  return (isDriveAt0(p) && isSeparator(p.charCodeAt(2))) || isSeparator(p.charCodeAt(0)) || variableAt(p, 0) > 0;
}

function endsWithIgnoreCase(s: string, end: number, suffix: string): boolean {
  return end >= suffix.length && s.slice(end - suffix.length, end).toLowerCase() === suffix;
}

/**
 * The file in a script processor or restriction-list path: a quoted path, or the text up to the
 * first ".dll" or ".exe" that ends a word (a CGI entry goes on with its arguments: `perl.exe "%s" %s`).
 */
function fileIn(field: string, at: number): { start: number; end: number } {
  let s = at;
  let e = field.length;
  while (s < e && field.charCodeAt(s) <= 32) s++;
  while (e > s && field.charCodeAt(e - 1) <= 32) e--;
  if (field.charCodeAt(s) === 34) {
    const close = field.indexOf('"', s + 1);
    return { start: s + 1, end: close < 0 ? e : close };
  }
  const lower = field.toLowerCase();
  for (let i = s; i < e; ) {
    const dll = lower.indexOf('.dll', i);
    const exe = lower.indexOf('.exe', i);
    const hit = dll < 0 ? exe : exe < 0 ? dll : Math.min(dll, exe);
    if (hit < 0 || hit >= e) break;
    const after = hit + 4;
    if (after >= e || field.charCodeAt(after) <= 32 || field.charCodeAt(after) === 34) return { start: s, end: after };
    i = hit + 1;
  }
  return { start: s, end: e };
}

/** The second comma-separated field of a line, as a path reference. */
function fieldPath(entry: ValueEntry, extra: Partial<PathRef>): PathRef | undefined {
  const text = entry.text;
  const c1 = text.indexOf(',');
  if (c1 < 0) return undefined;
  let c2 = text.indexOf(',', c1 + 1);
  if (c2 < 0) c2 = text.length;
  const { start, end } = fileIn(text.slice(0, c2), c1 + 1);
  if (end <= start) return undefined;
  const path = text.slice(start, end);
  // Offsets in the decoded line are offsets in the raw one when no character reference changed it.
  const exact = entry.end - entry.start === text.length;
  return { path, start: exact ? entry.start + start : entry.start, end: exact ? entry.start + end : entry.end, exact, exe: endsWithIgnoreCase(path, path.length, '.exe'), ...extra };
}

function singlePath(raw: string): PathRef[] {
  let s = 0;
  let e = raw.length;
  while (s < e && raw.charCodeAt(s) <= 32) s++;
  while (e > s && raw.charCodeAt(e - 1) <= 32) e--;
  if (e <= s) return [];
  const path = decodeXmlValue(raw.slice(s, e));
  return [{ path, start: s, end: e, exact: path.length === e - s, exe: false }];
}

function restrictionPaths(raw: string): PathRef[] {
  const out: PathRef[] = [];
  for (const entry of multiszEntries(raw)) {
    const flag = entry.text.charCodeAt(0);
    if ((flag !== 48 && flag !== 49) || entry.text.charCodeAt(1) !== 44) continue; // not "0," or "1,": another rule's business
    const fields = entry.text.split(',');
    const file = fields[1].trim();
    if (file === '*.dll' || file === '*.exe') continue; // "all unlisted ISAPIs / CGIs"
    const ref = fieldPath(entry, { group: fields[3]?.trim() || undefined });
    if (ref) out.push(ref);
  }
  return out;
}

function listPaths(raw: string): PathRef[] {
  return multiszEntries(raw).map((entry) => ({ path: entry.text, start: entry.start, end: entry.end, exact: entry.end - entry.start === entry.text.length, exe: false }));
}

// ---- judging paths ---------------------------------------------------------------------

function problemsOf(ref: PathRef, spec: PathProperty, expands: boolean): Problem[] {
  const p = ref.path;
  const out: Problem[] = [];
  const prefix = missingBackslash(p);
  if (prefix) out.push({ rule: 'path-missing-backslash', prefix });
  const variable = expands ? undefined : firstVariable(p);
  if (variable) out.push({ rule: 'path-variable-not-expanded', variable });
  if (spec.fullPath && !prefix && !isRooted(p)) out.push({ rule: 'path-not-absolute' });
  if (spec.loads && !ref.exe && p.includes('/')) out.push({ rule: 'path-forward-slashes' });
  return out;
}

interface Found {
  ref: PathRef;
  problem: Problem;
}

/** Per parsed ScriptMaps list (shared by every key with the same text): its problems. */
const scriptMapProblems = new WeakMap<ScriptMap[], { expands: boolean; found: Found[] }>();

function scriptMapsFound(maps: ScriptMap[], spec: PathProperty, expands: boolean): Found[] {
  const memo = scriptMapProblems.get(maps);
  if (memo && memo.expands === expands) return memo.found;
  const found: Found[] = [];
  for (const s of maps) {
    const ref = fieldPath(s.entry, { extension: s.extension });
    if (!ref) continue;
    for (const problem of problemsOf(ref, spec, expands)) found.push({ ref, problem });
  }
  scriptMapProblems.set(maps, { expands, found });
  return found;
}

const NONE: Found[] = [];

/**
 * The common case, read in place (Path on thousands of keys, without a string per value): a
 * value that starts with a drive and a backslash, or with two backslashes, and has no '%', '/' or
 * character reference in it has nothing to report.
 */
function plainAbsolute(text: TextSource, from: number, to: number): boolean {
  let i = from;
  while (i < to && text.charCodeAt(i) <= 32) i++;
  if (to - i < 3) return false;
  const c0 = text.charCodeAt(i) | 0x20;
  const rooted = (c0 >= 97 && c0 <= 122 && text.charCodeAt(i + 1) === 58 && text.charCodeAt(i + 2) === 92) || (text.charCodeAt(i) === 92 && text.charCodeAt(i + 1) === 92);
  if (!rooted) return false;
  for (i += 2; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 37 || c === 47 || c === 38) return false;
  }
  return true;
}

/** The problems of one property of a key (ScriptMaps memoised per list). */
function foundIn(ctx: RuleContext, key: MetabaseKey, spec: PathProperty, attr: XmlAttribute): Found[] {
  const expands = ctx.catalog.property(spec.name)?.type === 'EXPANDSZ';
  if (spec.kind === 'scriptMaps') {
    const maps = ctx.model.ownScriptMaps(key);
    return maps ? scriptMapsFound(maps, spec, expands) : [];
  }
  if (spec.kind === 'single' && plainAbsolute(ctx.model.text, key.element.start + attr.valueStart, key.element.start + attr.valueEnd)) return NONE;
  const raw = rawValue(ctx.model, key, attr);
  const refs = spec.kind === 'single' ? singlePath(raw) : spec.kind === 'list' ? listPaths(raw) : restrictionPaths(raw);
  const out: Found[] = [];
  for (const ref of refs) for (const problem of problemsOf(ref, spec, expands)) out.push({ ref, problem });
  return out;
}

// ---- messages --------------------------------------------------------------------------

/** What goes wrong when IIS cannot use the path. */
function consequence(spec: PathProperty, ref: PathRef, dependents: string[] | undefined): string {
  switch (spec.name) {
    case 'HcCompressionDll':
      return 'IIS cannot load the compression DLL, so this scheme compresses nothing';
    case 'ScriptMaps':
      return ref.exe ? `IIS cannot start the program for ${ref.extension || 'this extension'}` : `IIS cannot load the handler, and requests for ${ref.extension || 'this extension'} fail`;
    case 'FilterPath':
      return 'IIS cannot load the ISAPI filter';
    case 'Path':
      return "IIS looks for this virtual directory's content in a folder that is not the one meant";
    case 'WebSvcExtRestrictionList': {
      const by = dependents && dependents.length > 0 ? ` (${listSome(dependents)} depend${dependents.length === 1 ? 's' : ''} on its group ${ref.group} in ApplicationDependencies)` : '';
      return `the entry matches no extension, and the extension it was meant for is judged by the "All Unlisted" entry (*.dll or *.exe) instead${by}`;
    }
    case 'InProcessIsapiApps':
      return 'the entry matches no DLL, and the DLL it means is not kept in the Web server process';
  }
}

/** What the path belongs to, without the path (the first sentence of a message stays short). */
function brief(spec: PathProperty, ref: PathRef): string {
  switch (spec.name) {
    case 'ScriptMaps':
      return `The ${ref.extension || '(no extension)'} script map's ${ref.exe ? 'program' : 'DLL'}`;
    case 'WebSvcExtRestrictionList':
      return 'This restriction-list entry';
    case 'InProcessIsapiApps':
      return 'This InProcessIsapiApps entry';
    case 'HcCompressionDll':
      return 'The compression DLL path (HcCompressionDll)';
    case 'FilterPath':
      return 'The filter DLL path (FilterPath)';
    default:
      return `The folder (${spec.name})`;
  }
}

function messageOf(spec: PathProperty, ref: PathRef, problem: Problem, typeName: string, dependents: string[] | undefined): string {
  const short = brief(spec, ref);
  const what = `"${ref.path}"`;
  const then = consequence(spec, ref, dependents);
  switch (problem.rule) {
    case 'path-missing-backslash': {
      const how = problem.prefix.length === 2 ? `Windows reads "${problem.prefix}name" relative to the current folder of drive ${problem.prefix}` : `${problem.prefix} stands for a folder without a trailing backslash, so the name after it runs into that folder's name`;
      const lost = ref.path.includes('\\') ? '' : ' The path has no backslash at all: they were probably lost on the way into the file (a script or tool that reads \\ as an escape character).';
      return `${short} lacks the backslash after "${problem.prefix}". In ${what}, ${how}; as written, ${then}.${lost} Write the full path with its backslashes.`;
    }
    case 'path-variable-not-expanded':
      return `${short} uses ${problem.variable}, which IIS does not expand in ${spec.name}. ${spec.name} is of type ${typeName}: IIS expands environment variables only in EXPANDSZ properties (such as HcCompressionDll), so ${what} is read literally: ${then}. Write the path out in full.`;
    case 'path-not-absolute': {
      const why =
        spec.kind === 'restrictionList'
          ? 'each entry names its extension by the full path'
          : spec.loads
            ? 'a relative DLL name is looked up in the DLL search folders of the worker process (LoadLibrary), not where it was meant to be'
            : 'a relative folder is resolved against the current folder of the worker process';
      return `${short} is not a full path. The ${spec.name} reference asks for one: ${why}; as written, ${what}: ${then}. Write the full path (drive and folders).`;
    }
    case 'path-forward-slashes':
      return `${short} uses forward slashes. IIS loads ${what} with LoadLibrary, whose documentation asks for backslashes (\\) in paths, not forward slashes. Write the path with backslashes.`;
  }
}

/** ApplicationDependencies of /LM/W3SVC: the applications that depend on each GroupID (lower case). */
function dependentsByGroup(ctx: RuleContext, key: MetabaseKey): Map<string, string[]> | undefined {
  const attr = findAttr(key.element, 'ApplicationDependencies');
  if (!attr) return undefined;
  const map = new Map<string, string[]>();
  for (const entry of multiszEntries(rawValue(ctx.model, key, attr))) {
    const semi = entry.text.indexOf(';');
    if (semi < 0) continue;
    const app = entry.text.slice(0, semi).trim();
    for (const g of entry.text.slice(semi + 1).split(',')) {
      const group = g.trim().toLowerCase();
      if (!group || !app) continue;
      let list = map.get(group);
      if (!list) map.set(group, (list = []));
      if (!list.includes(app)) list.push(app);
    }
  }
  return map;
}

// ---- the rules -------------------------------------------------------------------------

function pathRule(id: Problem['rule'], meta: { defaultSeverity: 'error' | 'warning'; description: string; sources: string[] }, applies: (spec: PathProperty) => boolean): Rule {
  const specs = PROPERTIES.filter(applies);
  return {
    meta: { id, ...meta },
    needs: specs.map((s) => s.name),
    checkKey(ctx, key) {
      let dependents: Map<string, string[]> | undefined | null = null;
      for (const spec of specs) {
        const attr = findAttr(key.element, spec.name);
        if (!attr || attr.valueStart < 0) continue;
        const found = foundIn(ctx, key, spec, attr);
        if (found.length === 0) continue;
        const typeName = ctx.catalog.property(spec.name)?.type ?? 'STRING';
        const base = key.element.start + attr.valueStart;
        for (const { ref, problem } of found) {
          if (problem.rule !== id) continue;
          let deps: string[] | undefined;
          if (spec.kind === 'restrictionList' && ref.group) {
            if (dependents === null) dependents = dependentsByGroup(ctx, key);
            deps = dependents?.get(ref.group.toLowerCase());
          }
          const data: Record<string, unknown> = { path: ref.path };
          if (problem.rule === 'path-forward-slashes' && ref.exact) data.fixed = ref.path.replace(/\//g, '\\');
          if (deps) data.dependents = deps;
          ctx.report({ start: base + ref.start, end: base + ref.end, key, property: spec.name, message: messageOf(spec, ref, problem, typeName, deps), data });
        }
      }
    },
  };
}

const NO_FULL_PATH_EXCEPTION = 'InProcessIsapiApps is left out: its page allows a bare DLL name.';

export const pathMissingBackslash = pathRule(
  'path-missing-backslash',
  {
    defaultSeverity: 'error',
    description: `A path in ${PROPERTY_NAMES.join(', ')} whose drive letter or leading environment variable is followed straight by a name ("C:WINDOWSsystem32...", "%windir%system32inetsrvgzip.dll"): Windows reads it relative to another folder, typically because its backslashes were lost.`,
    sources: [
      `${PATH_FORMATS} ("C:name" is relative to the current folder of drive C:)`,
      `${PAGES.HcCompressionDll} (HcCompressionDll: the fully qualified path of the DLL)`,
      `${PAGES.ScriptMaps} (ScriptMaps: the full path to the DLL)`,
      `${PAGES.FilterPath} (FilterPath: the full path to the filter DLL)`,
      `${PAGES.Path} (Path: the physical path of the virtual directory)`,
      `${PAGES.WebSvcExtRestrictionList} (WebSvcExtRestrictionList: the full path to the extension)`,
      `${PAGES.InProcessIsapiApps} (InProcessIsapiApps: a full path or just the DLL name)`,
      `${PAGES.ApplicationDependencies} (ApplicationDependencies: the applications that depend on a GroupID of the restriction list)`,
    ],
  },
  () => true,
);

export const pathVariableNotExpanded = pathRule(
  'path-variable-not-expanded',
  {
    defaultSeverity: 'warning',
    description:
      'An environment variable (%NAME%) in a path of ScriptMaps, FilterPath, Path, WebSvcExtRestrictionList or InProcessIsapiApps. These are STRING or MULTISZ properties (MBSchema.xml); IIS expands variables only in EXPANDSZ ones such as HcCompressionDll, and writes these paths in full itself. The reference pages do not say in so many words that variables stay unexpanded: the rule rests on the types.',
    sources: [
      `${PAGES.HcCompressionDll} (HcCompressionDll: EXPANDSZ)`,
      `${PAGES.ScriptMaps} (ScriptMaps: MULTISZ, the full path to the DLL)`,
      `${PAGES.FilterPath} (FilterPath: STRING, the full path)`,
      `${PAGES.Path} (Path: String)`,
      `${PAGES.WebSvcExtRestrictionList} (WebSvcExtRestrictionList: MULTISZ, the full path)`,
      `${PAGES.InProcessIsapiApps} (InProcessIsapiApps: MULTISZ)`,
      'https://technet.microsoft.com/library/dd939903(v=ws.10) (adsutil output: %windir% kept in an EXPANDSZ value, machine paths in the MULTISZ restriction list)',
      `${PAGES.ApplicationDependencies} (ApplicationDependencies: the applications that depend on a GroupID of the restriction list)`,
    ],
  },
  (spec) => spec.name !== 'HcCompressionDll',
);

export const pathNotAbsolute = pathRule(
  'path-not-absolute',
  {
    defaultSeverity: 'warning',
    description: `A relative path where the reference page asks for a full one: HcCompressionDll (fully qualified), ScriptMaps and FilterPath (the full path to the DLL), WebSvcExtRestrictionList (the full path to the extension), Path (the physical folder of a virtual directory). ${NO_FULL_PATH_EXCEPTION}`,
    sources: [
      `${PAGES.HcCompressionDll} (HcCompressionDll: the fully qualified path)`,
      `${PAGES.ScriptMaps} (ScriptMaps: the full path to the DLL)`,
      `${PAGES.FilterPath} (FilterPath: the full path to the filter DLL)`,
      `${PAGES.WebSvcExtRestrictionList} (WebSvcExtRestrictionList: the full path to the extension)`,
      `${PAGES.Path} (Path: the physical path of the virtual directory)`,
      `${PAGES.InProcessIsapiApps} (InProcessIsapiApps: a full path or just the DLL name)`,
      `${PAGES.ApplicationDependencies} (ApplicationDependencies: the applications that depend on a GroupID of the restriction list)`,
      `${PATH_FORMATS} (relative and absolute paths on Windows)`,
    ],
  },
  (spec) => spec.fullPath,
);

export const pathForwardSlashes = pathRule(
  'path-forward-slashes',
  {
    defaultSeverity: 'warning',
    description: 'Forward slashes in a DLL path IIS loads (HcCompressionDll, a ScriptMaps DLL, FilterPath); LoadLibrary asks for backslashes. CGI programs and the paths IIS only compares or reads as folders are not reported.',
    sources: [
      `${LOAD_LIBRARY} (use backslashes, not forward slashes, in a path)`,
      `${PAGES.HcCompressionDll} (HcCompressionDll: the compression DLL)`,
      `${PAGES.ScriptMaps} (ScriptMaps: the ISAPI DLL of a script map)`,
      `${PAGES.FilterPath} (FilterPath: the filter DLL)`,
    ],
  },
  (spec) => spec.loads,
);

export const pathRules: Rule[] = [pathMissingBackslash, pathVariableNotExpanded, pathNotAbsolute, pathForwardSlashes];
