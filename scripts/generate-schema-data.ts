/**
 * Generates server/src/data/schemaData.generated.ts.
 *
 *   npx tsx scripts/generate-schema-data.ts [--schema MBSchema.xml] [--facts DIR] [--check]
 *
 * Inputs:
 *  - Microsoft's MBSchema.xml (default: ../shared/realworld/modsic-mbschema-iis6-schema.xml), read
 *    with xml2js through the same loader the server uses for a user's own schema. It is
 *    authoritative for names, IDs, types, ranges, flags, INHERIT/SECURE and key-type membership.
 *  - The researched facts (../shared/facts/properties.json, keytypes.json): units, levels,
 *    documented and internal defaults, enumeration values, status and source pages. Only facts
 *    are carried over: no sentence from the facts files ends up in the output.
 *
 * --check compares the output with the committed file and exits 1 if they differ.
 * The schema file itself is never copied into the repository or the package.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { loadMBSchema } from '../server/src/schema/mbschemaLoader';
import type { FlagData, KeyTypeData, PropertyData, PropertyFacts, PropertyLevel, SchemaData } from '../server/src/schema/types';
import { findSharedDir } from './sharedDir';

interface FactsProperty {
  name: string;
  id: number | null;
  mdName: string | null;
  type: string | null;
  kind: 'flags' | 'enum' | 'scalar';
  default: unknown;
  schemaDefault: unknown;
  internalDefault: unknown;
  min: number | null;
  max: number | null;
  inherit: boolean | null;
  secure: boolean | null;
  keyTypes: string[];
  category: 'appPool' | 'applicationLevel' | 'processLevel' | 'other';
  values: Array<{ name: string; value: number | null }>;
  units: string | null;
  source: string | null;
  altSources: string[];
  status: string[];
}

interface FactsKeyType {
  name: string;
  locationPatterns: string[];
  sources: string[];
}

const LEVELS: Record<FactsProperty['category'], PropertyLevel> = {
  appPool: 'pool',
  applicationLevel: 'application',
  processLevel: 'process',
  other: 'other',
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Render a default as it would be written in MetaBase.xml. */
function asMetabaseText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

function factsFor(f: FactsProperty): PropertyFacts {
  const facts: PropertyFacts = { level: LEVELS[f.category] };
  const documented = asMetabaseText(f.default);
  const internal = asMetabaseText(f.internalDefault);
  if (documented !== undefined) facts.documentedDefault = documented;
  if (internal !== undefined) facts.internalDefault = internal;
  if (f.units) facts.units = f.units;
  if (f.kind === 'enum' && f.values.length > 0) {
    const numeric = f.values.filter((v): v is FlagData => typeof v.value === 'number');
    if (numeric.length > 0) facts.enumValues = numeric.map((v) => ({ name: v.name, value: v.value }));
    const keywords = f.values.filter((v) => v.value === null).map((v) => v.name);
    if (keywords.length > 0) facts.keywords = keywords;
  }
  if (f.status.length > 0) facts.status = [...f.status];
  if (f.source) facts.source = f.source;
  if (f.altSources.length > 0) facts.altSources = [...f.altSources];
  return facts;
}

export async function generate(schemaPath: string, factsDir: string): Promise<SchemaData> {
  const loaded = await loadMBSchema(readFileSync(schemaPath, 'utf8'));
  const factsProps = JSON.parse(readFileSync(path.join(factsDir, 'properties.json'), 'utf8')) as FactsProperty[];
  const factsKeys = (JSON.parse(readFileSync(path.join(factsDir, 'keytypes.json'), 'utf8')) as { keyTypes: FactsKeyType[] }).keyTypes;

  const byName = new Map(loaded.properties.map((p) => [p.name, p]));
  for (const f of factsProps) {
    const def = byName.get(f.name);
    if (def) {
      def.facts = factsFor(f);
      continue;
    }
    // A documented property that this MBSchema.xml does not define (e.g. added by a service pack).
    // Keep it, with the facts' type and key types, so it is known rather than "unknown".
    if (!f.type || f.id === null) continue;
    const added: PropertyData = {
      name: f.name,
      id: f.id,
      type: f.type as PropertyData['type'],
      userType: '',
      inherit: f.inherit === true,
      secure: f.secure === true,
      keyTypes: [...f.keyTypes],
      facts: { ...factsFor(f), status: [...f.status, 'notInSchema'] },
    };
    if (f.min !== null) added.min = f.min;
    if (f.max !== null) added.max = f.max;
    byName.set(f.name, added);
  }

  const factsKeyByName = new Map(factsKeys.map((k) => [k.name, k]));
  const keyTypes: KeyTypeData[] = loaded.keyTypes.map((k) => {
    const fk = factsKeyByName.get(k.name);
    const out: KeyTypeData = { ...k };
    if (fk && fk.locationPatterns.length > 0) out.locationPatterns = [...fk.locationPatterns];
    if (fk && fk.sources.length > 0) out.source = fk.sources[0];
    return out;
  });
  const properties = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name, 'en'));
  for (const p of properties) p.keyTypes.sort();
  keyTypes.sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return { properties, keyTypes };
}

export function render(data: SchemaData): string {
  const lines = [
    '// GENERATED FILE - do not edit. Produced by scripts/generate-schema-data.ts from',
    "// Microsoft's MBSchema.xml (types, ranges, flags, attributes, key types) and the researched facts",
    '// researched from public documentation (units, levels, documented defaults, source pages). Regenerate with `npm run generate`.',
    "import type { SchemaData } from '../schema/types';",
    '',
    'export const schemaData: SchemaData = {',
    '  properties: [',
    ...data.properties.map((p) => `    ${JSON.stringify(p)},`),
    '  ],',
    '  keyTypes: [',
    ...data.keyTypes.map((k) => `    ${JSON.stringify(k)},`),
    '  ],',
    '};',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..');
  const shared = findSharedDir();
  const schemaPath = arg('--schema') ?? (shared && path.join(shared, 'realworld', 'modsic-mbschema-iis6-schema.xml'));
  const factsDir = arg('--facts') ?? (shared && path.join(shared, 'facts'));
  if (!schemaPath || !factsDir || !existsSync(schemaPath)) {
    console.error('generate-schema-data: MBSchema.xml not found; pass --schema FILE --facts DIR');
    process.exit(2);
  }
  const text = render(await generate(schemaPath, factsDir));
  const out = path.join(repo, 'server', 'src', 'data', 'schemaData.generated.ts');
  if (process.argv.includes('--check')) {
    const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(repo, out)} is out of date; run npm run generate`);
      process.exit(1);
    }
    console.log(`${path.relative(repo, out)} is up to date`);
    return;
  }
  writeFileSync(out, text);
  console.log(`wrote ${path.relative(repo, out)}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
