/**
 * npm run bench:reliability — the real server (dist/server.js over stdio) through a long session:
 *
 *   1. memory: the 300-site generated file opened, 5,000 random edits (bench/randomEdits.ts: typed
 *      letters, quotes, '<', line breaks, pasted attributes and tags, deletions), a pause for the
 *      diagnostics every 100; the server's heap (after a full collection) after the open, every
 *      1,000 edits and after the close. The server runs with a probe (bench/heapProbe.cjs) that
 *      collects and reports its heap on a signal.
 *   2. requests while someone types: the 1,000- and 10,000-site files, a character typed into a
 *      value 20 times a second for 10 s while a hover is asked every 25 ms; the hovers' latency
 *      (send to answer) against one full validation of the same file in this process.
 *   3. `--only edits`: a quote typed into a value in the middle of a big file, then deleted, five
 *      times: the 19 MB file written on one line (7,500 sites, no line break) and the 10,000-site
 *      file as IIS writes it. How long the server is blocked by each change (a hover sent right
 *      after it is answered once the change is applied) and the time to its diagnostics (with the
 *      200 ms pause before a validation), against the time of the open.
 *
 * Prints a table (also written to bench/out/reliability.md).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getMetabaseLanguageService } from '../server/src/languageService';
import { generateMetabase, mulberry32 } from './gen-metabase';
import { readText } from './measure';
import { randomEdit } from './randomEdits';

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, 'bench', 'out');
const quick = process.argv.includes('--quick');
/** `--server FILE` measures another build of the server (an earlier commit's, to compare). */
const SERVER = process.argv.includes('--server') ? path.resolve(process.argv[process.argv.indexOf('--server') + 1]) : path.join(REPO, 'dist', 'server.js');

interface Server {
  conn: ProtocolConnection;
  child: ChildProcessWithoutNullStreams;
  /** Heap used and RSS of the server after two full collections, in MB. */
  heap(): Promise<{ heapMb: number; rssMb: number }>;
  /** Resolves with the diagnostics of `version`. */
  diagnostics(version: number): Promise<PublishDiagnosticsParams>;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['--expose-gc', '--require', path.join(REPO, 'bench', 'heapProbe.cjs'), SERVER, '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    if (p.version !== undefined) waiting.get(p.version)?.(p);
  });
  conn.onRequest('workspace/configuration', () => [{}]);
  let probe: ((line: string) => void) | undefined;
  let buffered = '';
  child.stderr.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith('heap-probe ')) probe?.(line);

    }
  });
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    child,
    heap: () =>
      new Promise((resolve) => {
        probe = (line) => {
          const [, heap, rss] = line.split(' ').map(Number);
          resolve({ heapMb: heap / 1e6, rssMb: rss / 1e6 });
        };
        child.kill('SIGUSR2');
      }),
    diagnostics: (version) =>
      new Promise((resolve) => {
        waiting.set(version, (p) => {
          waiting.delete(version);
          resolve(p);
        });
      }),
    async stop() {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      conn.dispose();
      child.kill();
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Position {
  line: number;
  character: number;
}

/** The position just after `text` (as LSP counts lines: CRLF, CR and LF each end one). */
function positionAfter(text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

interface MemoryResult {
  edits: number;
  afterOpen: number;
  during: Array<{ edits: number; heapMb: number }>;
  afterEdits: number;
  afterClose: number;
  rssAfterEdits: number;
  /** The edited text opened afresh in the same server (after the close). */
  editedTextFresh: number;
}

/**
 * `random`: the edits pile up (the text drifts further from the file with each one); `undone`:
 * each edit is undone by the next change, so the text is the file again every other version and
 * whatever the heap gains is kept from earlier versions.
 */
async function memory(text: string, edits: number, pattern: 'random' | 'undone'): Promise<MemoryResult> {
  const server = await startServer();
  const uri = 'file:///bench/memory/MetaBase.xml';
  let doc = TextDocument.create(uri, 'iis-metabase', 1, text);
  const first = server.diagnostics(1);
  await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  await first;
  await sleep(300);
  const afterOpen = (await server.heap()).heapMb;
  const during: MemoryResult['during'] = [];
  const rnd = mulberry32(11);
  let undo: { range: { start: Position; end: Position }; text: string } | undefined;
  for (let v = 2; v <= edits + 1; v++) {
    let range: { start: Position; end: Position };
    let inserted: string;
    if (undo) {
      ({ range, text: inserted } = undo);
      undo = undefined;
    } else {
      const e = randomEdit(rnd, doc.getText().length);
      range = { start: doc.positionAt(e.start), end: doc.positionAt(e.end) };
      inserted = e.text;
      if (pattern === 'undone') undo = { text: doc.getText().slice(e.start, e.end), range: { start: range.start, end: positionAfter(doc.getText().slice(0, e.start) + e.text) } };
    }
    const e = { text: inserted };
    doc = TextDocument.update(doc, [{ range, text: e.text }], v);
    const published = (v - 1) % 100 === 0 ? server.diagnostics(v) : undefined;
    await server.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range, text: e.text }] });
    if (published) await published;
    if ((v - 1) % 1000 === 0) during.push({ edits: v - 1, heapMb: (await server.heap()).heapMb });
  }
  const last = await server.heap();
  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await sleep(300);
  const afterClose = (await server.heap()).heapMb;
  // The same edited text opened afresh: what the document itself takes (random edits leave it with
  // hundreds of findings more than the file had, and findings take memory).
  const again = `${uri}.again`;
  const fresh = server.diagnostics(1);
  await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: again, languageId: 'iis-metabase', version: 1, text: doc.getText() } });
  await fresh;
  await sleep(300);
  const editedTextFresh = (await server.heap()).heapMb;
  await server.conn.sendNotification('textDocument/didClose', { textDocument: { uri: again } });
  await server.stop();
  return { edits, afterOpen, during, afterEdits: last.heapMb, afterClose, rssAfterEdits: last.rssMb, editedTextFresh };
}

