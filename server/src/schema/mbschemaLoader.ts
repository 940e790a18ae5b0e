/**
 * Reads an MBSchema.xml (IIS 6.0 metabase schema) with xml2js.
 *
 * Used twice: by scripts/generate-schema-data.ts to produce the committed catalog from
 * Microsoft's schema, and at run time when the user points `iis6Metabase.schemaPath` at the
 * MBSchema.xml of a server with schema extensions.
 *
 * Layout of the file: <MetaData><DatabaseMeta><Collection InternalName="IIsConfigObject"> holds
 * every <Property> definition; each other <Collection> is a key type whose members are written
 * as <Property InheritsPropertiesFrom="IIsConfigObject:Name"/> and whose allowed children are
 * its ContainerClassList.
 */
import type { FlagData, KeyTypeData, PropertyData, PropertyType } from './types';

export interface LoadedSchema {
  properties: PropertyData[];
  keyTypes: KeyTypeData[];
}

const PROPERTY_TYPES: ReadonlySet<string> = new Set([
  'DWORD', 'STRING', 'BOOL', 'MULTISZ', 'EXPANDSZ', 'BINARY', 'NTACL', 'IPSECLIST', 'MIMEMAP',
]);

/** The collection that holds the property definitions in MBSchema.xml. */
const DEFINITION_COLLECTION = 'IIsConfigObject';
/** Internal collections that are not key types. */
const NON_KEY_COLLECTIONS: ReadonlySet<string> = new Set(['MetabaseBaseClass']);

interface XmlNode {
  $?: Record<string, string>;
  [child: string]: unknown;
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function splitList(value: string | undefined, separator: string): string[] {
  if (!value) return [];
  return value.split(separator).map((s) => s.trim()).filter((s) => s.length > 0);
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

async function parseXml(text: string): Promise<XmlNode> {
  // Loaded on first use: xml2js (with sax and xmlbuilder) is needed only with a schema of the
  // user's, and evaluating it at start-up cost every CLI run about 25 ms.
  const { parseString } = await import('xml2js');
  return new Promise((resolve, reject) => {
    // xml2js (sax underneath) never resolves external entities or reads files.
    parseString(text, { explicitArray: true, explicitChildren: false }, (err, result: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(result as XmlNode);
    });
  });
}

function readProperty(node: XmlNode): PropertyData | undefined {
  const a = node.$ ?? {};
  const name = a.InternalName?.trim();
  const type = a.Type?.trim();
  if (!name || !type || !PROPERTY_TYPES.has(type)) return undefined;
  const attributes = splitList(a.Attributes, '|');
  const metaFlags = splitList(a.MetaFlags, '|');
  const metaFlagsEx = splitList(a.MetaFlagsEx, '|');
  const flags: FlagData[] = children(node, 'Flag')
    .map((f) => ({ name: (f.$?.InternalName ?? '').trim(), value: toNumber(f.$?.Value) ?? NaN }))
    .filter((f) => f.name !== '' && Number.isFinite(f.value));
  const property: PropertyData = {
    name,
    id: toNumber(a.ID) ?? -1,
    type: type as PropertyType,
    userType: a.UserType?.trim() ?? '',
    inherit: attributes.includes('INHERIT'),
    secure: attributes.includes('SECURE'),
    keyTypes: [],
  };
  const other = attributes.filter((x) => x !== 'INHERIT' && x !== 'SECURE' && x !== 'NO_ATTRIBUTES');
  if (other.length > 0) property.attributes = other;
  if (metaFlags.includes('CASEINSENSITIVE')) property.caseInsensitive = true;
  if (metaFlags.includes('HIDDEN') || metaFlagsEx.includes('HIDDEN')) property.hidden = true;
  if (a.DefaultValue !== undefined) property.schemaDefault = a.DefaultValue;
  // The schema writes EndingNumber="0" on many BOOL and flag properties; like the SDK's
  // "upper bound 0", that is not a real limit. Only a non-zero EndingNumber is a maximum.
  const min = toNumber(a.StartingNumber);
  const max = toNumber(a.EndingNumber);
  if (min !== undefined && min !== 0) property.min = min;
  if (max !== undefined && max !== 0) property.max = max;
  if (flags.length > 0) property.flags = flags;
  return property;
}

/** Parse MBSchema.xml text into property definitions and key types. Rejects on malformed XML. */
export async function loadMBSchema(text: string): Promise<LoadedSchema> {
  const root = await parseXml(text.replace(/^\uFEFF/, ''));
  const metaData = (root.MetaData ?? root['x:MetaData']) as XmlNode | undefined;
  if (!metaData) throw new Error('not an MBSchema.xml: the root element is not <MetaData>');
  const collections = children(metaData, 'DatabaseMeta').flatMap((db) => children(db, 'Collection'));
  if (collections.length === 0) throw new Error('not an MBSchema.xml: no <Collection> elements');

  const properties = new Map<string, PropertyData>();
  const keyTypes: KeyTypeData[] = [];
  const memberships: Array<[keyType: string, property: string]> = [];

  for (const collection of collections) {
    const cname = collection.$?.InternalName?.trim();
    if (!cname || NON_KEY_COLLECTIONS.has(cname)) continue;
    const isDefinitions = cname === DEFINITION_COLLECTION;
    for (const p of children(collection, 'Property')) {
      const inheritsFrom = p.$?.InheritsPropertiesFrom?.trim();
      if (inheritsFrom) {
        const propName = inheritsFrom.includes(':') ? inheritsFrom.slice(inheritsFrom.indexOf(':') + 1) : inheritsFrom;
        memberships.push([cname, propName.trim()]);
        continue;
      }
      const def = readProperty(p);
      if (!def) continue;
      if (!properties.has(def.name)) properties.set(def.name, def);
      // A definition inside a key-type collection (schema extensions do this) is also a membership.
      if (!isDefinitions) memberships.push([cname, def.name]);
    }
    if (isDefinitions) continue;
    const metaFlags = splitList(collection.$?.MetaFlags, '|');
    const keyType: KeyTypeData = { name: cname };
    const containerList = collection.$?.ContainerClassList;
    if (containerList !== undefined) keyType.containers = splitList(containerList, ',');
    if (metaFlags.includes('HIDDEN')) keyType.hidden = true;
    keyTypes.push(keyType);
  }

  for (const [keyType, propName] of memberships) {
    const def = properties.get(propName);
    if (def && !def.keyTypes.includes(keyType)) def.keyTypes.push(keyType);
  }
  return { properties: [...properties.values()], keyTypes };
}
