/**
 * iis6-metabase: the command-line linter, built on the same language service as the editor.
 *
 *   iis6-metabase lint FILE... [--format text|json|sarif] [--rule ID=SEVERITY]... [--schema MBSchema.xml] [--max-warnings N]
 *   iis6-metabase processes FILE [--format text|json] [--mode worker|iis5]
 *   iis6-metabase describe NAME [--format text|json]
 *   iis6-metabase rules
 *
 * Each command's options are parsed strictly (node:util parseArgs); `COMMAND --help` prints its
 * usage. Exit status: 0 = no error found, 1 = an error was found, 2 = usage error or unreadable file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Sarif from 'sarif';
import type { Diagnostic } from 'vscode-languageserver-types';
import { getMetabaseLanguageService, type MetabaseLanguageService } from './languageService';
import { describe, descriptionText, suggestNames } from './features/describe';
import { adsutilScript, diffText } from './features/diffOutput';
import { countSeverities, lintLine, lintSummary, SEVERITY_NAMES, severityName } from './protocol';
import { processModelText } from './process/processModel';
import { allRules } from './rules/registry';
import type { SeveritySetting } from './rules/ruleTypes';
import { REPOSITORY_URL, ruleDocUrl } from './rules/ruleDocs';
import { loadMBSchema } from './schema/mbschemaLoader';
import { suggest } from './schema/suggest';
import { decodeFileBytes } from './util/fileText';
import { VERSION } from './version';

class UsageError extends Error {
  /** Print the command's usage after the message. */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

interface Command {
  usage: string;
  options: Record<string, OptionSpec>;
  run(values: Values, positionals: string[], io: CliIo): Promise<number> | number;
}

/** What the CLI talks to: lines of output, lines of errors, and standard input (for `lint -`). */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  stdin: () => Promise<Uint8Array>;
}

const HELP = { type: 'boolean', short: 'h' } as const;

const COMMANDS: Record<string, Command> = {
  lint: {
    usage: `Usage: iis6-metabase lint FILE... [options]
Reports what IIS will do wrong with each metabase file. FILE "-" reads standard input.

Options:
  --format text|json|sarif   output (default text: file:line:col severity rule message)
  --rule ID=SEVERITY         a rule's severity: error, warning, information, hint or off (repeatable)
  --schema FILE              your server's MBSchema.xml, for properties added by schema extensions
  --max-warnings N           exit 1 when more than N warnings are found
  -h, --help                 this help

Exit status: 0 when no error was found, 1 when one was (or more warnings than --max-warnings),
2 for a usage error or a file that could not be read (the other files are still linted).`,
    options: { format: { type: 'string' }, rule: { type: 'string', multiple: true }, schema: { type: 'string' }, 'max-warnings': { type: 'string' }, help: HELP },
    run: (v, p, io) => lint(v, p, io),
  },
  processes: {
    usage: `Usage: iis6-metabase processes FILE [options]
Prints which process serves each application of a metabase, and how.

Options:
  --format text|json         output (default text)
  --mode worker|iis5         show the other isolation mode than the file's
  --schema FILE              your server's MBSchema.xml
  -h, --help                 this help

Exit status: 0, or 1 when FILE holds no metabase keys (empty, binary, not a metabase), 2 for a
usage error or an unreadable file.`,
    options: { format: { type: 'string' }, mode: { type: 'string' }, schema: { type: 'string' }, help: HELP },
    run: (v, p, io) => processesCommand(v, p, io),
  },
  describe: {
    usage: `Usage: iis6-metabase describe NAME [options]
Prints what the schema says about a property or key type (the editor's hover).

Options:
  --format text|json         output (default text)
  -h, --help                 this help`,
    options: { format: { type: 'string' }, help: HELP },
    run: (v, p, io) => describeCommand(v, p, io),
  },
  diff: {
    usage: `Usage: iis6-metabase diff OLD NEW [options]
Tells what changed between two metabases (a History copy and the current file, two exports),
compared as IIS reads them: keys by Location, values by their meaning; order, indentation, line
endings and whitespace do not count. Passwords (SECURE properties) are never printed.

Options:
  --format text|json|adsutil   output (default text); adsutil: a .cmd script that applies the
                               changes to a running server with adsutil.vbs
  --schema FILE                your server's MBSchema.xml
  -h, --help                   this help

Exit status: 0 when the files configure IIS the same way, 1 when they differ, 2 for a usage error
or an unreadable file.`,
    options: { format: { type: 'string' }, schema: { type: 'string' }, help: HELP },
    run: (v, p, io) => diffCommand(v, p, io),
  },
  rules: {
    usage: `Usage: iis6-metabase rules
Lists the rules: id, default severity, what each finds.

Options:
  -h, --help                 this help`,
    options: { help: HELP },
    run: (_v, p, io) => rulesCommand(p, io),
  },
};

