/**
 * The benchmark behind the README's performance table (`npm run bench`). Everything is measured
 * in one process on the same generated files (bench/gen-metabase.ts, seed 42): 100, 1,000 and
 * 10,000 sites. Times are CPU time of this process (user + system) where the work is synchronous,
 * so other load on the machine disturbs them less; medians of several runs.
 *
 *   1. parse alone, a plain charCodeAt loop over the same string, xml2js.parseString;
 *   2. full validation (parse, model, inheritance, every rule, diagnostics);
 *   3. a keystroke in the 10,000-site file: one character typed in an attribute value, from the
 *      change to the new diagnostics (the server's debounce excluded), its undo, and pasting a
 *      whole site; diagnostics are compared with a full validation of the same text;
 *   4. hover, completion, definition and document symbols at 100 random positions;
 *   5. server start-up to first diagnostics on the example, and peak RSS of the server process
 *      with the 10,000-site file open (measured on the real server over stdio).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseString } from 'xml2js';
import { getMetabaseLanguageService } from '../server/src/languageService';
import type { MetabaseDocument } from '../server/src/metabaseDocument';
import { scan } from '../server/src/parser/scanner';
import { GarbageCollector } from '../server/src/lsp/garbage';
import { setJoinListener } from '../server/src/parser/pieceText';
import { mulberry32 } from './gen-metabase';
import { peakRss, readText } from './measure';
import { findSharedDir } from '../scripts/sharedDir';

const OUT = path.join(__dirname);
const REPO = path.resolve(__dirname, '..', '..');
const SIZES = [100, 1000, 10000];
const quick = process.argv.includes('--quick');

function cpu<T>(f: () => T): { ms: number; value: T } {
  const a = process.cpuUsage();
  const value = f();
  const b = process.cpuUsage(a);
  return { ms: (b.user + b.system) / 1000, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

function repeat(n: number, f: () => void): number {
  f(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(cpu(f).ms);
  return median(times);
}

/** Medians of `n` runs of `f` and of `g`, in turns after a warm-up of each. */
function alternate(n: number, f: () => void, g: () => void): [number, number] {
  f();
  g();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    a.push(cpu(f).ms);
    b.push(cpu(g).ms);
  }
  return [median(a), median(b)];
}

function charLoop(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 60) count++;
  return count;
}

function xml2jsMs(text: string): number {
  const a = process.cpuUsage();
  let done = false;
  parseString(text, (err) => {
    if (err) throw err;
    done = true;
  });
  const b = process.cpuUsage(a);
  if (!done) throw new Error('xml2js did not finish synchronously');
  return (b.user + b.system) / 1000;
}

const ls = getMetabaseLanguageService();

function fullValidation(text: string): { ms: number; doc: MetabaseDocument; count: number } {
  const r = cpu(() => {
    const doc = ls.parse('file:///bench/MetaBase.xml', 1, text);
    return { doc, count: ls.doValidation(doc).length };
  });
  return { ms: r.ms, doc: r.value.doc, count: r.value.count };
}

interface Row {
  sites: number;
  mb: number;
  lines: number;
  keys: number;
  loop: number;
  parse: number;
  xml2js: number;
  validation: number;
  /** The warm-up run of full validation. */
  firstValidation: number;
}

function measureSize(sites: number): { row: Row; text: string } {
  const text = readText(path.join(OUT, `sites-${sites}.xml`));
  // Nine runs at every size, the loop's and the parse's taking turns, so that a slow spell of this
  // shared machine falls on both (one slow run in five moved the median).
  const [loop, parse] = alternate(9, () => void charLoop(text), () => void scan(text));
  // Full validation before xml2js, a warm-up run then the median of 9, as for parse and the
  // loop. (After xml2js has built and dropped its 600 MB tree, the next two validations in the
  // same process took 1.3 to 2 times as long, garbage collected or not: a language server's heap
  // never holds such a tree. The warm-up run is reported apart.)
  const validations: number[] = [];
  let keys = 0;
  let first = 0;
  for (let i = 0; i < 10; i++) {
    const v = fullValidation(text);
    if (i === 0) first = v.ms;
    else validations.push(v.ms);
    keys = v.doc.model.keys.length;
  }
  const x2j = sites >= 10000 ? median([xml2jsMs(text), ...(quick ? [] : [xml2jsMs(text), xml2jsMs(text)])]) : repeat(3, () => void xml2jsMs(text));
  const lines = text.split('\n').length;
  return { row: { sites, mb: text.length / 1e6, lines, keys, loop, parse, xml2js: x2j, validation: median(validations), firstValidation: first }, text };
}

