/**
 * The metabase model: keys by Location, the key tree, inheritance, sites, applications, pools and
 * the isolation mode. Built from the syntax tree; it never re-reads the text except to decode the
 * values it is asked for.
 *
 * Paths compare case-insensitively (IIS writes both /ROOT and /Root); property and key-type names
 * compare case-sensitively, as IIS reads them.
 */
import { parseBindings, parseRestrictionList, parseScriptMaps, type BindingParse, type RestrictionEntry, type ScriptMap } from './iisValues';
import { decodeXmlValue, isKeyElementName } from '../parser/scanner';
import { detach } from '../util/detach';
import type { NameIds, XmlAttribute, XmlDocument, XmlElement } from '../parser/xmlTypes';
import { occursAt, type TextSource } from '../parser/pieceText';
import type { SchemaCatalog } from '../schema/catalog';
import type { PropertyData } from '../schema/types';
import { parseDword, parseFlags } from './typedValues';

export interface CustomProperty {
  element: XmlElement;
  name?: string;
  id?: number;
}

const NO_KEYS: MetabaseKey[] = [];
const NO_CUSTOMS: CustomProperty[] = [];

export class MetabaseKey {
  parent: MetabaseKey | null = null;
  /** Child keys (a shared empty array until the first child). */
  children: MetabaseKey[] = NO_KEYS;
  /** Slot for the validation cache (rules/findingCache.ts): what it keeps of this key; the model never reads it. */
  findings: object | undefined = undefined;
  /**
   * Slots for the model: the key's own ScriptMaps and bindings, parsed once (a key's element never
   * changes: an edit makes a new key). Slots, not maps: a map keyed by 46,000 fresh objects first
   * has to give each of them an identity hash.
   */
  ownScriptMapsMemo: ScriptMap[] | undefined = undefined;
  bindingsMemo: { ServerBindings?: BindingParse[]; SecureBindings?: BindingParse[] } | undefined = undefined;
  /** Slot for the model: what this application inherits (MetabaseModel.appInfo), for one generation of the model. */
  appInfoMemo: { generation: number; info: AppInfo } | undefined = undefined;
  /** Slot for the model: the pool id under which this key is listed in applicationsByPool (if it is). */
  poolListed: string | undefined = undefined;
  /** Slot for the model: the ScriptMaps in effect here, for one generation of the model's ScriptMaps. */
  scriptMapsMemo: { generation: number; value: { from: MetabaseKey; maps: ScriptMap[] } | undefined } | undefined = undefined;

  constructor(
    readonly element: XmlElement,
    /** The Location as written (decoded), '' when missing. */
    readonly location: string,
    /** Normalised path: lower case, no trailing slash ('/' and '.' stay); '' without Location. */
    readonly path: string,
    /** Index in model.keys. */
    public index: number,
  ) {}

  /** The element name: the key type (IIsWebServer...). */
  get keyType(): string {
    return this.element.name;
  }

  get locationAttr(): XmlAttribute | undefined {
    return findAttr(this.element, 'Location');
  }

  addChild(child: MetabaseKey): void {
    if (this.children === NO_KEYS) this.children = [];
    this.children.push(child);
  }
}

export type IsolationMode = 'worker' | 'iis5' | 'unset';

/** Attributes the model indexes (rules that look for "every key that sets X" use them). */
export const INDEXED_ATTRIBUTES = ['AppRoot', 'AppPoolId', 'ScriptMaps', 'ServerBindings', 'SecureBindings', 'AnonymousPasswordSync', 'AccessSSLFlags'] as const;
export type IndexedAttribute = (typeof INDEXED_ATTRIBUTES)[number];

/** What an application inherits, as the rules need it. */
export interface AppInfo {
  /** The pool name in effect (AppPoolId, inherited, default DefaultAppPool), as written. */
  poolName: string;
  /** The same, trimmed and lower-cased, to look the pool up. */
  poolId: string;
  /** The key that sets AppPoolId; null when the default applies. */
  poolFrom: MetabaseKey | null;
  /** The key whose ScriptMaps are in effect. */
  scriptMapsFrom: MetabaseKey | null;
  /** The ASP.NET version the application's script maps load (from the .aspx map first). */
  aspNet: string | undefined;
  aspxMapped: boolean;
  /** AspAllowSessionState in effect (TRUE by default). */
  aspSession: boolean;
  /** DefaultDoc in effect when it lacks Default.aspx while default documents are on (else null). */
  defaultDocWithoutAspx: { value: string; from: MetabaseKey | null } | null;
  /** AuthFlags in effect is Integrated Windows authentication only, with Negotiate (Kerberos) allowed. */
  kerberosOnly: boolean;
}

/** The properties appInfo() reads (on the application or up its tree); AppRoot makes applications. */
export const APP_INFO_PROPERTIES = ['AppRoot', 'AppPoolId', 'ScriptMaps', 'DefaultDoc', 'DirBrowseFlags', 'AuthFlags', 'NTAuthenticationProviders', 'AspAllowSessionState'] as const;

/** What applyChanges did. */
export interface ModelChange {
  /** Keys that left, and the keys that came (in the same order when not structural). */
  gone: MetabaseKey[];
  fresh: MetabaseKey[];
  /** Keys came, went, or changed path or type. */
  structural: boolean;
  /**
   * Names of the properties whose value (or presence) changed on the swapped keys; null when
   * that is not known (a structural change, or an element other than a key changed).
   */
  changed: Set<string> | null;
  /**
   * True when the change is one key whose Location changed and nothing moved with it: the same
   * key type, no key below its old or its new path, neither path held by another key nor looked up
   * by name, not a site, a pool or a template, and none of the indexed properties (AppRoot,
   * AppPoolId...) on it. Document rules reach keys only as applications, pools, sites, keys with
   * an indexed property, and the keys above those (see Rule.reads), so such a key is none of
   * theirs before or after: only the rules about paths and the key tree find anything new
   * (rules/findingCache.ts, ValidationCache.noteEdit).
   */
  leafMove: boolean;
}

export interface EffectiveValue {
  /** Decoded value, undefined when not set anywhere up the tree. */
  value: string | undefined;
  /** The key that sets it (the key itself, or an ancestor when inherited); null when unset. */
  from: MetabaseKey | null;
  attr: XmlAttribute | undefined;
}

const aspNetMemo = new WeakMap<ScriptMap[], { aspx: boolean; aspNet: string | undefined }>();

/** Whether a list of script maps sends .aspx to ASP.NET, and which version it loads (once per shared list). */
function aspNetOfMaps(maps: ScriptMap[]): { aspx: boolean; aspNet: string | undefined } {
  let known = aspNetMemo.get(maps);
  if (!known) {
    const aspxMap = maps.find((m) => m.aspNet && m.extension.toLowerCase() === '.aspx');
    known = { aspx: !!aspxMap, aspNet: (aspxMap ?? maps.find((m) => m.aspNet))?.aspNet?.version };
    aspNetMemo.set(maps, known);
  }
  return known;
}