interface TypingResult {
  sites: number;
  validationMs: number;
  hovers: number;
  edits: number;
  p50: number;
  p95: number;
  max: number;
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * q) - 1))];
}

/**
 * One full validation (parse, model, rules) of `text` in this process, wall clock: the median of
 * 9 runs after 5 warm-up runs (the first few run before V8 has optimised the rules).
 */
function fullValidationMs(text: string): number {
  const ls = getMetabaseLanguageService();
  const times: number[] = [];
  for (let i = 0; i < 14; i++) {
    const t = performance.now();
    ls.validate(ls.parse('file:///bench/v.xml', 1, text));
    if (i >= 5) times.push(performance.now() - t);
  }
  return percentile(times, 0.5);
}

/**
 * `steady`: a character every 50 ms without a break (the validation's 200 ms debounce never
 * fires until the end); `words`: 8 characters every 50 ms, then a 300 ms pause, so that each word
 * is validated while the hovers go on (20 characters a second on average in both).
 */
type Pattern = 'steady' | 'words' | 'flood';

async function typing(sites: number, text: string, seconds: number, pattern: Pattern, validationMs: number): Promise<TypingResult> {
  const server = await startServer();
  const uri = `file:///bench/typing/${sites}/MetaBase.xml`;
  const first = server.diagnostics(1);
  await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  await first;
  await sleep(500);
  const rnd = mulberry32(5);
  const lines = text.split('\n');
  // Lines with a value to type into and hover over (attribute lines of IIS's layout).
  const valueLines: Array<{ line: number; character: number }> = [];
  lines.forEach((l, line) => {
    const q = l.indexOf('="');
    if (q > 0) valueLines.push({ line, character: q + 2 });
  });
  const pick = () => valueLines[Math.floor(rnd() * valueLines.length)];
  let version = 1;
  let typingAt = pick();
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const typist = (async () => {
    if (pattern === 'flood') {
      // Random edits (bench/randomEdits.ts) back to back, each sent when the previous was written.
      let doc = TextDocument.create(uri, 'iis-metabase', 1, text);
      const edits = mulberry32(17);
      while (performance.now() < end) {
        const e = randomEdit(edits, doc.getText().length);
        const range = { start: doc.positionAt(e.start), end: doc.positionAt(e.end) };
        version++;
        doc = TextDocument.update(doc, [{ range, text: e.text }], version);
        await server.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: e.text }] });
        await new Promise((r) => setImmediate(r));
      }
      return;
    }
    while (performance.now() < end) {
      // Type a word of 8 letters at one place, then move on: as someone fills in values.
      if (version % 8 === 0) typingAt = pick();
      const at = { line: typingAt.line, character: typingAt.character + (version % 8) };
      version++;
      // (Positions on the lines that were typed into move by a few characters: a hover there
      // lands a little to the left, which is all the same to the measure.)
      const change = { range: { start: at, end: at }, text: 'x' };
      void server.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await sleep(pattern === 'words' && version % 8 === 1 ? 350 : 50);
    }
  })();
  const asker = (async () => {
    while (performance.now() < end) {
      const at = pick();
      const t = performance.now();
      await server.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: at.line, character: at.character - 4 } });
      latencies.push(performance.now() - t);

      await sleep(25);
    }
  })();
  await Promise.all([typist, asker]);
  await server.stop();
  return { sites, validationMs, hovers: latencies.length, edits: version - 1, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: Math.max(...latencies) };
}

