/**
 * Work-done progress while a big document (parsed in slices) is opened and validated the first
 * time: window/workDoneProgress/create, then `$/progress` begin … end on that token, the end after
 * the diagnostics; and nothing of the kind for a client that did not announce
 * window.workDoneProgress, or for a small document.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateMetabase } from '../../bench/gen-metabase';
import { startServer, type TestClient } from './lspClient';

interface Progress {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string };
}

const big = generateMetabase({ sites: 1000, seed: 3 });
const small = generateMetabase({ sites: 3, seed: 3 });

/** Opens `text`, waits for its first diagnostics and then for `settled` (or the diagnostics alone); returns what came meanwhile. */
async function open(client: TestClient, uri: string, text: string, settled: () => boolean = () => true): Promise<{ order: string[]; progress: Progress[]; creates: unknown[] }> {
  const from = client.notifications.length;
  const order: string[] = [];
  const published = client.diagnostics(uri).then(() => order.push('diagnostics'));
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  await published;
  // (The end of the progress is the notification right after the diagnostics.)
  const deadline = Date.now() + 30_000;
  while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const since = client.notifications.slice(from);
  const progress = since.filter((n) => n.method === '$/progress').map((n) => n.params as Progress);
  const creates = since.filter((n) => n.method === 'window/workDoneProgress/create').map((n) => n.params);
  for (const n of since) if (n.method === '$/progress') order.push((n.params as Progress).value.kind);
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return { order, progress, creates };
}

const ended = (client: TestClient) => (): boolean => client.notifications.some((n) => n.method === '$/progress' && (n.params as Progress).value.kind === 'end');

describe('work-done progress while a big document is opened', () => {
  test('a client with window.workDoneProgress: create, then begin … end on its token around parse and first validation', async () => {
    const client = await startServer({}, { window: { workDoneProgress: true } });
    try {
      assert.ok(big.length > 2_000_000, 'the document is parsed in slices');
      const { progress, creates, order } = await open(client, 'file:///work/Big/MetaBase.xml', big, ended(client));
      assert.equal(creates.length, 1, 'one token asked for');
      const token = (creates[0] as { token: string | number }).token;
      assert.ok(progress.length >= 2 && progress.every((p) => p.token === token), JSON.stringify(progress));
      const kinds = progress.map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds.at(-1), 'end');
      assert.ok(kinds.slice(1, -1).every((k) => k === 'report'), kinds.join(', '));
      assert.equal(progress[0].value.title, 'IIS 6 Metabase');
      assert.match(progress[0].value.message ?? '', /^Parsing MetaBase\.xml \(2\.\d M characters\)$/);
      assert.ok(progress.some((p) => p.value.kind === 'report' && /^Validating MetaBase\.xml$/.test(p.value.message ?? '')), 'it says when it validates');
      assert.ok(order.indexOf('end') > order.indexOf('diagnostics'), `the progress ends once the diagnostics are out: ${order.join(', ')}`);

      const quick = await open(client, 'file:///work/Small/MetaBase.xml', small);
      assert.deepEqual([quick.creates, quick.progress], [[], []], 'a small document is parsed at once, without progress');
    } finally {
      await client.stop();
    }
  });

  test('a client without window.workDoneProgress gets no progress', async () => {
    const client = await startServer();
    try {
      const { progress, creates } = await open(client, 'file:///work/Big/MetaBase.xml', big);
      assert.deepEqual([creates, progress], [[], []]);
    } finally {
      await client.stop();
    }
  });
});