interface Keystrokes {
  type: number[];
  undo: number[];
  paste: number[];
  typeUpdate: number[];
  rescanned: number[];
  /** Typed characters whose re-parse found its end within the window (without reading the whole text). */
  windowed: number;
  /** Times the pieces of the text were joined into one string. */
  joins: number;
  identical: boolean;
  checked: number;
}

/** Types a character into random attribute values (then undoes it), and pastes whole sites. */
function measureKeystrokes(text: string, count: number): Keystrokes {
  const rnd = mulberry32(7);
  let doc = ls.parse('file:///bench/MetaBase.xml', 1, text);
  ls.doValidation(doc);
  let version = 1;
  const values = [...text.matchAll(/="[^"]/g)].map((m) => m.index! + 2);
  const out: Keystrokes = { type: [], undo: [], paste: [], typeUpdate: [], rescanned: [], windowed: 0, joins: 0, identical: true, checked: 0 };
  // Like the server (server.ts, lsp/garbage.ts): edits keep the text as pieces of the previous
  // string; when they are joined into a new string (here: for the comparisons with a fresh parse
  // and for finding where to paste), the old one is garbage, collected between keystrokes once
  // such texts add up to the budget, outside the measured time.
  const garbage = new GarbageCollector();
  setJoinListener((chars) => {
    out.joins++;
    garbage.drop(chars);
  });
  const idle = (): void => garbage.collectIfDue();
  // The server collects what opening a big file left (the message, the parse) at the first quiet
  // moment after its diagnostics (server.ts); typing starts after that.
  garbage.drop(3 * text.length);
  idle();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  const step = (range: { start: number; end: number }, insert: string): number => {
    const r = { start: doc.lines.positionAt(range.start), end: doc.lines.positionAt(range.end) };
    const t = cpu(() => {
      doc = doc.update(++version, [{ range: r, text: insert }]);
      return ls.doValidation(doc);
    });
    idle();
    return t.ms;
  };
  for (let i = 0; i < count; i++) {
    const at = values[Math.floor(rnd() * values.length)];
    const pos = { start: doc.lines.positionAt(at), end: doc.lines.positionAt(at) };
    const upd = cpu(() => (doc = doc.update(++version, [{ range: pos, text: 'x' }])));
    const diags = cpu(() => ls.doValidation(doc));
    idle();
    out.typeUpdate.push(upd.ms);
    out.type.push(upd.ms + diags.ms);
    out.rescanned.push(doc.lastUpdate?.rescanned ?? -1);
    out.windowed += doc.lastUpdate?.windowed ?? 0;
    if (i % Math.max(1, Math.floor(count / 5)) === 0) {
      const fresh = ls.doValidation(ls.parse('file:///bench/MetaBase.xml', version, doc.text));
      out.checked++;
      if (JSON.stringify(fresh) !== JSON.stringify(diags.value)) out.identical = false;
    }
    out.undo.push(step({ start: at, end: at + 1 }, ''));
  }
  // Paste a whole site (IIsWebServer, its filters and root) after another site. (Each paste is
  // removed again, so the text the sites were found in stays the document's text.)
  const whole = doc.text;
  const sites = [...whole.matchAll(/<IIsWebServer\tLocation ="\/LM\/W3SVC\/\d+"/g)].map((m) => m.index!);
  for (let i = 0; i < Math.min(10, count); i++) {
    const from = sites[Math.floor(rnd() * (sites.length - 1))];
    const next = whole.indexOf('<IIsWebServer\tLocation', from + 10);
    const block = whole.slice(from, next).replace(/\/LM\/W3SVC\/(\d+)/g, (_m, id: string) => `/LM/W3SVC/${id}9`);
    const at = sites[Math.floor(rnd() * (sites.length - 1))];
    out.paste.push(step({ start: at, end: at }, block));
    step({ start: at, end: at + block.length }, '');
  }
  const fresh = ls.doValidation(ls.parse('file:///bench/MetaBase.xml', version, doc.text));
  out.checked++;
  if (JSON.stringify(fresh) !== JSON.stringify(ls.doValidation(doc))) out.identical = false;
  setJoinListener(undefined);
  return out;
}