function fileOf(sites: number): string {
  const file = path.join(OUT, `sites-${sites}.xml`);
  if (!existsSync(file)) writeFileSync(file, generateMetabase({ sites, seed: 42 }));
  return readText(file);
}

const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(SERVER)) throw new Error(`no server at ${SERVER}: npm run build`);
  const out: string[] = [];
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const edits = quick ? 1000 : 5000;
  if (only === 'edits') await editsSection(out);
  else {
    if (only !== 'typing') await memorySection(out, edits);
    if (only !== 'memory') await typingSection(out);
  }
  const table = out.join('\n');
  console.log(table);
  writeFileSync(path.join(OUT, 'reliability.md'), table + '\n');
}

async function memorySection(out: string[], edits: number): Promise<void> {
  const random = await memory(fileOf(300), edits, 'random');
  const undone = await memory(fileOf(300), edits, 'undone');
  out.push(`### Memory: ${fmt(edits, 0)} edits of the 300-site file (${fmt(fileOf(300).length / 1e3, 0)} K characters), heap used after gc`, '');
  out.push('Random: the edits pile up. Undone: every other change undoes the edit before it.', '');
  out.push('| | random edits | edits undone |', '|---|---:|---:|');
  out.push(`| after the open | ${fmt(random.afterOpen)} MB | ${fmt(undone.afterOpen)} MB |`);
  random.during.forEach((d, i) => out.push(`| after ${fmt(d.edits, 0)} changes | ${fmt(d.heapMb)} MB | ${fmt(undone.during[i].heapMb)} MB |`));
  out.push(`| after the close | ${fmt(random.afterClose)} MB | ${fmt(undone.afterClose)} MB |`);
  out.push(`| the last text opened afresh | ${fmt(random.editedTextFresh)} MB | ${fmt(undone.editedTextFresh)} MB |`);
  out.push(`| server RSS after the changes | ${fmt(random.rssAfterEdits, 0)} MB | ${fmt(undone.rssAfterEdits, 0)} MB |`, '');
  console.error('memory done');
}

