/**
 * iis6-metabase: the command-line linter, built on the same language service as the editor.
 *
 *   iis6-metabase lint FILE... [--format text|json|sarif] [--rule ID=SEVERITY]... [--schema MBSchema.xml]
 *   iis6-metabase describe NAME [--format text|json]
 *   iis6-metabase processes FILE [--format text|json]
 *
 * Exit status: 0 = no error found, 1 = an error was found, 2 = usage error or unreadable file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import { getMetabaseLanguageService, type MetabaseLanguageService } from './languageService';
import { describe, descriptionText, suggestNames } from './features/describe';
import { processModelText } from './process/processModel';
import { allRules } from './rules/registry';
import type { SeveritySetting } from './rules/ruleTypes';
import { loadMBSchema } from './schema/mbschemaLoader';
import { decodeFileBytes } from './util/fileText';
import { VERSION } from './version';

class UsageError extends Error {}

const SEVERITY_NAMES = ['error', 'warning', 'information', 'hint'] as const;
const USAGE = `Usage:
  iis6-metabase lint FILE... [--format text|json|sarif] [--rule ID=error|warning|information|hint|off]... [--schema MBSchema.xml]
  iis6-metabase describe NAME [--format text|json]
  iis6-metabase processes FILE [--format text|json] [--mode worker|iis5]
  iis6-metabase rules
  iis6-metabase --version`;

interface Options {
  format: string;
  mode?: 'worker' | 'iis5';
  rules: Record<string, SeveritySetting>;
  schema?: string;
  positional: string[];
}

function parseArgs(args: string[], formats: string[]): Options {
  const opts: Options = { format: formats[0], rules: {}, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--format' || a.startsWith('--format=')) {
      opts.format = value();
      if (!formats.includes(opts.format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
    } else if (a === '--rule' || a.startsWith('--rule=')) {
      const spec = value();
      const [id, sev] = spec.split('=');
      if (!id || !sev || !['off', ...SEVERITY_NAMES].includes(sev)) throw new UsageError(`--rule expects ID=error|warning|information|hint|off, got "${spec}"`);
      opts.rules[id] = sev as SeveritySetting;
    } else if (a === '--mode' || a.startsWith('--mode=')) {
      const mode = value();
      if (mode !== 'worker' && mode !== 'iis5') throw new UsageError('--mode must be worker or iis5');
      opts.mode = mode;
    } else if (a === '--schema' || a.startsWith('--schema=')) {
      opts.schema = value();
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      opts.positional.push(a);
    }
  }
  return opts;
}

function readText(file: string): string {
  try {
    return decodeFileBytes(readFileSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
}

function severityName(d: Diagnostic): (typeof SEVERITY_NAMES)[number] {
  return SEVERITY_NAMES[(d.severity ?? 1) - 1] ?? 'error';
}

async function makeService(opts: Options): Promise<MetabaseLanguageService> {
  const ls = getMetabaseLanguageService({ rules: opts.rules, maxDiagnostics: Number.MAX_SAFE_INTEGER });
  if (opts.schema) {
    try {
      ls.setSchemaExtension(await loadMBSchema(readText(opts.schema)));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read the schema ${opts.schema}: ${(err as Error).message}`);
    }
  }
  return ls;
}

interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
}

function sarif(results: FileResult[]): unknown {
  const level = (d: Diagnostic): string => (d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'note');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'iis6-metabase',
            version: VERSION,
            informationUri: 'https://github.com/iis6-metabase/iis6-metabase',
            rules: allRules.map((r) => ({
              id: r.meta.id,
              shortDescription: { text: r.meta.description },
              defaultConfiguration: { level: r.meta.defaultSeverity === 'error' ? 'error' : r.meta.defaultSeverity === 'warning' ? 'warning' : 'note' },
              properties: { sources: r.meta.sources },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: String(d.code),
            level: level(d),
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file.split(path.sep).join('/') },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}

async function lint(args: string[], out: (s: string) => void): Promise<number> {
  const opts = parseArgs(args, ['text', 'json', 'sarif']);
  if (opts.positional.length === 0) throw new UsageError('lint needs at least one FILE');
  const ls = await makeService(opts);
  const results: FileResult[] = [];
  for (const file of opts.positional) {
    const text = readText(file);
    const doc = ls.parse(pathToFileURL(path.resolve(file)).href, 1, text);
    results.push({ file, diagnostics: ls.doValidation(doc) });
  }
  const hasError = results.some((r) => r.diagnostics.some((d) => d.severity === 1));
  if (opts.format === 'json') {
    const json = results.map((r) => ({
      file: r.file,
      diagnostics: r.diagnostics.map((d) => {
        const data = (d.data ?? {}) as { keyType?: string | null; location?: string | null; property?: string | null };
        return {
          range: d.range,
          severity: severityName(d),
          code: d.code,
          message: d.message,
          keyType: data.keyType ?? null,
          location: data.location ?? null,
          property: data.property ?? null,
        };
      }),
    }));
    out(JSON.stringify(json, null, 2));
  } else if (opts.format === 'sarif') {
    out(JSON.stringify(sarif(results), null, 2));
  } else {
    const counts = { error: 0, warning: 0, information: 0, hint: 0 };
    for (const r of results) {
      for (const d of r.diagnostics) {
        const sev = severityName(d);
        counts[sev]++;
        out(`${r.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${sev} ${d.code} ${d.message}`);
      }
    }
    out(`${results.length} file${results.length === 1 ? '' : 's'}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.information} information, ${counts.hint} hint(s)`);
  }
  return hasError ? 1 : 0;
}

function describeCommand(args: string[], out: (s: string) => void): number {
  const opts = parseArgs(args, ['text', 'json']);
  if (opts.positional.length !== 1) throw new UsageError('describe needs exactly one NAME');
  const ls = getMetabaseLanguageService();
  const name = opts.positional[0];
  const d = describe(ls.catalog, name);
  if (!d) {
    const near = suggestNames(ls.catalog, name);
    throw new UsageError(`"${name}" is not a known property or key type.${near.length > 0 ? ` Closest: ${near.join(', ')}` : ''}`);
  }
  out(opts.format === 'json' ? JSON.stringify(d, null, 2) : descriptionText(d));
  return 0;
}

function rulesCommand(out: (s: string) => void): number {
  for (const r of allRules) out(`${r.meta.id.padEnd(34)} ${r.meta.defaultSeverity.padEnd(11)} ${r.meta.description}`);
  return 0;
}

/** Runs the CLI; returns the exit status. `out`/`err` receive whole lines. */
export async function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
        return await lint(rest, out);
      case 'describe':
        return describeCommand(rest, out);
      case 'processes':
        return await processesCommand(rest, out);
      case 'rules':
        return rulesCommand(out);
      case '--version':
      case '-v':
        out(VERSION);
        return 0;
      case '--help':
      case '-h':
      case 'help':
        out(USAGE);
        return 0;
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`iis6-metabase: ${e.message}`);
      if (!e.message.startsWith('cannot read') && !e.message.includes('is not a known')) err(USAGE);
      return 2;
    }
    throw e;
  }
}

async function processesCommand(args: string[], out: (s: string) => void): Promise<number> {
  const opts = parseArgs(args, ['text', 'json']);
  if (opts.positional.length !== 1) throw new UsageError('processes needs exactly one FILE');
  const file = opts.positional[0];
  const ls = await makeService(opts);
  const doc = ls.parse(pathToFileURL(path.resolve(file)).href, 1, readText(file));
  const pm = ls.getProcessModel(doc, opts.mode);
  if (opts.format === 'json') {
    out(
      JSON.stringify(
        {
          isolationMode: pm.isolationMode,
          processes: pm.processes.map(({ image, pool, hosting, instances, identity, applications, mode }) => ({ image, pool, hosting, instances, identity, applications, mode })),
          applications: pm.applications.map(({ location, site, image, hosting, pool, problem, mode, notes }) => ({ location, site, image, hosting, pool, problem, mode, notes })),
        },
        null,
        2,
      ),
    );
  } else {
    out(processModelText(pm));
  }
  return 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2), (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n')).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`iis6-metabase: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
