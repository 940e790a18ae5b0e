/**
 * The schema catalog: what IIS knows about every property and key type, plus our documentation.
 * Built from the generated data (Microsoft's MBSchema.xml + researched facts) and, when the user
 * points `iis6Metabase.schemaPath` at their own MBSchema.xml, extended with its definitions.
 */
import { schemaData } from '../data/schemaData.generated';
import { keyTypeDocs, propertyDocs, type KeyTypeDoc, type PropertyDoc } from '../data/docs';
import type { LoadedSchema } from './mbschemaLoader';
import { suggest } from './suggest';
import { detach } from '../util/detach';
import type { KeyTypeData, PropertyData, PropertyLevel, SchemaData } from './types';

/**
 * Key types that may hold any property and sit anywhere: the generic IIsObject, and
 * IIsConfigObject, which IIS writes for paths that have no specific type (/LM/IISADMIN...).
 */
const GENERIC_KEY_TYPES: ReadonlySet<string> = new Set(['IIsObject', 'IIsConfigObject']);

/**
 * Parent/child pairs that MBSchema.xml's ContainerClassList does not list but that IIS itself
 * writes into every MetaBase.xml (seen in a real export, the modSIC project's test metabase
 * https://github.com/modulogrc/modSIC, file Modulo.Collect.Probe.Common.Test/Resources/metabaseSample.xml):
 * /LM/Logging under /LM, and the nested custom-logging keys under /LM/Logging/Custom Logging.
 */
const OBSERVED_CONTAINMENT: ReadonlyArray<readonly [string, string]> = [
  ['IIsComputer', 'IIsLogModules'],
  ['IIsCustomLogModule', 'IIsCustomLogModule'],
];

export interface ValueOption {
  /** Text written in MetaBase.xml: a flag name, or the decimal value of an enumeration. */
  text: string;
  /** The flag name, or the enumeration value's name in the facts (e.g. "Pooled", "MD_LOGON_BATCH"). */
  name: string;
  value: number;
  meaning?: string;
  /** For an enumeration value: a short name for people ("Pooled", "NetworkService", "Batch"). */
  label?: string;
}

/**
 * A short name for an enumeration value: the few words before a colon that start its meaning
 * ("NetworkService: built-in…"), else its name unless that is a header constant, else what the
 * constant says after the prefix all values of the property share (MD_LOGON_NETWORK_CLEARTEXT →
 * "Network cleartext").
 */
function enumLabel(name: string, meaning: string | undefined, names: readonly string[]): string | undefined {
  const lead = meaning && /^([A-Z][A-Za-z0-9.-]*(?: [A-Za-z0-9.-]+)?): /.exec(meaning);
  if (lead) return lead[1];
  if (!/^MD_/.test(name)) return /^\d+$/.test(name) ? undefined : name;
  let prefix = names.reduce((a, b) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(0, i);
  });
  prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
  const words = name.slice(prefix.length).toLowerCase().replace(/_/g, ' ');
  return words ? words[0].toUpperCase() + words.slice(1) : undefined;
}

export class SchemaCatalog {
  private readonly properties = new Map<string, PropertyData>();
  private readonly propertiesLower = new Map<string, PropertyData>();
  private readonly keyTypes = new Map<string, KeyTypeData>();
  private readonly byKeyType = new Map<string, PropertyData[]>();
  private readonly observed = new Set(OBSERVED_CONTAINMENT.map(([p, c]) => `${p}>${c}`));
  /** Names of properties that came from the user's own MBSchema.xml. */
  readonly extensionProperties = new Set<string>();

  constructor(data: SchemaData, extension?: LoadedSchema) {
    for (const p of data.properties) this.addProperty(p);
    for (const k of data.keyTypes) this.keyTypes.set(k.name, k);
    if (extension) this.applyExtension(extension);
    for (const p of this.properties.values()) {
      for (const kt of p.keyTypes) {
        let list = this.byKeyType.get(kt);
        if (!list) this.byKeyType.set(kt, (list = []));
        list.push(p);
      }
    }
  }

  private addProperty(p: PropertyData): void {
    this.properties.set(p.name, p);
    this.propertiesLower.set(p.name.toLowerCase(), p);
  }

  /** The user's schema wins for what it defines; facts and docs of known properties are kept. */
  private applyExtension(ext: LoadedSchema): void {
    for (const p of ext.properties) {
      const known = this.properties.get(p.name);
      if (!known) this.extensionProperties.add(p.name);
      this.addProperty({ ...p, facts: known?.facts, keyTypes: [...new Set([...(known?.keyTypes ?? []), ...p.keyTypes])] });
    }
    for (const k of ext.keyTypes) {
      const known = this.keyTypes.get(k.name);
      this.keyTypes.set(k.name, { ...known, ...k, locationPatterns: known?.locationPatterns, source: known?.source });
    }
  }

  property(name: string): PropertyData | undefined {
    return this.properties.get(name);
  }

  /** A property whose name differs only in case (MetaBase.xml names are case-sensitive). */
  propertyIgnoringCase(name: string): PropertyData | undefined {
    const p = this.propertiesLower.get(name.toLowerCase());
    return p && p.name !== name ? p : undefined;
  }

  keyType(name: string): KeyTypeData | undefined {
    return this.keyTypes.get(name);
  }

