/**
 * Shapes of the schema catalog. The data itself is generated from Microsoft's MBSchema.xml
 * (types, ranges, flags, attributes, key-type memberships) and from the researched facts in
 * the project's research notes (units, levels, install-time defaults, each with its public source page) by
 * scripts/generate-schema-data.ts. Documentation text lives separately in data/propertyDocs.ts.
 */

export type PropertyType =
  | 'DWORD'
  | 'STRING'
  | 'BOOL'
  | 'MULTISZ'
  | 'EXPANDSZ'
  | 'BINARY'
  | 'NTACL'
  | 'IPSECLIST'
  | 'MIMEMAP';

/** Where a property acts, following the SDK's "Types of Metabase Properties". */
export type PropertyLevel = 'application' | 'process' | 'pool' | 'other';

export interface FlagData {
  name: string;
  value: number;
}

export interface PropertyFacts {
  /** Default printed on the Windows Server 2003 reference page (often what setup writes). */
  documentedDefault?: string;
  /** SDK "internal default": what IIS uses when nothing is stored. */
  internalDefault?: string;
  units?: string;
  level: PropertyLevel;
  /** Named values of an enumeration (value meanings are in the docs). */
  enumValues?: FlagData[];
  /** Keywords a STRING value may contain (e.g. HttpRedirect's EXACT_DESTINATION). */
  keywords?: string[];
  /** readOnly, obsoleteInIIS6, notConfigurable, noEffectInIIS6, ... */
  status?: string[];
  source?: string;
  altSources?: string[];
}

export interface PropertyData {
  name: string;
  id: number;
  type: PropertyType;
  userType: string;
  inherit: boolean;
  secure: boolean;
  /** Other schema attributes: VOLATILE, REFERENCE. */
  attributes?: string[];
  caseInsensitive?: boolean;
  hidden?: boolean;
  /** MBSchema.xml DefaultValue, verbatim. */
  schemaDefault?: string;
  min?: number;
  max?: number;
  flags?: FlagData[];
  /** Key types (collections) that may hold the property, from MBSchema.xml. */
  keyTypes: string[];
  facts?: PropertyFacts;
}

export interface KeyTypeData {
  name: string;
  /** Key types this one may contain (ContainerClassList); undefined when the schema says nothing. */
  containers?: string[];
  hidden?: boolean;
  /** Typical Location patterns (from the facts dataset), e.g. "/LM/W3SVC/n". */
  locationPatterns?: string[];
  source?: string;
}

export interface SchemaData {
  properties: PropertyData[];
  keyTypes: KeyTypeData[];
}
