/**
 * The seed inputs of the fuzzer: the real-world files, the misconfiguration fixtures, the bundled
 * example, the shared research folder's real-world files (when present), the fuzzer's own
 * regression fixtures, and two of them written on one line. Files are read as bytes (byte-level
 * mutations start from them) and as text with the BOM kept (what an editor that does not strip it
 * would send).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findSharedDir } from '../../scripts/sharedDir';

export interface Seed {
  /** Short name for reports (file name, or `name[0..n]` for a slice). */
  name: string;
  text: string;
  bytes: Uint8Array;
  /** Relative chance of being picked. */
  weight: number;
}

export interface CorpusOptions {
  /** Include the MBSchema.xml schema file (261 KB, not a metabase; slow to validate). Default true. */
  includeSchema?: boolean;
  /** Files larger than this (characters) are only used as a prefix slice of this size. Default: no limit. */
  maxSize?: number;
}

const repoRoot = path.resolve(__dirname, '..', '..');
export const FUZZ_FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'fuzz');
const SCHEMA_FILE = /mbschema/i;

function xmlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.xml'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function loadCorpus(options: CorpusOptions = {}): Seed[] {
  const includeSchema = options.includeSchema ?? true;
  const dirs = [
    path.join(repoRoot, 'test', 'fixtures', 'realworld'),
    path.join(repoRoot, 'test', 'fixtures', 'misconfigs'),
    path.join(repoRoot, 'examples'),
    FUZZ_FIXTURES,
  ];
  const shared = findSharedDir();
  for (const d of [shared && path.join(shared, 'realworld'), '/work/shared/realworld']) {
    if (d && !dirs.includes(d)) dirs.push(d);
  }
  const seen = new Set<string>();
  const seeds: Seed[] = [];
  for (const dir of dirs) {
    for (const file of xmlFiles(dir)) {
      const bytes = new Uint8Array(readFileSync(file));
      const hash = createHash('sha1').update(bytes).digest('hex');
      if (seen.has(hash)) continue;
      seen.add(hash);
      const name = path.basename(file);
      const text = Buffer.from(bytes).toString('utf8');
      const isSchema = SCHEMA_FILE.test(name);
      if (isSchema && !includeSchema) {
        // A slice of it is still a good input (its shape is nothing like a metabase).
        const slice = text.slice(0, 12000);
        seeds.push({ name: `${name}[0..12000]`, text: slice, bytes: Buffer.from(slice, 'utf8'), weight: 1 });
        continue;
      }
      if (options.maxSize !== undefined && text.length > options.maxSize) {
        const slice = text.slice(0, options.maxSize);
        seeds.push({ name: `${name}[0..${options.maxSize}]`, text: slice, bytes: Buffer.from(slice, 'utf8'), weight: 1 });
        continue;
      }
      // The schema is slow to validate (thousands of unknown names): picked rarely, and a slice often.
      if (isSchema) {
        seeds.push({ name, text, bytes, weight: 0.15 });
        const slice = text.slice(0, 40000);
        seeds.push({ name: `${name}[0..40000]`, text: slice, bytes: Buffer.from(slice, 'utf8'), weight: 1 });
      } else {
        seeds.push({ name, text, bytes, weight: text.length > 20000 ? 3 : 1 });
      }
    }
  }
  // Tiny documents: the empty file, a BOM alone, the skeleton IIS writes.
  const tiny: Array<[string, string]> = [
    ['(empty)', ''],
    ['(bom)', '\uFEFF'],
    [
      '(skeleton)',
      '\uFEFF<?xml version ="1.0"?>\r\n<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">\r\n<MBProperty>\r\n<IIS_Global\tLocation ="."\r\n\t\tSessionKey="49634462f0000000a4"\r\n\t>\r\n</IIS_Global>\r\n</MBProperty>\r\n</configuration>\r\n',
    ],
  ];
  for (const [name, text] of tiny) seeds.push({ name, text, bytes: Buffer.from(text, 'utf8'), weight: 0.5 });
  // The example and a real export written on one line (no line break at all: tags run on).
  for (const file of [path.join(repoRoot, 'examples', 'MetaBase.xml'), path.join(repoRoot, 'test', 'fixtures', 'realworld', 'modsic-oval-iis6-a-metabase.xml')]) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').replace(/>\s*\r?\n\s*</g, '><').replace(/\r?\n/g, ' ');
    seeds.push({ name: `${path.basename(file)} (one line)`, text, bytes: Buffer.from(text, 'utf8'), weight: 1 });
  }
  return seeds;
}