  isKnownKeyType(name: string): boolean {
    return this.keyTypes.has(name) || GENERIC_KEY_TYPES.has(name);
  }

  isGenericKeyType(name: string): boolean {
    return GENERIC_KEY_TYPES.has(name);
  }

  allPropertyNames(): IterableIterator<string> {
    return this.properties.keys();
  }

  /** Every key type once (IIsObject is in the schema data and a generic type too). */
  allKeyTypeNames(): string[] {
    return [...new Set([...this.keyTypes.keys(), ...GENERIC_KEY_TYPES])];
  }

  /** Properties MBSchema.xml lets this key type hold (every property for generic keys). */
  propertiesOf(keyType: string): PropertyData[] {
    if (GENERIC_KEY_TYPES.has(keyType)) return [...this.properties.values()];
    return this.byKeyType.get(keyType) ?? [];
  }

  /** Per key type, the properties it may hold (asked for every attribute of a file). */
  private allowedCache = new Map<string, ReadonlySet<PropertyData> | null>();

  allowsProperty(keyType: string, property: PropertyData): boolean {
    let allowed = this.allowedCache.get(keyType);
    if (allowed === undefined) {
      allowed = GENERIC_KEY_TYPES.has(keyType) || !this.keyTypes.has(keyType) ? null : new Set(this.byKeyType.get(keyType));
      this.allowedCache.set(keyType, allowed);
    }
    return allowed === null || allowed.has(property) || property.keyTypes.includes(keyType);
  }

  /**
   * Whether a key of type `child` may sit under a key of type `parent`: true, false, or
   * undefined when the schema says nothing about the parent.
   */
  canContain(parent: string, child: string): boolean | undefined {
    if (GENERIC_KEY_TYPES.has(parent) || GENERIC_KEY_TYPES.has(child)) return true;
    const containers = this.keyTypes.get(parent)?.containers;
    if (containers === undefined) return undefined;
    if (containers.includes(child) || this.observed.has(`${parent}>${child}`)) return true;
    return false;
  }

  /** Key types that may be placed under `parent` (all known types when unknown). */
  childKeyTypes(parent: string | undefined): string[] {
    const all = this.allKeyTypeNames().filter((k) => !this.keyTypes.get(k)?.hidden);
    if (!parent) return all;
    return all.filter((k) => this.canContain(parent, k) !== false);
  }

  level(p: PropertyData): PropertyLevel {
    return p.facts?.level ?? 'other';
  }

  doc(name: string): PropertyDoc | undefined {
    return propertyDocs[name];
  }

  keyTypeDoc(name: string): KeyTypeDoc | undefined {
    return keyTypeDocs[name];
  }

  /** Flag names (for flag properties) or enumeration values, with our meanings. */
  valueOptions(p: PropertyData): ValueOption[] {
    const doc = propertyDocs[p.name];
    if (p.flags) return p.flags.map((f) => ({ text: f.name, name: f.name, value: f.value, meaning: doc?.values?.[f.name] }));
    const enums = p.type === 'DWORD' ? p.facts?.enumValues : undefined;
    if (enums) {
      const names = enums.map((e) => e.name);
      return enums.map((e) => {
        const meaning = doc?.values?.[String(e.value)];
        return { text: String(e.value), name: e.name, value: e.value, meaning, label: enumLabel(e.name, meaning, names) };
      });
    }
    return [];
  }

  /**
   * Near names, each list worked out once per (key type, name): a file that is not a metabase
   * (MBSchema.xml itself, 261 KB) has thousands of unknown attributes with a few dozen names, and
   * comparing each with 507 property names took 3.4 s.
   */
  private readonly suggestions = new Map<string, string[]>();

  suggestProperties(name: string, keyType?: string): string[] {
    const memo = `${keyType ?? ''}\u0000${name}`;
    let found = this.suggestions.get(memo);
    if (!found) {
      const exactCase = this.propertyIgnoringCase(name);
      if (exactCase) found = [exactCase.name];
      else {
        const pool = keyType && this.keyTypes.has(keyType) ? this.propertiesOf(keyType).map((p) => p.name) : [...this.properties.keys()];
        const near = suggest(name, pool);
        found = near.length > 0 || !keyType ? near : suggest(name, this.properties.keys());
      }
      this.remember(memo, found);
    }
    return [...found];
  }

  suggestKeyTypes(name: string): string[] {
    const memo = `\u0001${name}`;
    let found = this.suggestions.get(memo);
    if (!found) this.remember(memo, (found = suggest(name, this.allKeyTypeNames())));
    return [...found];
  }

  private remember(memo: string, found: string[]): void {
    if (this.suggestions.size >= 10000) this.suggestions.clear();
    // (Detached: the names come from a document's text, which the catalog outlives.)
    this.suggestions.set(detach(memo), found.map(detach));
  }

  /** A new catalog that also knows the definitions of a user's MBSchema.xml. */
  withExtension(extension: LoadedSchema): SchemaCatalog {
    return new SchemaCatalog(schemaData, extension);
  }
}

let defaultCatalog: SchemaCatalog | undefined;

/** The catalog built from the bundled data (created once). */
export function getDefaultCatalog(): SchemaCatalog {
  return (defaultCatalog ??= new SchemaCatalog(schemaData));
}
