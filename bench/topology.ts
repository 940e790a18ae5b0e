/**
 * npm run bench:topology — the tree and the process-model preview of a growing server, asked of
 * the real server (dist/server.js over stdio) as the extension asks: for generated metabases of
 * 1,000, 10,000 and 30,000 sites, once the first diagnostics are out, the wall clock of
 * iis6Metabase/topology, iis6Metabase/processView and iis6Metabase/processModel (medians of 3,
 * answer received and parsed) and the server's CPU time for the first two (/proc), the CPU time
 * of computing the topology and the process model alone (in this process, no JSON), how long a hover waits when it is sent just after a topology
 * request (the topology is computed in slices), and each figure's growth against the file's.
 * Target: every growth no more than the file's. Prints a table (also written to
 * bench/out/topology.md). `--quick`: 1,000 and 10,000 sites, one run each.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { getMetabaseLanguageService } from '../server/src/languageService';
import { PROCESS_MODEL_REQUEST, PROCESS_VIEW_REQUEST, TOPOLOGY_REQUEST } from '../server/src/protocol';
import { generateMetabase } from './gen-metabase';
import { peakRss, readText } from './measure';

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, 'bench', 'out');
const quick = process.argv.includes('--quick');
const SIZES = quick ? [1000, 10000] : [1000, 10000, 30000];
const RUNS = quick ? 1 : 3;

function fileOf(sites: number): string {
  const file = path.join(OUT, `sites-${sites}.xml`);
  if (!existsSync(file)) writeFileSync(file, generateMetabase({ sites, seed: 42 }));
  return file;
}

interface Row {
  sites: number;
  mb: number;
  topology: number;
  processView: number;
  processModel: number;
  /** CPU time of the computation alone, in this process (no JSON, no transport). */
  topologyComputed: number;
  processModelComputed: number;
  /** The server's CPU time per request (the wall clock includes the client reading the answer). */
  topologyCpu: number;
  processViewCpu: number;
  hoverDuringTopology: number;
  rss: number;
}

/** CPU time (user + system) a process has used so far, in ms; 0 without /proc. */
function cpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime in ticks of 10 ms
  } catch {
    return 0;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function measure(sites: number): Promise<Row> {
  const text = readText(fileOf(sites));
  const child = spawn(process.execPath, [path.join(REPO, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let diagnosed: (p: PublishDiagnosticsParams) => void = () => undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => diagnosed(p));
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  const uri = 'file:///bench/topology/MetaBase.xml';
  const ready = new Promise<PublishDiagnosticsParams>((r) => (diagnosed = r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  await ready;
  const textDocument = { uri };
  const timed = async (method: string, params: object): Promise<[number, number]> => {
    const t: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c = cpuMs(child.pid);
      const s = performance.now();
      await conn.sendRequest(method, params);
      t.push(performance.now() - s);
      cpu.push(cpuMs(child.pid) - c);
    }
    return [median(t), median(cpu)];
  };
  const [topology, topologyCpu] = await timed(TOPOLOGY_REQUEST, { textDocument });
  const [processView, processViewCpu] = await timed(PROCESS_VIEW_REQUEST, { textDocument });
  const [processModel] = await timed(PROCESS_MODEL_REQUEST, { textDocument });
  // A hover sent right behind a topology request: answered between two of its slices.
  const line = text.slice(0, text.indexOf('MaxProcesses')).split('\n').length - 1;
  const hovers: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const tree = conn.sendRequest(TOPOLOGY_REQUEST, { textDocument });
    const s = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument, position: { line, character: 8 } });
    hovers.push(performance.now() - s);
    await tree;
  }
  const rss = peakRss(child.pid);
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  child.kill();
  // The computations alone, on a parse in this process (CPU time, medians of RUNS).
  const ls = getMetabaseLanguageService();
  const doc = ls.parse(uri, 1, text);
  ls.validate(doc);
  const cpu = (fn: () => unknown): number => {
    fn();
    const t: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c = process.cpuUsage();
      fn();
      const u = process.cpuUsage(c);
      t.push((u.user + u.system) / 1000);
    }
    return median(t);
  };
  const topologyComputed = cpu(() => ls.getTopology(doc));
  const processModelComputed = cpu(() => ls.getProcessModel(doc));
  return { sites, mb: Buffer.byteLength(text) / 1e6, topologyComputed, processModelComputed, topology, processView, processModel, topologyCpu, processViewCpu, hoverDuringTopology: median(hovers), rss };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(path.join(REPO, 'dist', 'server.js'))) throw new Error('build first: npm run build');
  const rows: Row[] = [];
  for (const sites of SIZES) {
    rows.push(await measure(sites));
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const growth = (r: Row, prev: Row | undefined, v: (x: Row) => number) => (prev ? ` (×${(v(r) / v(prev)).toFixed(1)})` : '');
  const out = [
    `Medians of ${RUNS}; growth against the row above in brackets.`,
    '',
    '| sites | file | topology computed (CPU) | process model computed (CPU) | topology request | its server CPU | processView request | its server CPU | processModel request | hover sent behind a topology request | server peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  rows.forEach((r, i) => {
    const p = rows[i - 1];
    out.push(
      `| ${r.sites.toLocaleString('en-US')} | ${r.mb.toFixed(1)} MB${growth(r, p, (x) => x.mb)} | ${ms(r.topologyComputed)}${growth(r, p, (x) => x.topologyComputed)} | ${ms(r.processModelComputed)}${growth(r, p, (x) => x.processModelComputed)} | ${ms(r.topology)}${growth(r, p, (x) => x.topology)} | ${ms(r.topologyCpu)}${growth(r, p, (x) => x.topologyCpu)} | ${ms(r.processView)}${growth(r, p, (x) => x.processView)} | ${ms(r.processViewCpu)}${growth(r, p, (x) => x.processViewCpu)} | ${ms(r.processModel)}${growth(r, p, (x) => x.processModel)} | ${ms(r.hoverDuringTopology)} | ${r.rss.toFixed(0)} MB |`,
    );
  });
  const table = out.join('\n');
  console.log(`\n${table}`);
  writeFileSync(path.join(OUT, 'topology.md'), `${table}\n`);
}

void main();
