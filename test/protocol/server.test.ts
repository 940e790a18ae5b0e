/**
 * Protocol tests: the real bundled server over stdio, spoken to in LSP.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CompletionList, DocumentSymbol, Hover, Location, MarkupContent, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { DOCUMENT_READY_NOTIFICATION, LINT_REQUEST, PROCESS_MODEL_REQUEST, PROCESS_VIEW_REQUEST, TOPOLOGY_REQUEST, type DocumentReadyParams, type ProcessModelResponse, type Topology } from '../../server/src/protocol';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { generateMetabase } from '../../bench/gen-metabase';
import { repoRoot } from '../helpers';
import { BROKEN, brokenLeaks } from '../secretsFixture';
import { startServer, type TestClient } from './lspClient';

const uri = 'file:///work/MetaBase.xml';
const text = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');

function pos(needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle) + delta;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}

describe('the language server over stdio', () => {
  let client: TestClient;

  before(async () => {
    client = await startServer();
  });
  after(async () => {
    await client.stop();
  });

  test('initialize announces the features', async () => {
    // Re-initialising is not allowed; the capabilities were checked by start-up, so check a request works.
    const r = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: 'file:///nope.xml' }, position: { line: 0, character: 0 } });
    assert.equal(r, null, 'an unknown document gives an empty result, not an error');
  });

  test('didOpen publishes the diagnostics the CLI prints', async () => {
    const published = client.diagnostics(uri);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    const codes = diagnostics.map((d) => d.code);
    for (const c of ['unknown-property', 'approot-mismatch', 'aspnet-version-conflict', 'apppool-not-found', 'invalid-value', 'duplicate-server-binding', 'value-out-of-range', 'web-garden-session-state', 'localsystem-identity']) {
      assert.ok(codes.includes(c), c);
    }
    const { runCli } = await import('../../server/src/cli');
    const out: string[] = [];
    await runCli(['lint', path.join(repoRoot, 'examples', 'MetaBase.xml'), '--format', 'json'], (s) => out.push(s), () => undefined);
    const cli = JSON.parse(out.join('\n'))[0].diagnostics.map((d: { code: string; range: unknown }) => [d.code, d.range]);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), cli, 'the server and the CLI report the same diagnostics');
  });

  test('hover', async () => {
    const h = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) });
    assert.match((h.contents as MarkupContent).value, /^\*\*MaxProcesses\*\* — DWORD/);
  });

  test('completion', async () => {
    const list = await client.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: pos('ServerAutoStart="ture"', 17) });
    assert.deepEqual(list.items.map((i) => i.label), ['TRUE', 'FALSE']);
  });

  test('code action for a diagnostic', async () => {
    const diagnostic = { range: { start: pos('ture'), end: pos('ture', 4) }, severity: 1, code: 'invalid-value', source: 'iis6-metabase', message: 'x', data: { property: 'ServerAutoStart', problem: 'not-a-bool', replacement: 'TRUE' } };
    const actions = await client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    assert.equal(actions[0].title, 'Change to TRUE');
    assert.deepEqual((actions[0].edit!.changes![uri] as TextEdit[])[0].newText, 'TRUE');
  });

  test('definition, references, rename', async () => {
    const def = await client.connection.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri }, position: pos('AppPoolId="LegacyPool"', 12) });
    assert.equal(def[0].range.start.line, pos('/LM/W3SVC/AppPools/LegacyPool').line);
    const refs = await client.connection.sendRequest<Location[]>('textDocument/references', { textDocument: { uri }, position: pos('/LM/W3SVC/AppPools/IntranetPool', 20), context: { includeDeclaration: false } });
    assert.deepEqual(refs.map((r) => r.range.start.line), [pos('AppPoolId="IntranetPool"').line, pos('<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root"').line, pos('<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root/Reports"').line]);
    const edit = await client.connection.sendRequest<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: pos('AppPoolId="IntranetPool"', 12), newName: 'Intranet' });
    assert.equal((edit.changes![uri] as TextEdit[]).length, 2);
    await assert.rejects(client.connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: pos('AppPoolId="IntranetPool"', 12), newName: 'LegacyPool' }), /already exists/);
  });

  test('document symbols', async () => {
    const symbols = await client.connection.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['.', '/']);
    const find = (list: DocumentSymbol[], detail: string): DocumentSymbol | undefined => {
      for (const s of list) {
        if (s.detail === detail) return s;
        const inner = find(s.children ?? [], detail);
        if (inner) return inner;
      }
      return undefined;
    };
    assert.equal(find(symbols, 'IIsWebServer — Intranet')?.name, '/1962875481');
  });

  test('custom requests: topology and process model', async () => {
    const topology = await client.connection.sendRequest<Topology>(TOPOLOGY_REQUEST, { textDocument: { uri } });
    assert.deepEqual(topology.pools.map((p) => [p.label, p.children.length]), [['DefaultAppPool', 1], ['IntranetPool', 2], ['LegacyPool', 1], ['ShopPool', 1]]);
    assert.deepEqual(topology.sites.map((s) => s.label), ['Default Web Site', 'Intranet', 'Shop', 'Shop (staging)']);
    const pm = await client.connection.sendRequest<ProcessModelResponse>(PROCESS_MODEL_REQUEST, { textDocument: { uri }, mode: 'iis5' });
    assert.deepEqual([pm.isolationMode, pm.modes], ['worker', ['iis5']]);
    assert.ok(pm.problems.some((p) => p.code === 'apppool-not-found'));
  });

  test('didChange: diagnostics follow the new text', async () => {
    const at = pos('ture');
    const published = client.diagnostics(uri, 2);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 4 } }, text: 'TRUE' }],
    });
    const { diagnostics } = await published;
    assert.ok(!diagnostics.some((d) => d.code === 'invalid-value'));
  });

  test('positions outside the document: an empty result; malformed params: InvalidParams saying which field is wrong', async () => {
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 99999, character: 5 } }), null);
    const rejected = async (method: string, params: unknown, field: RegExp): Promise<void> => {
      await assert.rejects(client.connection.sendRequest(method, params), (err: { code?: number; message?: string }) => {
        assert.equal(err.code, -32602, `${method} ${JSON.stringify(params)}: ${err.message}`);
        assert.match(err.message ?? '', field);
        assert.doesNotMatch(err.message ?? '', /TypeError|Cannot read|undefined \(reading|at .*\.js:\d+/);
        return true;
      });
    };
    await rejected('textDocument/hover', {}, /params\.textDocument is missing/);
    await rejected('textDocument/hover', { textDocument: { uri }, position: 'line 3' }, /params\.position must be an object/);
    await rejected('textDocument/definition', { textDocument: { uri }, position: { line: -4, character: -1 } }, /params\.position\.line must be a non-negative integer, not -4/);
    await rejected('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 'x' } }, /params\.position\.character/);
    await rejected('textDocument/documentSymbol', { textDocument: {} }, /params\.textDocument\.uri must be a string/);
    await rejected('textDocument/codeAction', { textDocument: { uri }, range: null, context: { diagnostics: [] } }, /params\.range/);
    await rejected('textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 0 } }, /params\.newName/);
    await rejected('iis6Metabase/topology', null, /params must be an object/);
    const h = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) });
    assert.ok(h, 'still serving');
  });

  test('unknown documents, unknown methods and cancelled requests: an empty result or an error response, never a crash', async () => {
    const nowhere = { textDocument: { uri: 'file:///never/opened.xml' }, position: { line: 0, character: 0 } };
    assert.equal(await client.connection.sendRequest('textDocument/hover', nowhere), null);
    assert.deepEqual(await client.connection.sendRequest('textDocument/references', { ...nowhere, context: { includeDeclaration: true } }), []);
    await assert.rejects(client.connection.sendRequest('iis6Metabase/noSuchRequest', {}), (err: { code?: number }) => err.code === -32601);
    // Twenty requests cancelled as soon as they are sent: each is answered or rejected as cancelled.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => {
        const source = new CancellationTokenSource();
        const p = client.connection.sendRequest(i % 2 ? 'textDocument/documentSymbol' : 'textDocument/completion', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) }, source.token);
        source.cancel();
        return p;
      }),
    );
    for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as { code?: number }).code, -32800, String(o.reason));
    const h = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) });
    assert.ok(h, 'still serving');
  });

  test('a huge document is parsed in slices: other documents are served meanwhile and its early edits are kept', async () => {
    const bigUri = 'file:///work/Big.xml';
    const big = generateMetabase({ sites: 5000, mistakes: 0 });
    assert.ok(big.length > 2_000_000, `${big.length} characters: above the sliced-parse threshold`);
    const events: string[] = [];
    const bigDiagnostics = client.diagnostics(bigUri, 2).then((p) => {
      events.push('big diagnostics');
      return p;
    });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'iis-metabase', version: 1, text: big } });
    // Still parsing: a request on it gets an empty answer at once instead of waiting.
    const early = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: bigUri }, position: { line: 3, character: 3 } });
    events.push(`big hover while parsing: ${early === null ? 'empty' : 'answered'}`);
    // An edit typed before the parse is done: a pool name that does not exist.
    const at = big.indexOf('AppPoolId="') + 'AppPoolId="'.length;
    const line = big.slice(0, at).split('\n').length - 1;
    const character = at - (big.lastIndexOf('\n', at - 1) + 1);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: bigUri, version: 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'NoSuchPool' }],
    });
    const h = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) });
    events.push('small hover');
    assert.match((h.contents as MarkupContent).value, /MaxProcesses/);
    const { diagnostics } = await bigDiagnostics;
    assert.deepEqual(events, ['big hover while parsing: empty', 'small hover', 'big diagnostics']);
    const missing = diagnostics.filter((d) => d.code === 'apppool-not-found');
    assert.equal(missing.length, 1, 'the edit made while parsing is in the published diagnostics');
    assert.match(String(missing[0].message), /NoSuchPool/);
    assert.equal(missing[0].range.start.line, line);
    const hb = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: bigUri }, position: { line, character: character + 2 } });
    assert.ok(hb, 'the big document answers once parsed');
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: bigUri } });
  });

  test('a document of 1,000 sites: the topology is null while it is parsed, then iis6Metabase/documentReady says to ask again', async () => {
    const u = 'file:///work/Thousand.xml';
    const big = generateMetabase({ sites: 1000 });
    assert.ok(big.length > 2_000_000, `${big.length} characters: parsed in slices`);
    const ready = (): DocumentReadyParams | undefined => client.notifications.find((n) => n.method === DOCUMENT_READY_NOTIFICATION && (n.params as DocumentReadyParams).uri === u)?.params as DocumentReadyParams | undefined;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'iis-metabase', version: 7, text: big } });
    const early = await client.connection.sendRequest<Topology | null>(TOPOLOGY_REQUEST, { textDocument: { uri: u } });
    assert.equal(early, null, 'no topology while parsing');
    assert.equal(ready(), undefined, 'not ready yet when the first request is answered');
    const deadline = Date.now() + 60_000;
    while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ready(), { uri: u, version: 7 });
    const t = await client.connection.sendRequest<Topology | null>(TOPOLOGY_REQUEST, { textDocument: { uri: u } });
    assert.ok(t, 'asked again after the notification, the topology is there');
    assert.equal(t.sites.length, 1000);
    assert.equal(t.version, 7);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
  });

  test('cancellation: requests cancelled before they start, and long ones cancelled between their slices, are answered RequestCancelled (-32800); meanwhile others are answered', async () => {
    const u = 'file:///work/Cancelled.xml';
    const big = generateMetabase({ sites: 700 });
    assert.ok(big.length < 2_000_000, 'parsed at once when opened (not in slices): the server is busy meanwhile');
    const validated = client.diagnostics(u);
    const textDocument = { uri: u };
    const cancelled = (method: string, params: object): Promise<unknown> => {
      const source = new CancellationTokenSource();
      const p = client.connection.sendRequest(method, params, source.token);
      source.cancel();
      return p;
    };
    const isCancelled = (err: { code?: number }) => err.code === -32800;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'iis-metabase', version: 1, text: big } });
    // Hovers sent and cancelled while the server is busy: dropped before they run. Busy with the
    // lint of a 3,000-site text (one request, worked in one go, a second or so), so the cancels
    // are read before the hovers' turn however slowly this process writes them (parsing the
    // 700 sites alone was sometimes over before they were all written: a hover got answered).
    const busy = client.connection.sendRequest(LINT_REQUEST, { textDocument: { uri: 'file:///work/Busy.xml' }, text: generateMetabase({ sites: 3000 }) });
    const hovers = Array.from({ length: 10 }, () => cancelled('textDocument/hover', { textDocument, position: { line: 3, character: 3 } }));
    for (const h of hovers) await assert.rejects(h, isCancelled);
    await busy;
    await validated;
    await client.connection.sendNotification('textDocument/didClose', { textDocument });
    // The tree and the preview of 3,000 sites take many slices (a second or so): cancelled once running.
    const large = { uri: 'file:///work/Cancelled-large.xml' };
    const ready = client.diagnostics(large.uri);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { ...large, languageId: 'iis-metabase', version: 1, text: generateMetabase({ sites: 3000 }) } });
    await ready;
    await assert.rejects(cancelled(TOPOLOGY_REQUEST, { textDocument: large }), isCancelled);
    await assert.rejects(cancelled(PROCESS_VIEW_REQUEST, { textDocument: large }), isCancelled);
    await assert.rejects(cancelled(PROCESS_MODEL_REQUEST, { textDocument: large }), isCancelled);
    // Not cancelled: a hover sent after the topology request is answered first.
    const order: string[] = [];
    const tree = client.connection.sendRequest<Topology>(TOPOLOGY_REQUEST, { textDocument: large }).then((t) => order.push(`topology of ${t.sites.length} sites`));
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) }).then(() => order.push('hover'));
    await tree;
    assert.deepEqual(order, ['hover', 'topology of 3000 sites']);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: large });
  });

  test('a small file of 200,000 elements is validated in slices: other requests are answered meanwhile', async () => {
    const u = 'file:///work/many-elements.xml';
    const order: string[] = [];
    const published = client.diagnostics(u).then(() => order.push('diagnostics of the 200,000 elements'));
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'iis-metabase', version: 1, text: '<a>'.repeat(200_000) } });
    // Its validation (200,000 findings, about two seconds here) has started by now.
    await new Promise((r) => setTimeout(r, 400));
    const hover = client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) }).then((h) => {
      order.push('hover on the example');
      return h;
    });
    assert.match(((await hover).contents as MarkupContent).value, /MaxProcesses/);
    await published;
    assert.deepEqual(order, ['hover on the example', 'diagnostics of the 200,000 elements']);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
  });

  test('hostile documents get a diagnostic each and the server keeps serving', async () => {
    const lol = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, k) => `<!ENTITY l${k + 1} "${`&l${k};`.repeat(10)}">`)].join('');
    const docs: Record<string, { text: string; expect: RegExp }> = {
      binary: { text: Buffer.from(Array.from({ length: 300_000 }, (_, k) => (k * 7919) % 256)).toString('latin1'), expect: /does not look like a text metabase/ },
      deep: { text: `<configuration><MBProperty>${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}</MBProperty></configuration>`, expect: /<x> is not a key type/ },
      oneLine: { text: `<configuration><MBProperty>${'<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="a" />'.repeat(30_000)}</MBProperty></configuration>`, expect: /Location "\/LM\/W3SVC\/1" is already used/ },
      laughs: { text: `<?xml version="1.0"?><!DOCTYPE c [${lol}]><configuration><MBProperty><IIsWebServer Location ="/LM/W3SVC/1" ServerComment="&l9;" /></MBProperty></configuration>`, expect: /DOCTYPE/ },
    };
    for (const [name, { text: body, expect }] of Object.entries(docs)) {
      const u = `file:///work/hostile-${name}.xml`;
      const published = client.diagnostics(u);
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'iis-metabase', version: 1, text: body } });
      const { diagnostics } = await published;
      assert.ok(diagnostics.length > 0 && diagnostics.some((d) => expect.test(String(d.message))), `${name}: ${diagnostics.slice(0, 2).map((d) => d.message).join(' | ')}`);
      await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: u } });
      await client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: u } });
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
    }
    const h = await client.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: pos('MaxProcesses="2"', 2) });
    assert.match((h.contents as MarkupContent).value, /MaxProcesses/, 'still serving');
    assert.equal(client.process.exitCode, null);
  });

  test('didClose clears the diagnostics', async () => {
    const published = client.diagnostics(uri);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await published).diagnostics, []);
  });
});

describe('passwords that break the file, through every response of the real server', () => {
  test('diagnostics, hover and completion at every offset of their lines, symbols, folding, lenses, code actions, the tree, the process model and the log', async () => {
    const client = await startServer();
    try {
      const brokenUri = 'file:///work/secrets/MetaBase.xml';
      const published = client.diagnostics(brokenUri);
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: brokenUri, languageId: 'iis-metabase', version: 1, text: BROKEN } });
      const { diagnostics } = await published;
      assert.ok(diagnostics.some((d) => d.code === 'xml-syntax'));
      const responses: unknown[] = [diagnostics];
      const doc = { textDocument: { uri: brokenUri } };
      const lines = BROKEN.split(/\r?\n/);
      for (let line = 0; line < lines.length; line++) {
        if (!/Pass|Value=/.test(lines[line])) continue;
        for (let character = 0; character <= lines[line].length; character++) {
          const at = { ...doc, position: { line, character } };
          responses.push(await client.connection.sendRequest('textDocument/hover', at));
          responses.push(await client.connection.sendRequest('textDocument/completion', at));
          responses.push(await client.connection.sendRequest('textDocument/definition', at));
        }
      }
      responses.push(await client.connection.sendRequest('textDocument/documentSymbol', doc));
      responses.push(await client.connection.sendRequest('textDocument/foldingRange', doc));
      responses.push(await client.connection.sendRequest('textDocument/codeLens', doc));
      responses.push(await client.connection.sendRequest('textDocument/codeAction', { ...doc, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } }, context: { diagnostics } }));
      responses.push(await client.connection.sendRequest(TOPOLOGY_REQUEST, doc));
      for (const mode of ['worker', 'iis5']) responses.push(await client.connection.sendRequest(PROCESS_MODEL_REQUEST, { ...doc, mode }));
      responses.push(client.notifications, client.stderr.join(''));
      assert.deepEqual(brokenLeaks(responses), []);
    } finally {
      await client.stop();
    }
  });
});