/** Appends the keys below `key` in the tree (not `key` itself) to `out`, and returns `out`. */
function collectBelow(key: MetabaseKey, out: MetabaseKey[]): MetabaseKey[] {
  // Without recursion: a file may nest paths thousands of levels deep.
  const stack: MetabaseKey[] = [key];
  while (stack.length > 0) {
    for (const c of stack.pop()!.children) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Parsed ScriptMaps by the length of their raw text (entries are immutable and offsets value-relative, so they can be shared). */
const parsedScriptMaps = new Map<number, Array<{ raw: string; maps: ScriptMap[] }>>();
/**
 * Characters of raw text the cache holds. Every keystroke inside a ScriptMaps value (a few KB)
 * adds a distinct text, so the cache is emptied past this bound: about 1 MB of text and the
 * parsed entries with it, instead of growing with a day of editing. A metabase repeats a handful
 * of lists, which are parsed again after a clear.
 */
const SCRIPT_MAPS_CACHE_CHARS = 1 << 20;
let parsedScriptMapChars = 0;

export const WEB_SERVICE_PATH = '/lm/w3svc';
/** What the paths below /LM/W3SVC start with (a constant: concatenated in a loop it cost a new string per key). */
export const WEB_SERVICE_PREFIX = '/lm/w3svc/';
export const APP_POOLS_PATH = '/lm/w3svc/apppools';
export const DEFAULT_APP_POOL = 'DefaultAppPool';
const SITE_PATH = /^\/lm\/w3svc\/\d+$/;
const TEMPLATES_PATH = '/lm/w3svc/info/templates';
/** Paths the rules and the model look up by name (the pools and the templates are checked apart, with what is below them). */
const FIXED_PATHS: ReadonlySet<string> = new Set(['/', '.', '/lm', WEB_SERVICE_PATH, '/lm/w3svc/info']);

export function normalizePath(location: string): string {
  let p = location.trim().toLowerCase();
  if (p.includes('\\')) p = p.replace(/\\/g, '/');
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function parentPath(path: string): string | undefined {
  if (path === '/' || path === '.' || path === '') return undefined;
  const i = path.lastIndexOf('/');
  if (i < 0) return undefined;
  return i === 0 ? '/' : path.slice(0, i);
}

/** Last segment of a Location, as written. */
export function lastSegment(location: string): string {
  const trimmed = location.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** What the property entries of one key share (one object per key, not per property). */
interface EntryOwner {
  readonly model: MetabaseModel;
  readonly el: XmlElement;
}

/** What a property entry works out on request. */
interface EntryExtras {
  decoded?: string;
  attr?: XmlAttribute;
}

/**
 * A property of a key with its definition. The attribute object and the decoded value are made on
 * first use: most rules only look at the definition, and a 10,000-site file has 370,000 of these
 * (so they are small: what they share is in one object per key, what they work out in another).
 */
export class PropertyEntry {
  private extras: EntryExtras | undefined = undefined;

  constructor(
    private readonly owner: EntryOwner,
    /** Index of the attribute in the element's table. */
    private readonly index: number,
    readonly prop: PropertyData | undefined,
  ) {}

  private get more(): EntryExtras {
    return (this.extras ??= {});
  }

  get attr(): XmlAttribute {
    const more = this.more;
    return (more.attr ??= this.owner.el.table.attribute(this.index));
  }

  get name(): string {
    return this.owner.el.table.name(this.index);
  }

  /** False for `Name=` with no value. */
  get hasValue(): boolean {
    return this.owner.el.table.valueStart(this.index) >= 0;
  }

  get value(): string {
    const more = this.more;
    const { model, el } = this.owner;
    return (more.decoded ??= model.valueAt(el, this.index));
  }

  /**
   * The value as a DWORD (parseDword), read straight from the text when it is plain digits: no
   * string per value for the number rules (200,000 numbers in a 10,000-site file).
   */
  get dword(): number | undefined {
    // Not kept: a few digits are read again faster than a slot is made for them.
    const { model, el } = this.owner;
    const vs = el.table.valueStart(this.index);
    const ve = el.table.valueEnd(this.index);
    let n: number | undefined;
    if (vs >= 0 && ve > vs && ve - vs <= 10) {
      const text = model.text;
      const base = el.start;
      let v = 0;
      for (let i = base + vs; i < base + ve; i++) {
        const c = text.charCodeAt(i) - 48;
        if (c < 0 || c > 9) {
          v = -1;
          break;
        }
        v = v * 10 + c;
      }
      n = v >= 0 ? v : parseDword(this.value);
    } else n = parseDword(this.value);
    return n;
  }

  /** Is the raw value exactly `word` (no string made)? */
  valueIs(word: string): boolean {
    const { model, el } = this.owner;
    const vs = el.table.valueStart(this.index);
    return vs >= 0 && el.table.valueEnd(this.index) - vs === word.length && model.text.startsWith(word, el.start + vs);
  }
}

export class MetabaseModel {
  readonly keys: MetabaseKey[] = [];
  /** First key for each normalised path. */
  readonly byPath = new Map<string, MetabaseKey>();
  /** For each path held by several keys: all of them, in document order. */
  private readonly sharedPaths = new Map<string, MetabaseKey[]>();
  private duplicatesCache: MetabaseKey[] | undefined;
  private poolsCache: Map<string, MetabaseKey> | undefined;
  private appsByPoolCache: Map<string, MetabaseKey[]> | undefined;
  private bindingIndexes: Partial<Record<'ServerBindings' | 'SecureBindings', Map<string, MetabaseKey[]>>> = {};
  private appsCache: MetabaseKey[] | undefined;
  /** Keys that set one of INDEXED_ATTRIBUTES, in document order. */
  private readonly withAttr = new Map<string, MetabaseKey[]>(INDEXED_ATTRIBUTES.map((n) => [n, []]));
  /** AppInfo memos (kept on the keys: a map lookup per application per rule cost more) older than this are stale. */
  private appInfoGeneration = 0;
  private restrictionCache: { element: XmlElement; valueStart: number; valueEnd: number; raw: string; list: RestrictionEntry[] } | undefined;
  private has64Cache: boolean | undefined;
  private modeCache: IsolationMode | undefined;

  constructor(
    /** The text (pieces, after edits: parser/pieceText.ts). */
    public text: TextSource,
    public xml: XmlDocument,
    readonly catalog: SchemaCatalog,
    /** Build later, with buildInSlices (a huge document). */
    deferred = false,
  ) {
    if (deferred) return;
    this.addKeys(0, xml.elements.length);
    this.linkAll();
  }

  private addKeys(from: number, to: number): void {
    const els = this.xml.elements;
    for (let i = from; i < to; i++) {
      const key = this.keyFor(els[i], this.keys.length);
      if (!key) continue;
      this.keys.push(key);
      this.register(key);
      this.indexAttributes(key);
    }
  }

  /** Builds a deferred model in slices, letting `pause` give the event loop a turn in between. */
  static async buildInSlices(text: string, xml: XmlDocument, catalog: SchemaCatalog, pause: () => Promise<void>, sliceSize = 20000): Promise<MetabaseModel> {
    const model = new MetabaseModel(text, xml, catalog, true);
    for (let i = 0; i < xml.elements.length; i += sliceSize) {
      model.addKeys(i, Math.min(xml.elements.length, i + sliceSize));
      await pause();
    }
    model.linkAll();
    return model;
  }

  /** Name ids of INDEXED_ATTRIBUTES (-1 while no scan has met the name), and the name count they were read at. */
  private indexedIds: number[] = [];
  private indexedIdsAt = -1;

  private indexAttributes(key: MetabaseKey): void {
    const el = key.element;
    if (el.attrCount === 0) return;
    const names = el.table.names;
    if (this.indexedIdsAt !== names.strings.length) {
      this.indexedIds = INDEXED_ATTRIBUTES.map((n) => names.idOf(n));
      this.indexedIdsAt = names.strings.length;
    }
    const ids = this.indexedIds;
    let has = 0;
    for (let i = el.firstAttr, end = el.firstAttr + el.attrCount; i < end; i++) {
      const k = ids.indexOf(el.table.nameId(i));
      if (k >= 0) has |= 1 << k;
    }
    if (has === 0) return;
    let bit = 0;
    for (const list of this.withAttr.values()) {
      if ((has & (1 << bit++)) === 0) continue;
      // Keep document order (binary search on the current indices).
      list.splice(positionByIndex(list, key.index), 0, key);
    }
  }

  /** Per bit map handed to propertyMask: its bit for each name id of the name table it was made for. */
  private readonly maskBits = new WeakMap<ReadonlyMap<string, number>, { names: NameIds; bitsById: Int32Array }>();

  /**
   * The bits (from `bitsByName`) of the properties a key sets, in one pass over its attributes by
   * name id: the validation asks it for every key (Rule.needs), so the names are looked up once
   * per map and name table, not per key.
   */
  propertyMask(key: MetabaseKey, bitsByName: ReadonlyMap<string, number>): number {
    const el = key.element;
    const table = el.table;
    const names = table.names;
    let memo = this.maskBits.get(bitsByName);
    // (A name seen after the array was made gets a new id past its end.)
    if (!memo || memo.names !== names || memo.bitsById.length !== names.strings.length) {
      const bitsById = new Int32Array(names.strings.length);
      for (const [name, bit] of bitsByName) {
        const id = names.idOf(name);
        if (id >= 0) bitsById[id] = bit;
      }
      memo = { names, bitsById };
      this.maskBits.set(bitsByName, memo);
    }
    const bitsById = memo.bitsById;
    let mask = 0;
    for (let i = el.firstAttr, end = el.firstAttr + el.attrCount; i < end; i++) {
      const id = table.nameId(i);
      if (id < bitsById.length) mask |= bitsById[id];
    }
    return mask;
  }

  /** The keys that set `name` (one of INDEXED_ATTRIBUTES), in document order. */
  keysWith(name: IndexedAttribute): readonly MetabaseKey[] {
    return this.withAttr.get(name)!;
  }

  /** A key for a key element (not configuration, MBProperty or Custom). */
  private keyFor(el: XmlElement, index: number): MetabaseKey | undefined {
    if (!isKeyElementName(el.name)) return undefined;
    // A key nested in another key only happens in broken files; the scanner reports it.
    // Read Location straight from the attribute table: building attribute objects for every
    // key here would cost as much as the scan.
    const li = el.attributeIndex('Location');
    const location = li >= 0 ? detach(this.valueAt(el, li)) : '';
    // (The path is derived from the detached Location, so it cannot pin the text either.)
    return new MetabaseKey(el, location, li >= 0 ? normalizePath(location) : '', index);
  }

  /** The key of a key element (undefined for configuration, MBProperty, Custom). */
  keyOf(el: XmlElement): MetabaseKey | undefined {
    const k = el.owner;
    return k instanceof MetabaseKey && k.element === el && this.keys[k.index] === k ? k : undefined;
  }

  private register(key: MetabaseKey): void {
    key.element.owner = key;
    if (!key.path) return;
    const owner = this.byPath.get(key.path);
    if (!owner) {
      this.byPath.set(key.path, key);
      return;
    }
    // A Location used twice: keep every key of it in document order, the first one owns the path.
    let list = this.sharedPaths.get(key.path);
    if (!list) this.sharedPaths.set(key.path, (list = [owner]));
    let i = list.length;
    while (i > 0 && list[i - 1].index > key.index) i--;
    list.splice(i, 0, key);
    this.byPath.set(key.path, list[0]);
  }

  private unregister(key: MetabaseKey): void {
    if (key.element.owner === key) key.element.owner = undefined;
    if (!key.path) return;
    const list = this.sharedPaths.get(key.path);
    if (!list) {
      if (this.byPath.get(key.path) === key) this.byPath.delete(key.path);
      return;
    }
    const i = list.indexOf(key);
    if (i >= 0) list.splice(i, 1);
    if (list.length <= 1) this.sharedPaths.delete(key.path);
    if (list.length === 0) this.byPath.delete(key.path);
    else this.byPath.set(key.path, list[0]);
  }

  /** Parent = the key whose path is the longest proper prefix (missing levels are skipped). */
  private linkAll(): void {
    for (const key of this.keys) {
      key.parent = null;
      key.children = [];
    }
    for (const key of this.keys) {
      if (!key.path || this.byPath.get(key.path) !== key) continue;
      for (let p = parentPath(key.path); p !== undefined; p = parentPath(p)) {
        const parent = this.byPath.get(p);
        if (parent) {
          key.parent = parent;
          parent.addChild(key);
          break;
        }
      }
    }
  }

  /**
   * After `gone` left and `fresh` came, links only the keys whose parent can have changed: the
   * new keys, the children of the keys that left, and the keys below a new key's path. Returns
   * false (nothing done) where the answer is not local, a path that several keys share, or the
   * keys are many; linkAll does those.
   */
  private relink(gone: readonly MetabaseKey[], fresh: readonly MetabaseKey[]): boolean {
    // Many keys at once (a cut or paste of whole sites): one pass over the tree is cheaper than
    // moving them one by one through long lists of children.
    if (gone.length + fresh.length > 64) return false;
    const owners = fresh.filter((f) => f.path !== '');
    for (const g of gone) if (g.path && (this.byPath.has(g.path) || this.sharedPaths.has(g.path))) return false;
    for (const f of owners) if (this.byPath.get(f.path) !== f || this.sharedPaths.has(f.path)) return false;
    const nearest = (path: string): MetabaseKey | null => {
      for (let p = parentPath(path); p !== undefined; p = parentPath(p)) {
        const owner = this.byPath.get(p);
        if (owner) return owner;
      }
      return null;
    };
    // Unhook the keys that left; their children look for a new parent below.
    const goneSet = new Set(gone);
    const orphans: MetabaseKey[] = [];
    for (const g of gone) {
      for (const c of g.children) if (!goneSet.has(c)) orphans.push(c);
      const p = g.parent;
      if (p && !goneSet.has(p)) {
        const i = p.children.indexOf(g);
        if (i >= 0) p.children.splice(i, 1);
      }
    }
    // New keys, shallow ones first: each adopts the keys below its path that its parent held.
    const freshOwners = new Set(owners);
    const order = owners.map((_f, i) => i).sort((a, b) => owners[a].path.length - owners[b].path.length);
    for (const i of order) {
      const f = owners[i];
      const parent = nearest(f.path);
      f.parent = parent;
      f.children = [];
      const prefix = f.path === '/' ? '/' : f.path + '/';
      if (parent) {
        const kept: MetabaseKey[] = [];
        for (const c of parent.children) {
          if (c.path.startsWith(prefix)) {
            c.parent = f;
            f.children.push(c);
          } else kept.push(c);
        }
        parent.children = kept;
        insertByIndex(parent, f);
      } else {
        // No key above: the keys it adopts are other keys without a parent (one pass, in order),
        // new ones aside (they are linked in their turn, below the shallower new keys).
        for (const c of this.keys) {
          if (c.parent === null && !freshOwners.has(c) && c.path.startsWith(prefix) && this.byPath.get(c.path) === c) {
            c.parent = f;
            f.children.push(c);
          }
        }
      }
    }
    for (const c of orphans) {
      const parent = nearest(c.path);
      c.parent = parent;
      if (parent) insertByIndex(parent, c);
    }
    return true;
  }

  /** Keys whose path an earlier key already has. */
  get duplicates(): MetabaseKey[] {
    if (!this.duplicatesCache) {
      const out: MetabaseKey[] = [];
      for (const list of this.sharedPaths.values()) out.push(...list.slice(1));
      this.duplicatesCache = out.sort((a, b) => a.index - b.index);
    }
    return this.duplicatesCache;
  }

  /**
   * Brings the model in line with an edit that replaced `removed` elements by `added` ones (see
   * parser/incremental.ts): the keys of those elements are swapped, everything else keeps its
   * key objects. Returns the keys that left and the keys that came, whether the tree of paths
   * changed (then every parent link was recomputed), and otherwise which properties changed
   * value (`oldText` is the text `removed` was parsed from).
   */
  applyChanges(oldText: TextSource, text: TextSource, xml: XmlDocument, removed: readonly XmlElement[], added: readonly XmlElement[]): ModelChange {
    this.text = text;
    this.xml = xml;
    const gone = removed.map((el) => this.keyOf(el)).filter((k): k is MetabaseKey => !!k);
    const at = gone.length > 0 ? gone[0].index : this.insertionIndex(added);
    const fresh: MetabaseKey[] = [];
    for (const el of added) {
      const key = this.keyFor(el, at + fresh.length);
      if (key) fresh.push(key);
    }
    // Sites that share a path with a key that leaves or comes may win or lose that path, and
    // with it their place in the binding indexes: take them out and put them back.
    const goneSet = new Set(gone);
    const sharingSet = new Set<MetabaseKey>();
    for (const k of [...gone, ...fresh]) {
      if (!k.path) continue;
      for (const other of this.sharedPaths.get(k.path) ?? [this.byPath.get(k.path)]) {
        if (other && other.keyType === 'IIsWebServer' && !goneSet.has(other)) sharingSet.add(other);
      }
    }
    const sharing = [...sharingSet];
    this.unindexBindings(sharing.length > 0 ? [...gone, ...sharing] : gone);
    for (const k of gone) this.unregister(k);
    // Out of the indexes of keys by attribute (each in document order): a few keys by binary
    // search, many (a cut of thousands of keys) in one pass per list.
    if (gone.length > 32) {
      for (const [name, list] of this.withAttr) this.withAttr.set(name, list.filter((k) => !goneSet.has(k)));
    } else {
      for (const g of gone) {
        for (const list of this.withAttr.values()) {
          const at = positionByIndex(list, g.index);
          if (list[at] === g) list.splice(at, 1);
        }
      }
    }
    this.keys.splice(at, gone.length, ...fresh);
    // (The new keys were numbered from `at`; the ones after them move only when the count changed.)
    if (gone.length !== fresh.length) for (let i = at + fresh.length; i < this.keys.length; i++) this.keys[i].index = i;
    for (const k of fresh) {
      this.register(k);
      this.indexAttributes(k);
    }
    // Same paths and types in the same order: swap the new keys into the old ones' places.
    const structural = gone.length !== fresh.length || gone.some((g, i) => g.path !== fresh[i].path || g.keyType !== fresh[i].keyType);
    const changed = structural ? null : changedProperties(oldText, text, removed, added, gone, fresh);
    const swap = new Map(gone.map((g, i) => [g, fresh[i]]));
    // Anything a pool name, a site or the key tree could be read from.
    const shape = changed === null || changed.has('Location');
    let leafMove = false;
    let appsByPoolKept = false;
    if (structural) {
      const leafBefore = gone.length === 1 && fresh.length === 1 && gone[0].children.length === 0;
      // Only keys at or below a path that left or came inherit differently now; and which site
      // owns a path changes only at those paths.
      const touched = [...new Set([...gone, ...fresh].map((k) => k.path).filter((p) => p !== ''))];
      // The keys below the ones that leave, while they are still linked to them.
      const below: MetabaseKey[] = [];
      if (touched.length <= 16) for (const g of gone) collectBelow(g, below);
      if (!this.relink(gone, fresh)) this.linkAll();
      if (leafBefore) leafMove = this.leafMove(gone[0], fresh[0]);
      if (touched.length > 16) this.appInfoGeneration++;
      else if (this.sharedPaths.size > 0 || this.appsByPoolPending.length > 64) {
        // Keys that share a path stay out of the tree: compare paths.
        const prefixes = touched.map((t) => t + '/');
        const under = (path: string): boolean => touched.some((t, i) => path === t || path.startsWith(prefixes[i]));
        for (const k of this.keys) if (k.appInfoMemo && under(k.path)) k.appInfoMemo = undefined;
      } else {
        // The keys at or below a path are its key and the keys below it in the tree (no walk
        // over all 46,000 keys per Location edit).
        const affected = [...gone, ...below];
        for (const t of touched) {
          const owner = this.byPath.get(t);
          if (owner) collectBelow(owner, affected).push(owner);
        }
        appsByPoolKept = this.appsByPoolCache !== undefined;
        if (appsByPoolKept) this.unlistApps(affected);
        for (const k of affected) k.appInfoMemo = undefined;
        if (appsByPoolKept) for (const k of affected) this.appsByPoolPending.push(k);
      }
      this.indexBindings(sharing.length > 0 ? [...fresh, ...sharing] : fresh);
    } else {
      this.indexBindings(sharing.length > 0 ? [...fresh, ...sharing] : fresh);
      const mapped = (k: MetabaseKey | null): MetabaseKey | null => (k ? (swap.get(k) ?? k) : null);
      // Same paths in the same order: the applications are the same ones unless AppRoot came or went.
      const appsKept = this.appsCache && gone.every((g, i) => !findAttr(g.element, 'AppRoot') === !findAttr(fresh[i].element, 'AppRoot'));
      if (appsKept) {
        // In place: the replaced keys keep their places (and indices).
        const apps = this.appsCache!;
        for (let i = 0; i < gone.length; i++) {
          const p = positionByIndex(apps, gone[i].index);
          if (apps[p] === gone[i]) apps[p] = fresh[i];
        }
      } else this.appsCache = undefined;
      for (let i = 0; i < gone.length; i++) {
        const g = gone[i];
        const f = fresh[i];
        f.parent = mapped(g.parent);
        f.children = g.children.length > 0 ? g.children.map((c) => mapped(c)!) : f.children;
        for (const c of f.children) c.parent = f;
        const p = f.parent;
        if (p && !swap.has(g.parent!)) {
          const i2 = p.children.indexOf(g);
          if (i2 >= 0) p.children[i2] = f;
        }
      }
      // What applications inherit may have changed below the new keys.
      const drop = (k: MetabaseKey): void => {
        k.appInfoMemo = undefined;
        for (const c of k.children) drop(c);
      };
      for (const f of fresh) drop(f);
    }
    // Document-wide answers are dropped only when what they are read from changed.
    const touches = (...names: string[]): boolean => changed === null || names.some((n) => changed.has(n));
    if (shape) {
      this.duplicatesCache = undefined;
      // Only pool keys are in the map of pools (by the last segment of their path).
      if (gone.some((k) => k.keyType === 'IIsApplicationPool') || fresh.some((k) => k.keyType === 'IIsApplicationPool')) this.poolsCache = undefined;
    } else {
      // The same keys by path and type: only the objects of the edited ones were replaced.
      if (this.poolsCache) for (const [name, pool] of this.poolsCache) this.poolsCache.set(name, swap.get(pool) ?? pool);
      if (this.duplicatesCache) this.duplicatesCache = this.duplicatesCache.map((k) => swap.get(k) ?? k);
    }
    if (touches('ScriptMaps')) this.has64Cache = undefined;
    // The memos of effectiveScriptMaps name the key that sets them: a replaced one expires them too.
    if (touches('ScriptMaps') || gone.some((g) => g.ownScriptMapsMemo !== undefined || findAttr(g.element, 'ScriptMaps'))) this.scriptMapsGeneration++;
    if (touches('IIs5IsolationModeEnabled', 'Location')) this.modeCache = undefined;
    if (structural) this.appsCache = this.appsCache && this.appsAfter(this.appsCache, at, gone, fresh);
    if (touches(...APP_INFO_PROPERTIES, 'Location') && !appsByPoolKept) {
      this.appsByPoolCache = undefined;
      this.appsByPoolPending = [];
      this.appsByPoolMoved = false;
    }
    else if (this.appsByPoolCache && !structural) {
      // The replaced keys keep their places (found through the pool they are listed under).
      const byPool = this.appsByPoolCache;
      for (let i = 0; i < gone.length; i++) {
        const g = gone[i];
        const list = g.poolListed === undefined ? undefined : byPool.get(g.poolListed);
        if (!list) continue;
        const p = positionByIndex(list, g.index);
        if (list[p] !== g) continue;
        list[p] = fresh[i];
        fresh[i].poolListed = g.poolListed;
      }
      if (this.appsByPoolPending.length > 0) this.appsByPoolPending = this.appsByPoolPending.map((k) => swap.get(k) ?? k);
    }
    return { gone, fresh, structural, changed, leafMove };
  }

  /**
   * The applications after keys at `at` were replaced (structural change): the old list with the
   * run of keys that left swapped for the new keys that are applications, or undefined (build it
   * again) when a path that several keys share is involved. (Building the list looks up the path
   * of 14,000 applications: 2-4 ms per Location edit at 10,000 sites.)
   */
  private appsAfter(apps: MetabaseKey[], at: number, gone: readonly MetabaseKey[], fresh: readonly MetabaseKey[]): MetabaseKey[] | undefined {
    for (const k of gone) if (k.path && (this.byPath.has(k.path) || this.sharedPaths.has(k.path))) return undefined;
    for (const k of fresh) if (k.path && this.sharedPaths.has(k.path)) return undefined;
    // Keys before `at` kept their indices; the keys that left had indices from `at` on; the keys
    // after them now have indices from at + fresh.length on.
    const lo = positionByIndex(apps, at);
    const goneSet = new Set(gone);
    let to = lo;
    while (to < apps.length && goneSet.has(apps[to])) to++;
    if (to < apps.length && apps[to].index < at + fresh.length) return undefined; // not the expected shape
    const added = fresh.filter((k) => this.isApplication(k) && this.byPath.get(k.path) === k);
    if (added.length > 4096) return undefined;
    apps.splice(lo, to - lo, ...added);
    return apps;
  }

  /** See ModelChange.leafMove (`g` had no child keys; checked before it was unlinked). */
  private leafMove(g: MetabaseKey, f: MetabaseKey): boolean {
    if (g.keyType !== f.keyType || !g.path || !f.path || f.children.length > 0) return false;
    if (this.byPath.get(f.path) !== f || this.sharedPaths.has(f.path) || this.byPath.has(g.path) || this.sharedPaths.has(g.path)) return false;
    const special = (k: MetabaseKey): boolean =>
      k.keyType === 'IIsWebServer' || k.keyType === 'IIsApplicationPool' || k.keyType === 'IIsApplicationPools' || FIXED_PATHS.has(k.path) || k.path.startsWith(APP_POOLS_PATH) || this.isTemplate(k) || SITE_PATH.test(k.path);
    if (special(g) || special(f)) return false;
    return !INDEXED_ATTRIBUTES.some((n) => g.element.attributeIndex(n) >= 0 || f.element.attributeIndex(n) >= 0);
  }

  /** Where keys for `added` elements go when no key was removed: after the keys before them. */
  private insertionIndex(added: readonly XmlElement[]): number {
    const first = added.find((el) => isKeyElementName(el.name));
    if (!first) return this.keys.length;
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid].element.start < first.start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Decoded value of an attribute of `el`. */
  valueOf(el: XmlElement, attr: XmlAttribute): string {
    if (attr.valueStart < 0) return '';
    return decodeXmlValue(this.text.slice(el.start + attr.valueStart, el.start + attr.valueEnd));
  }

  /** The decoded value of the attribute at `index` of the element's table (decoded only when the scanner saw an `&` in it). */
  valueAt(el: XmlElement, index: number): string {
    const table = el.table;
    const vs = table.valueStart(index);
    if (vs < 0) return '';
    const raw = this.text.slice(el.start + vs, el.start + table.valueEnd(index));
    return table.isPlain(index) ? raw : decodeXmlValue(raw);
  }


  attr(key: MetabaseKey, name: string): XmlAttribute | undefined {
    return findAttr(key.element, name);
  }

  /** Value set on the key itself (decoded), undefined if not set. */
  get(key: MetabaseKey, name: string): string | undefined {
    const a = findAttr(key.element, name);
    return a ? this.valueOf(key.element, a) : undefined;
  }

  /** Properties set on the key (excluding Location). */
  properties(key: MetabaseKey): XmlAttribute[] {
    return key.element.attributes.filter((a) => a.name !== 'Location');
  }

  private lastEntries: { key: MetabaseKey; entries: PropertyEntry[] } | undefined;

  /**
   * The properties of a key with their schema definitions and decoded values, built once for a
   * key even when several key rules ask in a row (the validation pass asks per key, rule after rule).
   */
  propertyEntries(key: MetabaseKey): readonly PropertyEntry[] {
    const last = this.lastEntries;
    if (last?.key === key) return last.entries;
    const el = key.element;
    const table = el.table;
    const entries: PropertyEntry[] = [];
    const location = table.names.idOf('Location');
    const owner: EntryOwner = { model: this, el };
    for (let i = el.firstAttr, end = el.firstAttr + el.attrCount; i < end; i++) {
      const id = table.nameId(i);
      if (id === location) continue;
      entries.push(new PropertyEntry(owner, i, this.propertyById(id, table.names)));
    }
    if (last) {
      last.key = key;
      last.entries = entries;
    } else this.lastEntries = { key, entries };
    return entries;
  }

  /** The definition of the property with this name id, looked up once per name. */
  private propertyById(id: number, names: NameIds): PropertyData | undefined {
    if (names !== this.propertiesByIdOf) {
      this.propertiesById = [];
      this.propertiesByIdOf = names;
    }
    let p = this.propertiesById[id];
    if (p === undefined) {
      p = this.catalog.property(names.strings[id]) ?? null;
      this.propertiesById[id] = p;
    }
    return p ?? undefined;
  }

  /** By name id (of the name table every scan shares): the definition, null for no property, undefined not looked up yet. */
  private propertiesById: Array<PropertyData | null | undefined> = [];
  private propertiesByIdOf: NameIds | undefined;

  /** `<Custom>` children of a key. */
  customs(key: MetabaseKey): CustomProperty[] {
    const children = key.element.children;
    let any = false;
    for (const c of children) if (c.name === 'Custom') any = true;
    if (!any) return NO_CUSTOMS;
    return children
      .filter((c) => c.name === 'Custom')
      .map((c) => {
        const nameAttr = findAttr(c, 'Name');
        const idAttr = findAttr(c, 'ID');
        const id = idAttr ? Number(this.valueOf(c, idAttr)) : NaN;
        return { element: c, name: nameAttr ? this.valueOf(c, nameAttr) : undefined, id: Number.isFinite(id) ? id : undefined };
      });
  }

  /**
   * The value in effect at `key`: set on the key, or for INHERIT properties inherited from the
   * nearest ancestor that sets it. Non-inheritable properties only count where they are set.
   */
  effective(key: MetabaseKey, name: string): EffectiveValue {
    const inherits = this.catalog.property(name)?.inherit ?? false;
    // The name's id is looked up once for the walk up the tree (every scan shares one name table;
    // an element of another table looks it up in its own).
    let names = key.element.table.names;
    let id = names.idOf(name);
    for (let k: MetabaseKey | null = key; k; k = inherits ? k.parent : null) {
      const el = k.element;
      if (el.table.names !== names) {
        names = el.table.names;
        id = names.idOf(name);
      }
      const i = el.attributeIndexById(id);
      if (i >= 0) return { value: this.valueAt(el, i), from: k, attr: el.table.attribute(i) };
    }
    return { value: undefined, from: null, attr: undefined };
  }

  keyAt(path: string): MetabaseKey | undefined {
    return this.byPath.get(normalizePath(path));
  }

  /** The key whose element contains `offset` (its start tag, attributes, Custom children). */
  keyAtOffset(offset: number): MetabaseKey | undefined {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid].element.start <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const k = keys[found];
    return offset <= k.element.end ? k : undefined;
  }

  // ---- the web service -------------------------------------------------------------------

  webService(): MetabaseKey | undefined {
    return this.byPath.get(WEB_SERVICE_PATH);
  }

  /**
   * worker / iis5 from IIs5IsolationModeEnabled on /LM/W3SVC; 'unset' when the attribute (or the
   * /LM/W3SVC key) is missing: the schema default says IIS 5.0 mode while a clean install runs in
   * worker process isolation mode, so the tool does not guess.
   */
  isolationMode(): IsolationMode {
    return (this.modeCache ??= this.readIsolationMode());
  }

  private readIsolationMode(): IsolationMode {
    const ws = this.webService();
    if (!ws) return 'unset';
    const v = this.get(ws, 'IIs5IsolationModeEnabled');
    if (v === undefined) return 'unset';
    const b = parseBool(v);
    return b === undefined ? 'unset' : b ? 'iis5' : 'worker';
  }

  // ---- pools, sites, applications --------------------------------------------------------

  /** Does the document hold the pool container (/LM/W3SVC/AppPools), i.e. a whole metabase? */
  hasPoolContainer(): boolean {
    return this.byPath.has(APP_POOLS_PATH);
  }

  /** Application pools by lower-case name. */
  pools(): Map<string, MetabaseKey> {
    if (!this.poolsCache) {
      const map = new Map<string, MetabaseKey>();
      for (const key of this.keys) {
        if (key.keyType !== 'IIsApplicationPool' || !key.path) continue;
        if (parentPath(key.path) !== APP_POOLS_PATH) continue;
        const name = lastSegment(key.location).toLowerCase();
        if (!map.has(name)) map.set(name, key);
      }
      this.poolsCache = map;
    }
    return this.poolsCache;
  }

  pool(name: string): MetabaseKey | undefined {
    return this.pools().get(name.trim().toLowerCase());
  }

  /** A pool by an id that is already trimmed and lower-cased (AppInfo.poolId). */
  poolById(id: string): MetabaseKey | undefined {
    return this.pools().get(id);
  }

  poolName(pool: MetabaseKey): string {
    return lastSegment(pool.location);
  }

  isSite(key: MetabaseKey): boolean {
    return key.keyType === 'IIsWebServer' && SITE_PATH.test(key.path);
  }

  sites(): MetabaseKey[] {
    return this.keys.filter((k) => this.isSite(k) && this.byPath.get(k.path) === k);
  }

  /** The web site (IIsWebServer at /LM/W3SVC/n) a key belongs to. */
  siteOf(key: MetabaseKey): MetabaseKey | undefined {
    for (let k: MetabaseKey | null = key; k; k = k.parent) if (this.isSite(k)) return k;
    return undefined;
  }

  /** Applications: keys that carry AppRoot (IIS writes it on every application root). */
  isApplication(key: MetabaseKey): boolean {
    return findAttr(key.element, 'AppRoot') !== undefined && key.path.startsWith(WEB_SERVICE_PREFIX);
  }

  applications(): MetabaseKey[] {
    return (this.appsCache ??= this.keysWith('AppRoot').filter((k) => k.path.startsWith(WEB_SERVICE_PREFIX) && this.byPath.get(k.path) === k));
  }

  /**
   * What an application inherits, worked out once and kept until the application or one of its
   * ancestors changes (see applyChanges).
   */
  appInfo(app: MetabaseKey): AppInfo {
    const memo = app.appInfoMemo;
    let info = memo && memo.generation === this.appInfoGeneration ? memo.info : undefined;
    if (!info) {
      const pool = this.poolIdOf(app);
      const maps = this.effectiveScriptMaps(app);
      let aspNet: string | undefined;
      let aspx = false;
      if (maps) ({ aspx, aspNet } = aspNetOfMaps(maps.maps));
      let defaultDocWithoutAspx: AppInfo['defaultDocWithoutAspx'] = null;
      if (aspx) {
        const doc = this.effective(app, 'DefaultDoc');
        if (doc.value !== undefined && !doc.value.split(',').some((d) => d.trim().toLowerCase() === 'default.aspx')) {
          const flags = this.effective(app, 'DirBrowseFlags').value;
          const p = this.catalog.property('DirBrowseFlags');
          const enabled = flags === undefined || !p || (parseFlags(flags, p).value & 0x40000000) !== 0; // EnableDefaultDoc
          if (enabled) defaultDocWithoutAspx = { value: detach(doc.value), from: doc.from };
        }
      }
      const auth = this.effective(app, 'AuthFlags').value;
      const authProp = this.catalog.property('AuthFlags');
      const ntlmOnly = auth !== undefined && !!authProp && parseFlags(auth, authProp).value === 4; // AuthNTLM
      const kerberosOnly = ntlmOnly && (this.effective(app, 'NTAuthenticationProviders').value ?? 'Negotiate,NTLM').toLowerCase().includes('negotiate');
      info = {
        poolName: detach(pool.name),
        poolId: detach(pool.name.trim().toLowerCase()),
        poolFrom: pool.from,
        scriptMapsFrom: maps?.from ?? null,
        aspNet,
        aspxMapped: aspx,
        aspSession: effectiveBool(this, app, 'AspAllowSessionState').value !== false,
        defaultDocWithoutAspx,
        kerberosOnly,
      };
      app.appInfoMemo = { generation: this.appInfoGeneration, info };
    }
    return info;
  }

  /** The ScriptMaps a key sets itself, parsed once. */
  ownScriptMaps(key: MetabaseKey): ScriptMap[] | undefined {
    const cached = key.ownScriptMapsMemo;
    if (cached) return cached;
    const attr = findAttr(key.element, 'ScriptMaps');
    if (!attr) return undefined;
    // Many applications carry the very same list (a few KB each): parse each distinct text once,
    // found by its length and compared in place, without copying or hashing it. (The cache keeps
    // detached copies: it outlives this version of the text.)
    let maps: ScriptMap[] | undefined;
    if (attr.valueStart >= 0) {
      const start = key.element.start + attr.valueStart;
      const length = attr.valueEnd - attr.valueStart;
      let bucket = parsedScriptMaps.get(length);
      for (const c of bucket ?? []) {
        if (occursAt(this.text, c.raw, start)) {
          maps = c.maps;
          break;
        }
      }
      if (!maps) {
        const raw = detach(this.text.slice(start, start + length));
        maps = parseScriptMaps(raw);
        parsedScriptMapChars += length;
        if (parsedScriptMapChars > SCRIPT_MAPS_CACHE_CHARS) {
          parsedScriptMaps.clear();
          parsedScriptMapChars = length;
          bucket = undefined;
        }
        if (!bucket) parsedScriptMaps.set(length, (bucket = []));
        bucket.push({ raw, maps });
      }
    } else maps = [];
    key.ownScriptMapsMemo = maps;
    return maps;
  }

  /** ServerBindings or SecureBindings of a site, parsed once per key. */
  bindings(key: MetabaseKey, name: 'ServerBindings' | 'SecureBindings'): BindingParse[] {
    const entry = (key.bindingsMemo ??= {});
    return (entry[name] ??= ((attr) => (attr ? parseBindings(detach(rawValue(this, key, attr))) : []))(findAttr(key.element, name)));
  }

  /** WebSvcExtRestrictionList of /LM/W3SVC, parsed (undefined when the file has none). */
  restrictionList(): RestrictionEntry[] | undefined {
    const ws = this.webService();
    const attr = ws && findAttr(ws.element, 'WebSvcExtRestrictionList');
    if (!ws || !attr) return undefined;
    // Asked once per key with script maps: decoded again only when /LM/W3SVC was re-parsed.
    const c = this.restrictionCache;
    if (c && c.element === ws.element && c.valueStart === attr.valueStart && c.valueEnd === attr.valueEnd) return c.list;
    const raw = detach(rawValue(this, ws, attr));
    if (c?.raw !== raw) this.restrictionCache = { element: ws.element, valueStart: attr.valueStart, valueEnd: attr.valueEnd, raw, list: parseRestrictionList(raw) };
    else this.restrictionCache = { ...c, element: ws.element, valueStart: attr.valueStart, valueEnd: attr.valueEnd };
    return this.restrictionCache!.list;
  }

  /** Does any script map point at the 64-bit ASP.NET (Framework64)? Then this is a 64-bit server. */
  has64BitScriptMaps(): boolean {
    return (this.has64Cache ??= this.keysWith('ScriptMaps').some((k) => this.ownScriptMaps(k)?.some((s) => s.aspNet?.bits === 64) ?? false));
  }

  /**
   * Sites (IIsWebServer keys that own their path, templates aside) by binding: `ip:port:host` for
   * ServerBindings, `ip:port` for SecureBindings, each list in document order. Kept up to date
   * across edits, so the rules that compare bindings between sites do not rebuild it per keystroke.
   */
  bindingIndex(name: 'ServerBindings' | 'SecureBindings'): ReadonlyMap<string, readonly MetabaseKey[]> {
    let index = this.bindingIndexes[name];
    if (!index) {
      index = new Map();
      this.bindingIndexes[name] = index;
      for (const site of this.keysWith(name)) this.addBindings(index, name, site);
    }
    return index;
  }

  private bindingIds(name: 'ServerBindings' | 'SecureBindings', site: MetabaseKey): string[] {
    if (site.keyType !== 'IIsWebServer' || this.isTemplate(site) || this.byPath.get(site.path) !== site) return [];
    const ids: string[] = [];
    for (const b of this.bindings(site, name)) {
      if (!b.ok) continue;
      const id = name === 'ServerBindings' ? b.binding.id : `${b.binding.ip}:${b.binding.port}`;
      if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  private addBindings(index: Map<string, MetabaseKey[]>, name: 'ServerBindings' | 'SecureBindings', site: MetabaseKey): void {
    for (const id of this.bindingIds(name, site)) {
      const list = index.get(id);
      if (!list) {
        index.set(id, [site]);
        continue;
      }
      let i = list.length;
      while (i > 0 && list[i - 1].index > site.index) i--;
      if (i === list.length) list.push(site);
      else list.splice(i, 0, site);
    }
  }

  private unindexBindings(gone: readonly MetabaseKey[]): void {
    for (const name of ['ServerBindings', 'SecureBindings'] as const) {
      const index = this.bindingIndexes[name];
      if (!index) continue;
      for (const site of gone) {
        for (const id of this.bindingIds(name, site)) {
          const list = index.get(id);
          if (!list) continue;
          const i = list.indexOf(site);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) index.delete(id);
        }
      }
    }
  }

  private indexBindings(fresh: readonly MetabaseKey[]): void {
    for (const name of ['ServerBindings', 'SecureBindings'] as const) {
      const index = this.bindingIndexes[name];
      if (index) for (const site of fresh) this.addBindings(index, name, site);
    }
  }

  /** Bumped when a ScriptMaps value or the key tree changes: the memos of effectiveScriptMaps expire. */
  private scriptMapsGeneration = 0;

  /** The ScriptMaps in effect at `key` (set there or inherited), with the key that sets them. */
  effectiveScriptMaps(key: MetabaseKey): { from: MetabaseKey; maps: ScriptMap[] } | undefined {
    // Memoised per key: 14,000 applications share a handful of ancestors. Walked up without
    // recursion (a first call on a key 10,000 levels down overflowed the stack), then every key
    // passed on the way gets the answer.
    const generation = this.scriptMapsGeneration;
    const passed: MetabaseKey[] = [];
    let value: { from: MetabaseKey; maps: ScriptMap[] } | undefined;
    for (let k: MetabaseKey | null = key; k; k = k.parent) {
      const memo = k.scriptMapsMemo;
      if (memo && memo.generation === generation) {
        value = memo.value;
        break;
      }
      const maps = this.ownScriptMaps(k);
      if (maps) {
        value = { from: k, maps };
        k.scriptMapsMemo = { generation, value };
        break;
      }
      passed.push(k);
    }
    for (const k of passed) k.scriptMapsMemo = { generation, value };
    return value;
  }

  /** The application a key belongs to: the nearest key at or above it that carries AppRoot. */
  applicationOf(key: MetabaseKey): MetabaseKey | undefined {
    for (let k: MetabaseKey | null = key; k; k = k.parent) if (this.isApplication(k)) return k;
    return undefined;
  }

  /** Keys under /LM/W3SVC/Info/Templates: site templates IIS Manager copies, not live sites. */
  isTemplate(key: MetabaseKey): boolean {
    return key.path.startsWith(TEMPLATES_PATH);
  }

  /**
   * Takes the applications among `keys` out of the lists of applications by pool (each key knows
   * the pool it is listed under).
   */
  private unlistApps(keys: readonly MetabaseKey[]): void {
    const map = this.appsByPoolCache!;
    for (const k of keys) {
      const poolId = k.poolListed;
      if (poolId === undefined) continue;
      k.poolListed = undefined;
      const list = map.get(poolId);
      const i = list ? list.indexOf(k) : -1;
      if (i < 0) continue;
      list!.splice(i, 1);
      // (An emptied list stays until applicationsByPool puts the map in order again.)
      this.appsByPoolMoved = true;
    }
  }

  /** Lists of applications by pool lost or gained applications since the map was put in order. */
  private appsByPoolMoved = false;

  /** Keys to put back into the lists of applications by pool when next asked (see applyChanges). */
  private appsByPoolPending: MetabaseKey[] = [];

  /** Live applications (templates excluded) grouped by the lower-case name of their pool. */
  applicationsByPool(): Map<string, MetabaseKey[]> {
    if (this.appsByPoolCache && this.appsByPoolPending.length > 0) {
      const map = this.appsByPoolCache;
      const pending = new Set(this.appsByPoolPending);
      this.appsByPoolPending = [];
      for (const app of pending) {
        if (this.keys[app.index] !== app || !this.isApplication(app) || this.byPath.get(app.path) !== app || this.isTemplate(app)) continue;
        const name = this.appInfo(app).poolId;
        let list = map.get(name);
        if (!list) map.set(name, (list = []));
        const at = positionByIndex(list, app.index);
        if (list[at] === app) continue;
        list.splice(at, 0, app);
        app.poolListed = name;
        this.appsByPoolMoved = true;
      }
    }
    if (this.appsByPoolCache && this.appsByPoolMoved) {
      // The order a fresh build gives: pools by their first application in the document, none
      // without applications (rules and the topology list pools in this order).
      const groups = [...this.appsByPoolCache].filter(([, list]) => list.length > 0);
      groups.sort((a, b) => a[1][0].index - b[1][0].index);
      this.appsByPoolCache = new Map(groups);
      this.appsByPoolMoved = false;
    }
    if (!this.appsByPoolCache) {
      const map = new Map<string, MetabaseKey[]>();
      for (const app of this.applications()) {
        if (this.isTemplate(app)) continue;
        const name = this.appInfo(app).poolId;
        let list = map.get(name);
        if (!list) map.set(name, (list = []));
        list.push(app);
        app.poolListed = name;
      }
      this.appsByPoolCache = map;
    }
    return this.appsByPoolCache;
  }

  /** Effective pool name of a key (AppPoolId, inherited, default DefaultAppPool). */
  poolIdOf(key: MetabaseKey): { name: string; from: MetabaseKey | null } {
    const eff = this.effective(key, 'AppPoolId');
    const name = eff.value?.trim();
    return name ? { name, from: eff.from } : { name: DEFAULT_APP_POOL, from: null };
  }
}

/** The raw (undecoded) text of an attribute's value. */
export function rawValue(model: MetabaseModel, key: MetabaseKey, attr: XmlAttribute): string {
  if (attr.valueStart < 0) return '';
  return model.text.slice(key.element.start + attr.valueStart, key.element.start + attr.valueEnd);
}

/** A DWORD in effect at `key` (set, inherited, or the schema default). */
export function effectiveNumber(model: MetabaseModel, key: MetabaseKey, name: string): { value: number | undefined; eff: EffectiveValue } {
  const eff = model.effective(key, name);
  const text = eff.value ?? model.catalog.property(name)?.schemaDefault;
  return { value: text === undefined ? undefined : parseDword(text), eff };
}

/** A BOOL in effect at `key` (set, inherited, or the schema default). */
export function effectiveBool(model: MetabaseModel, key: MetabaseKey, name: string): { value: boolean | undefined; eff: EffectiveValue } {
  const eff = model.effective(key, name);
  const text = eff.value ?? model.catalog.property(name)?.schemaDefault;
  return { value: text === undefined ? undefined : parseBool(text), eff };
}

export function findAttr(el: XmlElement, name: string): XmlAttribute | undefined {
  const i = el.attributeIndex(name);
  return i < 0 ? undefined : el.table.attribute(i);
}

/** IIS writes TRUE/FALSE; the docs print true/false; some files use 1/0. */
export function parseBool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** The raw value (quotes included) of every attribute of `el`, by name. */
function rawAttributes(text: TextSource, el: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  const t = el.table;
  for (let i = el.firstAttr, end = el.firstAttr + el.attrCount; i < end; i++) {
    const a = t.attribute(i);
    if (out.has(a.name)) continue; // the first one counts, as in attributeIndex
    // With both quotes as found: a value that lost its closing quote is a different value.
    out.set(a.name, a.valueStart < 0 ? '' : String.fromCharCode(a.quote) + text.slice(el.start + a.valueStart, el.start + a.valueEnd + 1));
  }
  return out;
}

/**
 * The properties that differ between the keys of a non-structural edit (old keys parsed from
 * `oldText`, new ones from `text`), or null when an element that is not a key (a Custom property,
 * a stray element) changed too.
 */
function changedProperties(oldText: TextSource, text: TextSource, removed: readonly XmlElement[], added: readonly XmlElement[], gone: readonly MetabaseKey[], fresh: readonly MetabaseKey[]): Set<string> | null {
  const otherRemoved = removed.filter((el) => !gone.some((g) => g.element === el));
  const otherAdded = added.filter((el) => !fresh.some((f) => f.element === el));
  if (otherRemoved.length !== otherAdded.length) return null;
  for (let i = 0; i < otherRemoved.length; i++) {
    const a = otherRemoved[i];
    const b = otherAdded[i];
    if (a.name !== b.name || a.end - a.start !== b.end - b.start || oldText.slice(a.start, a.end) !== text.slice(b.start, b.end)) return null;
  }
  const changed = new Set<string>();
  for (let i = 0; i < gone.length; i++) {
    const before = rawAttributes(oldText, gone[i].element);
    const after = rawAttributes(text, fresh[i].element);
    for (const [name, value] of before) if (after.get(name) !== value) changed.add(name);
    for (const name of after.keys()) if (!before.has(name)) changed.add(name);
  }
  return changed;
}

/** Where a key with `index` goes in `list` (keys in document order): the first place not before it. */
export function positionByIndex(list: readonly MetabaseKey[], index: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds `child` to `parent.children`, kept in document order. */
function insertByIndex(parent: MetabaseKey, child: MetabaseKey): void {
  if (parent.children.length === 0) parent.children = [child];
  else parent.children.splice(positionByIndex(parent.children, child.index), 0, child);
}