const USAGE = `Usage:
  iis6-metabase lint FILE... [--format text|json|sarif] [--rule ID=SEVERITY]... [--schema MBSchema.xml] [--max-warnings N]
  iis6-metabase processes FILE [--format text|json] [--mode worker|iis5] [--schema MBSchema.xml]
  iis6-metabase describe NAME [--format text|json]
  iis6-metabase diff OLD NEW [--format text|json|adsutil] [--schema MBSchema.xml]
  iis6-metabase rules
  iis6-metabase --version
iis6-metabase COMMAND --help tells more about a command.`;

/** The command's options and arguments, strictly: an option another command has (or none has) is a usage error. */
function parseCommand(name: string, command: Command, args: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'(-[^']*)'/.exec(err.message)?.[1] ?? 'an option';
      const bare = option.replace(/^-+/, '').split('=')[0];
      const elsewhere = Object.entries(COMMANDS).filter(([n, c]) => n !== name && bare in c.options).map(([n]) => n);
      const near = suggest(bare, Object.keys(command.options));
      const hint = elsewhere.length > 0 ? ` (${elsewhere.join(' and ')} ${elsewhere.length > 1 ? 'have' : 'has'} it)` : near.length > 0 ? `; did you mean --${near[0]}?` : '';
      throw new UsageError(`${name} has no option ${option}${hint}`, command.usage);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${name}: ${err.message.replace(/^Option /, '')}`, command.usage);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`${name}: ${err.message}`, command.usage);
    throw e;
  }
}

function formatOf(values: Record<string, unknown>, formats: string[], usage: string): string {
  const f = (values.format as string | undefined) ?? formats[0];
  if (!formats.includes(f)) throw new UsageError(`--format must be one of ${formats.join(', ')}, not "${f}"`, usage);
  return f;
}

function rulesOf(specs: string[] | undefined, usage: string): Record<string, SeveritySetting> {
  const rules: Record<string, SeveritySetting> = {};
  const ids = allRules.map((r) => r.meta.id);
  for (const spec of specs ?? []) {
    const eq = spec.lastIndexOf('=');
    const id = eq > 0 ? spec.slice(0, eq) : '';
    const sev = eq > 0 ? spec.slice(eq + 1) : '';
    if (!id || !['off', ...SEVERITY_NAMES].includes(sev)) throw new UsageError(`--rule expects ID=error|warning|information|hint|off, got "${spec}"`, usage);
    if (!ids.includes(id)) {
      const near = suggest(id, ids);
      throw new UsageError(`--rule ${spec}: there is no rule "${id}"${near.length > 0 ? `; did you mean ${near[0]}?` : ''} (iis6-metabase rules lists them)`);
    }
    rules[id] = sev as SeveritySetting;
  }
  return rules;
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

async function makeService(rules: Record<string, SeveritySetting>, schema: string | undefined): Promise<MetabaseLanguageService> {
  const ls = getMetabaseLanguageService({ rules, maxDiagnostics: Number.MAX_SAFE_INTEGER });
  if (schema) {
    try {
      ls.setSchemaExtension(await loadMBSchema(readText(schema)));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read the schema ${schema}: ${(err as Error).message}`);
    }
  }
  return ls;
}

interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
}

const SARIF_LEVEL: Record<(typeof SEVERITY_NAMES)[number], Sarif.ReportingConfiguration['level']> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function sarif(results: FileResult[]): Sarif.Log {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'iis6-metabase',
            version: VERSION,
            informationUri: REPOSITORY_URL,
            rules: allRules.map((r) => ({
              id: r.meta.id,
              shortDescription: { text: r.meta.description },
              helpUri: ruleDocUrl(r.meta.id),
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.defaultSeverity] },
              properties: { sources: r.meta.sources },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) =>
          r.diagnostics.map(
            (d): Sarif.Result => ({
              ruleId: String(d.code),
              level: SARIF_LEVEL[severityName(d)],
              message: { text: typeof d.message === 'string' ? d.message : d.message.value },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: r.file === '-' ? 'stdin' : r.file.split(path.sep).join('/') },
                    region: {
                      startLine: d.range.start.line + 1,
                      startColumn: d.range.start.character + 1,
                      endLine: d.range.end.line + 1,
                      endColumn: d.range.end.character + 1,
                    },
                  },
                },
              ],
            }),
          ),
        ),
      },
    ],
  };
}

async function lint(values: Record<string, unknown>, files: string[], io: CliIo): Promise<number> {
  const usage = COMMANDS.lint.usage;
  const format = formatOf(values, ['text', 'json', 'sarif'], usage);
  const rules = rulesOf(values.rule as string[] | undefined, usage);
  let maxWarnings = Infinity;
  if (values['max-warnings'] !== undefined) {
    const raw = values['max-warnings'] as string;
    if (!/^\d+$/.test(raw)) throw new UsageError(`--max-warnings expects a number of warnings (0 or more), not "${raw}"`, usage);
    maxWarnings = Number(raw);
  }
  if (files.length === 0) throw new UsageError('lint needs at least one FILE (or - for standard input)', usage);
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be read once', usage);
  const ls = await makeService(rules, values.schema as string | undefined);
  const results: FileResult[] = [];
  let unreadable = 0;
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? decodeFileBytes(await io.stdin()) : readText(file);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      // Reported, and the other files are still linted; the exit status says so at the end.
      io.err(`iis6-metabase: ${e.message}`);
      unreadable++;
      continue;
    }
    const uri = file === '-' ? 'untitled:stdin' : pathToFileURL(path.resolve(file)).href;
    results.push({ file, diagnostics: ls.doValidation(ls.parse(uri, 1, text)) });
  }
  const shownName = (f: string): string => (f === '-' ? '<stdin>' : f);
  const counts = countSeverities(results.flatMap((r) => r.diagnostics));
  if (format === 'json') {
    const json = results.map((r) => ({
      file: shownName(r.file),
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
    io.out(JSON.stringify(json, null, 2));
  } else if (format === 'sarif') {
    io.out(JSON.stringify(sarif(results), null, 2));
  } else {
    for (const r of results) {
      for (const d of r.diagnostics) io.out(lintLine(shownName(r.file), d));
    }
    io.out(lintSummary(results.length, counts));
  }
  if (counts.warning > maxWarnings) io.err(`iis6-metabase: ${counts.warning} warnings, more than --max-warnings ${maxWarnings}`);
  if (unreadable > 0) return 2;
  return counts.error > 0 || counts.warning > maxWarnings ? 1 : 0;
}

function describeCommand(values: Record<string, unknown>, names: string[], io: CliIo): number {
  const format = formatOf(values, ['text', 'json'], COMMANDS.describe.usage);
  if (names.length !== 1) throw new UsageError('describe needs exactly one NAME', COMMANDS.describe.usage);
  const ls = getMetabaseLanguageService();
  const name = names[0];
  const d = describe(ls.catalog, name);
  if (!d) {
    const near = suggestNames(ls.catalog, name);
    throw new UsageError(`"${name}" is not a known property or key type.${near.length > 0 ? ` Closest: ${near.join(', ')}` : ''}`);
  }
  io.out(format === 'json' ? JSON.stringify(d, null, 2) : descriptionText(d));
  return 0;
}

function rulesCommand(args: string[], io: CliIo): number {
  if (args.length > 0) throw new UsageError('rules takes no arguments', COMMANDS.rules.usage);
  for (const r of allRules) io.out(`${r.meta.id.padEnd(34)} ${r.meta.defaultSeverity.padEnd(11)} ${r.meta.description}`);
  return 0;
}

async function processesCommand(values: Record<string, unknown>, files: string[], io: CliIo): Promise<number> {
  const usage = COMMANDS.processes.usage;
  const format = formatOf(values, ['text', 'json'], usage);
  const mode = values.mode as string | undefined;
  if (mode !== undefined && mode !== 'worker' && mode !== 'iis5') throw new UsageError(`--mode must be worker or iis5, not "${mode}"`, usage);
  if (files.length !== 1) throw new UsageError('processes needs exactly one FILE', usage);
  const file = files[0];
  const ls = await makeService({}, values.schema as string | undefined);
  const doc = ls.parse(pathToFileURL(path.resolve(file)).href, 1, readText(file));
  if (doc.model.keys.length === 0) {
    const binary = doc.xml.problems.some((p) => p.kind === 'binary-content');
    io.err(`iis6-metabase: ${file} ${binary ? 'does not look like a text metabase (it holds NUL or control bytes)' : 'holds no metabase keys'}, so there are no processes to show.`);
    return 1;
  }
  const pm = ls.getProcessModel(doc, mode as 'worker' | 'iis5' | undefined);
  if (format === 'json') {
    io.out(
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
    io.out(processModelText(pm));
  }
  return 0;
}

async function diffCommand(values: Values, files: string[], io: CliIo): Promise<number> {
  const usage = COMMANDS.diff.usage;
  const format = formatOf(values, ['text', 'json', 'adsutil'], usage);
  if (files.length !== 2) throw new UsageError('diff needs two files: OLD NEW', usage);
  const [oldFile, newFile] = files as [string, string];
  const ls = await makeService({}, values.schema as string | undefined);
  const oldDoc = ls.parse(pathToFileURL(path.resolve(oldFile)).href, 1, readText(oldFile));
  const newDoc = ls.parse(pathToFileURL(path.resolve(newFile)).href, 1, readText(newFile));
  const diff = ls.diffDocuments(oldDoc, newDoc);
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          old: oldFile,
          new: newFile,
          changes: diff.changes.map((c) => ({ kind: c.kind, location: c.location, keyType: c.keyType, property: c.property, old: c.old, new: c.new, secure: c.secure, line: c.line })),
          effects: diff.effects,
          newErrors: diff.newErrors,
        },
        null,
        2,
      ),
    );
  } else if (format === 'adsutil') {
    io.out(adsutilScript(diff, { oldName: oldFile, newName: newFile }));
  } else {
    io.out(diffText(diff, oldFile, newFile));
  }
  return diff.changes.length > 0 ? 1 : 0;
}

function readStdin(): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

/**
 * Runs the CLI; returns the exit status. `out`/`err` receive whole lines; `stdin` is read for
 * `lint -` (the process's standard input by default).
 */
export async function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void, stdin: () => Promise<Uint8Array> = readStdin): Promise<number> {
  const io: CliIo = { out, err, stdin };
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-v') {
      out(VERSION);
      return 0;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      const about = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
      out(about ? about.usage : USAGE);
      return 0;
    }
    const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) {
      const near = name ? suggest(name, Object.keys(COMMANDS)) : [];
      throw new UsageError(name ? `unknown command "${name}"${near.length > 0 ? `; did you mean ${near[0]}?` : ''}` : 'no command given', USAGE);
    }
    const { values, positionals } = parseCommand(name!, command, rest);
    if (values.help) {
      out(command.usage);
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`iis6-metabase: ${e.message}`);
      if (e.usage) err(e.usage);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  // A reader that stops early (\`lint … | head -1\`) closes the pipe: stop quietly, with the status so far.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
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
