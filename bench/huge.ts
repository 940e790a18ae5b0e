/**
 * npm run bench:huge — hostile and huge documents opened in the real server (dist/server.js over
 * stdio), each next to the small example: a 100 MB metabase (40,000 sites), a 10 MB file on one
 * line, 100,000-deep nesting and 1 MB of binary junk. For each it measures how long the example's
 * hover takes while the big document is being parsed, the time to the big document's first
 * diagnostics, how many diagnostics and symbols come back (and whether the client was told about
 * the cut), a hover inside the big document, and the server's peak RSS. Prints a table (also
 * written to bench/out/huge.md).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LIMIT_NOTIFICATION } from '../server/src/protocol';
import { decodeFileBytes } from '../server/src/util/fileText';
import { generateMetabase, mulberry32 } from './gen-metabase';
import { peakRss, readText } from './measure';

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, 'bench', 'out');

function inputs(): Array<{ name: string; text: string }> {
  mkdirSync(OUT, { recursive: true });
  const big = generateMetabase({ sites: 40000 });
  const oneLine = generateMetabase({ sites: 4000 }).replace(/\r?\n/g, ' ');
  const rnd = mulberry32(3);
  const junk = new Uint8Array(1_000_000);
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rnd() * 256);
  return [
    { name: '100 MB metabase (40,000 sites)', text: big.replace(/^\uFEFF/, '') },
    { name: '10 MB on one line', text: oneLine.replace(/^\uFEFF/, '') },
    { name: '100,000-deep nesting', text: '<a>'.repeat(100_000) },
    { name: '1 MB of binary junk', text: decodeFileBytes(junk) },
  ];
}

interface Result {
  name: string;
  chars: number;
  hoverWhileParsingMs: number;
  firstDiagnosticsMs: number;
  diagnostics: number;
  symbols: number;
  notices: string[];
  hoverInsideMs: number;
  peakRssMb: number;
}

async function run(name: string, text: string, example: string): Promise<Result> {
  const child = spawn(process.execPath, [path.join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  const notices: string[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => waiting.get(p.uri)?.(p));
  conn.onNotification(LIMIT_NOTIFICATION, (params: unknown) => {
    notices.push(JSON.stringify(params));
  });
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  const diagnosticsOf = (uri: string) => new Promise<PublishDiagnosticsParams>((r) => waiting.set(uri, r));
  const small = 'file:///bench/example/MetaBase.xml';
  const bigUri = 'file:///bench/huge/MetaBase.xml';
  const smallReady = diagnosticsOf(small);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: small, languageId: 'iis-metabase', version: 1, text: example } });
  await smallReady;
  const hoverAt = { line: example.split('\n').findIndex((l) => l.includes('MaxProcesses')), character: 5 };

  const started = performance.now();
  const bigReady = diagnosticsOf(bigUri);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'iis-metabase', version: 1, text } });
  const h0 = performance.now();
  await conn.sendRequest('textDocument/hover', { textDocument: { uri: small }, position: hoverAt });
  const hoverWhileParsingMs = performance.now() - h0;
  const diags = await bigReady;
  const firstDiagnosticsMs = performance.now() - started;
  const symbols = (await conn.sendRequest<unknown[] | null>('textDocument/documentSymbol', { textDocument: { uri: bigUri } })) ?? [];
  const countSymbols = (list: unknown[]): number => list.reduce<number>((n, s) => n + 1 + countSymbols(((s as { children?: unknown[] }).children ?? [])), 0);
  const h1 = performance.now();
  await conn.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: { line: 5, character: 3 } });
  const hoverInsideMs = performance.now() - h1;
  await new Promise((r) => setTimeout(r, 100));
  const result: Result = {
    name,
    chars: text.length,
    hoverWhileParsingMs,
    firstDiagnosticsMs,
    diagnostics: diags.diagnostics.length,
    symbols: countSymbols(symbols),
    notices,
    hoverInsideMs,
    peakRssMb: peakRss(child.pid),
  };
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  child.kill();
  return result;
}

async function main(): Promise<void> {
  const example = readText(path.join(REPO, 'examples', 'MetaBase.xml'));
  const rows: string[] = [
    '| document | size | example hover while it parses | first diagnostics | diagnostics / symbols sent | limit notices | hover in it | server peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, text } of inputs()) {
    const r = await run(name, text, example);
    rows.push(
      `| ${r.name} | ${(r.chars / 1e6).toFixed(1)} M chars | ${r.hoverWhileParsingMs.toFixed(0)} ms | ${(r.firstDiagnosticsMs / 1000).toFixed(1)} s | ${r.diagnostics} / ${r.symbols} | ${r.notices.length} | ${r.hoverInsideMs.toFixed(0)} ms | ${r.peakRssMb.toFixed(0)} MB |`,
    );
    console.log(rows[rows.length - 1]);
  }
  const table = rows.join('\n');
  writeFileSync(path.join(OUT, 'huge.md'), table + '\n');
  console.log('\n' + table);
}

void main();