async function typingSection(out: string[]): Promise<void> {
  out.push(`### Hover while someone types (a hover every 25 ms, ${quick ? 3 : 10} s)`, '');
  out.push('Steady: a character every 50 ms. Words: 8 characters 50 ms apart, then a 300 ms pause in which the word is validated.', '');
  out.push('| file | typing | full validation | edits | hovers | hover p50 | hover p95 | p95 ÷ full validation | slowest |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const flood = process.argv.includes('--flood');
  const sizes = process.argv.includes('--sites') ? [Number(process.argv[process.argv.indexOf('--sites') + 1])] : [1000, 10000];
  for (const sites of flood ? [300] : sizes) {
    const validationMs = fullValidationMs(fileOf(sites));
    for (const pattern of flood ? (['flood'] as const) : (['steady', 'words'] as const)) {
      const t = await typing(sites, fileOf(sites), quick ? 3 : 10, pattern, validationMs);
      out.push(`| ${fmt(sites, 0)} sites | ${pattern} | ${fmt(t.validationMs, 0)} ms | ${t.edits} | ${t.hovers} | ${fmt(t.p50, 2)} ms | ${fmt(t.p95, 2)} ms | ${fmt(t.p95 / t.validationMs, 3)} | ${fmt(t.max, 1)} ms |`);
      console.error(`typing ${sites} ${pattern} done`);
    }
  }
}

/** The file with no line break: tags run on from one another, attributes separated by blanks. */
function oneLine(text: string): string {
  return text.replace(/>\s*\r?\n\s*</g, '><').replace(/\r?\n/g, ' ');
}

interface EditsResult {
  openMs: number;
  /** Per change (quote typed, quote deleted): how long a hover waited, and the time to diagnostics. */
  blocked: number[];
  diagnostics: number[];
}

async function editLatency(text: string, rounds: number): Promise<EditsResult> {
  const server = await startServer();
  const uri = 'file:///bench/edits/MetaBase.xml';
  let doc = TextDocument.create(uri, 'iis-metabase', 1, text);
  const t0 = performance.now();
  const first = server.diagnostics(1);
  await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  await first;
  const openMs = performance.now() - t0;
  await sleep(1000);
  const blocked: number[] = [];
  const diagnostics: number[] = [];
  const hoverAt = doc.positionAt(text.indexOf('AppPoolId='));
  for (let k = 0; k < rounds; k++) {
    // Inside a value, between 30 % and 70 % of the file.
    const at = doc.getText().indexOf('="', Math.floor(text.length * (0.3 + (0.4 * k) / Math.max(1, rounds - 1)))) + 4;
    for (const change of [{ range: { start: doc.positionAt(at), end: doc.positionAt(at) }, text: '"' }, { range: { start: doc.positionAt(at), end: doc.positionAt(at + 1) }, text: '' }]) {
      const version = doc.version + 1;
      doc = TextDocument.update(doc, [change], version);
      const published = server.diagnostics(version);
      const t = performance.now();
      void server.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await server.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: hoverAt });
      blocked.push(performance.now() - t);
      await published;
      diagnostics.push(performance.now() - t);
      await sleep(300);
    }
  }
  await server.stop();
  return { openMs, blocked, diagnostics };
}

async function editsSection(out: string[]): Promise<void> {
  const rounds = quick ? 2 : 5;
  out.push(`### A quote typed into a value in the middle of a big file, then deleted (${rounds} times each)`, '');
  out.push('Blocked: how long a hover sent right after the change waits. Diagnostics: from the change to its diagnostics, with the 200 ms pause before a validation.', '');
  out.push('| file | open (to first diagnostics) | blocked, median | blocked, slowest | diagnostics, median | diagnostics, slowest | slowest change ÷ open |', '|---|---:|---:|---:|---:|---:|---:|');
  const files = [
    { name: '7,500 sites on one line', text: oneLine(fileOf(7500)) },
    { name: '10,000 sites (IIS layout)', text: fileOf(10000) },
  ];
  for (const f of files) {
    const r = await editLatency(f.text, rounds);
    const slowest = Math.max(...r.blocked);
    out.push(`| ${f.name}, ${fmt(f.text.length / 1e6)} M chars | ${fmt(r.openMs / 1000, 2)} s | ${fmt(percentile(r.blocked, 0.5), 0)} ms | ${fmt(slowest, 0)} ms | ${fmt(percentile(r.diagnostics, 0.5), 0)} ms | ${fmt(Math.max(...r.diagnostics), 0)} ms | ${fmt(slowest / r.openMs, 3)} |`);
    console.error(`edits ${f.name} done`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