function measureRequests(text: string): { times: Record<string, { median: number; p95: number }>; joins: number } {
  // As in an editor: on a version made by an edit (its text is pieces), after its diagnostics.
  const first = ls.parse('file:///bench/MetaBase.xml', 1, text);
  ls.doValidation(first);
  const at = first.lines.positionAt(text.indexOf('ServerComment="') + 'ServerComment="'.length);
  const doc = first.update(2, [{ range: { start: at, end: at }, text: 'x' }]);
  ls.doValidation(doc);
  let joins = 0;
  setJoinListener(() => joins++);
  const rnd = mulberry32(11);
  // Positions inside names and values of attributes, where editors ask for these.
  const spots = [...text.matchAll(/\t\t([A-Za-z0-9]+)="([^"\r\n]*)/g)].map((m) => m.index! + 2);
  const positions: Array<{ line: number; character: number }> = [];
  for (let i = 0; i < 100; i++) {
    const base = spots[Math.floor(rnd() * spots.length)];
    const at = base + Math.floor(rnd() * 20);
    positions.push(doc.lines.positionAt(at));
  }
  const time = (f: (p: { line: number; character: number }) => unknown): { median: number; p95: number } => {
    const ts = positions.map((p) => cpu(() => f(p)).ms);
    return { median: median(ts), p95: p95(ts) };
  };
  const times = {
    hover: time((p) => ls.doHover(doc, p)),
    completion: time((p) => ls.doComplete(doc, p)),
    definition: time((p) => ls.findDefinition(doc, p)),
    symbols: time(() => ls.findDocumentSymbols(doc)),
    folding: time(() => ls.getFoldingRanges(doc)),
    'code lenses': time(() => ls.getCodeLenses(doc)),
  };
  setJoinListener(undefined);
  return { times, joins };
}

/** Starts the bundled server over stdio; resolves when the first diagnostics for `text` arrive. */
async function serverRun(text: string, keystrokes: number): Promise<{ firstDiagnostics: number; peakOpenMb: number; peakRssMb: number }> {
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver-protocol/node');
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let resolveDiag: (v: number) => void = () => undefined;
  let diagnostics = new Promise<number>((r) => (resolveDiag = r));
  conn.onNotification('textDocument/publishDiagnostics', () => resolveDiag(performance.now()));
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  const uri = 'file:///bench/MetaBase.xml';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  const first = (await diagnostics) - started;
  const peakOpenMb = peakRss(child.pid);
  const lines = text.split('\n');
  for (let i = 0; i < keystrokes; i++) {
    diagnostics = new Promise<number>((r) => (resolveDiag = r));
    const line = 5000 + i * 97;
    const character = Math.max(0, lines[line].indexOf('"') + 1);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'x' }] });
    await diagnostics;
  }
  // Let a collection due after the last diagnostics run before reading the peak.
  await new Promise((r) => setTimeout(r, 200));
  const peakRssMb = peakRss(child.pid);
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  child.kill();
  return { firstDiagnostics: first, peakOpenMb, peakRssMb };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  let big = '';
  for (const sites of SIZES) {
    const { row, text } = measureSize(sites);
    rows.push(row);
    if (sites === 10000) big = text;
    console.error(`measured ${sites} sites`);
  }
  const medium = readText(path.join(OUT, 'sites-1000.xml'));
  const keys10k = measureKeystrokes(big, quick ? 20 : 100);
  const keys1k = measureKeystrokes(medium, quick ? 20 : 100);
  const requests = measureRequests(big);
  // Not a metabase: MBSchema.xml (the schema IIS ships, 261 KB of elements and attributes no key
  // type has), opened by the same extension. Measured when the workplace's copy is there.
  const shared = findSharedDir();
  const schemaFile = shared && path.join(shared, 'realworld', 'modsic-mbschema-iis6-schema.xml');
  const schemaText = schemaFile && existsSync(schemaFile) ? readText(schemaFile) : undefined;
  const schemaValidation = schemaText ? median([0, 1, 2].map(() => fullValidation(schemaText).ms)) : undefined;
  const example = readText(path.join(REPO, 'examples', 'MetaBase.xml'));
  const starts: number[] = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) starts.push((await serverRun(example, 0)).firstDiagnostics);
  // Editors drop the byte-order mark when they read a file (VS Code does; the text they send has none).
  const bigServer = await serverRun(big.replace(/^\uFEFF/, ''), 10);

  const r10 = rows[2];
  const r1 = rows[1];
  const full10 = r10.validation;
  const lines: string[] = [];
  lines.push(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}. CPU time, medians.`);
  lines.push('');
  lines.push('| file | size | lines | keys | charCodeAt loop | parse | parse ÷ loop | xml2js parse | full validation | validation ÷ xml2js |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    lines.push(`| ${fmt(r.sites)} sites | ${fmt(r.mb, 1)} MB | ${fmt(r.lines)} | ${fmt(r.keys)} | ${fmt(r.loop, 1)} ms | ${fmt(r.parse, 1)} ms | ${fmt(r.parse / r.loop, 2)} | ${fmt(r.xml2js)} ms | ${fmt(r.validation)} ms | ${fmt(r.validation / r.xml2js, 3)} |`);
  }
  lines.push('');
  lines.push(`Full validation is the median of 9 runs after a warm-up run, like parse and the loop, measured before xml2js runs in this process (xml2js: median of ${quick ? 1 : 3} runs at 10,000 sites). The warm-up run of the 10,000-site file took ${fmt(r10.firstValidation)} ms (${fmt(r10.firstValidation / r10.xml2js, 3)}× xml2js).`);
  lines.push('');
  lines.push('| keystroke (change → new diagnostics) | 1,000 sites median / p95 | 10,000 sites median / p95 | 10,000: ÷ full validation (p95) |');
  lines.push('|---|---:|---:|---:|');
  const ks = (name: string, a: number[], b: number[]) =>
    lines.push(`| ${name} | ${fmt(median(a), 1)} / ${fmt(p95(a), 1)} ms | ${fmt(median(b), 1)} / ${fmt(p95(b), 1)} ms | ${fmt(p95(b) / full10, 3)} |`);
  ks('type a character in a value', keys1k.type, keys10k.type);
  ks('its undo', keys1k.undo, keys10k.undo);
  ks('paste a whole site', keys1k.paste, keys10k.paste);
  lines.push('');
  lines.push(`Of a typed character, the document update (text, lines, region re-parse, model) takes ${fmt(median(keys10k.typeUpdate), 1)} ms (median) at 10,000 sites; the region rescanned is ${fmt(median(keys10k.rescanned))} characters (median), ${keys10k.windowed} of ${keys10k.type.length} within the window (the rest read on through the whole text); the text was joined into one string ${keys10k.joins} times (for the comparisons below and the pastes, outside the measured time). Diagnostics identical to a full validation: ${keys10k.identical && keys1k.identical ? 'yes' : 'NO'} (${keys10k.checked + keys1k.checked} comparisons).`);
  lines.push('');
  lines.push('| request at 100 random positions (10,000 sites, a version made by an edit) | median | p95 | p95 ÷ full validation |');
  lines.push('|---|---:|---:|---:|');
  for (const [name, t] of Object.entries(requests.times)) lines.push(`| ${name} | ${fmt(t.median, 2)} ms | ${fmt(t.p95, 2)} ms | ${fmt(t.p95 / full10, 4)} |`);
  lines.push('');
  lines.push(`These requests joined the edited text into one string ${requests.joins} times.`);
  lines.push('');
  if (schemaText && schemaValidation !== undefined) lines.push(`Full validation of MBSchema.xml (${fmt(schemaText.length / 1000)} K characters, not a metabase: every attribute is unknown): ${fmt(schemaValidation)} ms.`);
  lines.push(`Server start-up to first diagnostics on examples/MetaBase.xml (wall clock, real server over stdio): ${fmt(median(starts))} ms (median of ${starts.length}).`);
  lines.push(`Peak RSS of the server with the 10,000-site file open: ${fmt(bigServer.peakOpenMb)} MB = ${fmt(bigServer.peakOpenMb / r10.mb, 1)}× the file size (first diagnostics after ${fmt(bigServer.firstDiagnostics)} ms); after 10 keystrokes: ${fmt(bigServer.peakRssMb)} MB = ${fmt(bigServer.peakRssMb / r10.mb, 1)}×.`);
  lines.push('');
  lines.push(`Growth from 1,000 to 10,000 sites (×${fmt(r10.mb / r1.mb, 1)} the size): parse ×${fmt(r10.parse / r1.parse, 1)}, full validation ×${fmt(r10.validation / r1.validation, 1)}, keystroke ×${fmt(median(keys10k.type) / median(keys1k.type), 1)}.`);
  const md = lines.join('\n');
  console.log(md);
  writeFileSync(path.join(OUT, 'results.md'), md + '\n');
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ rows, keystrokes: { sites10000: keys10k, sites1000: keys1k }, requests, starts, bigServer }, null, 1));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
