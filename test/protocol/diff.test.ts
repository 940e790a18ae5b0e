/**
 * iis6Metabase/diff over stdio (the request behind "Compare with History…"): an older version sent
 * as text against the document open in the server; positions in both files, the effects, the new
 * errors, the adsutil script and the text of the CLI; malformed params answered InvalidParams, an
 * unknown document null, the server unharmed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver-types';
import { DIFF_REQUEST, type DiffResponse } from '../../server/src/protocol';
import { repoRoot } from '../helpers';
import { startServer, type TestClient } from './lspClient';

const uri = 'file:///work/MetaBase.xml';
const historyUri = 'file:///work/History/MetaBase_0000000012_0000000000.xml';
const text = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
const history = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'misconfigs', '03-apppool-missing.xml'), 'utf8');

const lineOf = (t: string, needle: string): number => t.slice(0, t.indexOf(needle)).split('\n').length - 1;

describe('iis6Metabase/diff over stdio', () => {
  let client: TestClient;

  before(async () => {
    client = await startServer();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text } });
  });
  after(async () => {
    await client.stop();
  });

  test('a history copy (as text) against the open document', async () => {
    const r = await client.connection.sendRequest<DiffResponse>(DIFF_REQUEST, { old: { uri: historyUri, text: history }, new: { uri } });
    assert.equal(r.old, historyUri);
    assert.equal(r.new, uri);
    const pool = r.changes.find((c) => c.property === 'AppPoolId' && c.location === '/LM/W3SVC/1962875481');
    assert.deepEqual(pool && { old: pool.old, new: pool.new, newLine: pool.newPosition?.line, oldLine: pool.oldPosition?.line }, {
      old: 'ImportedPool',
      new: 'IntranetPool',
      newLine: lineOf(text, 'AppPoolId="IntranetPool"'),
      oldLine: lineOf(history, 'AppPoolId="ImportedPool"'),
    });
    const removed = r.changes.find((c) => c.property === 'AspBufferingLimit');
    assert.deepEqual(removed && [removed.kind, removed.newPosition === null, removed.oldPosition?.line], ['property-removed', false, lineOf(history, 'AspBufferingLimit=')]);
    const secret = r.changes.find((c) => c.property === 'AnonymousUserPass');
    assert.deepEqual(secret && [secret.secure, secret.old, secret.new], [true, null, null]);
    assert.ok(r.effects.includes('/LM/W3SVC/1962875481/root runs again, in pool IntranetPool'), r.effects.join('\n'));
    assert.ok(r.newErrors.some((e) => e.code === 'apppool-not-found' && e.position.line === lineOf(text, 'AppPoolId="ShopPool"')), JSON.stringify(r.newErrors));
    assert.match(r.adsutil, /^@echo off\r\nrem Applies the changes from MetaBase_0000000012_0000000000\.xml to MetaBase\.xml /);
    assert.match(r.text, /^MetaBase_0000000012_0000000000\.xml → MetaBase\.xml: \d+ changes in \d+ keys\./);
    for (const out of [r.adsutil, r.text, JSON.stringify(r.changes)]) {
      for (const m of [...text.matchAll(/Pass="([^"]+)"/g), ...history.matchAll(/Pass="([^"]+)"/g)]) assert.ok(!out.includes(m[1]!), 'a password is in the answer');
    }
  });

  test('the same file with LF line ends (MetaBase.xml has CRLF): no change', async () => {
    const r = await client.connection.sendRequest<DiffResponse>(DIFF_REQUEST, { old: { uri: historyUri, text: text.replace(/\r\n/g, '\n') }, new: { uri } });
    assert.deepEqual([r.changes, r.effects, r.newErrors], [[], [], []]);
  });

  test('an unknown document is null; malformed params are InvalidParams; the server goes on', async () => {
    assert.equal(await client.connection.sendRequest(DIFF_REQUEST, { old: { uri: 'file:///nowhere.xml' }, new: { uri } }), null);
    for (const params of [{}, { old: { uri }, new: 'x' }, { old: { uri: 5 }, new: { uri } }, { old: { uri, text: 7 }, new: { uri } }]) {
      await assert.rejects(client.connection.sendRequest(DIFF_REQUEST, params), (err: { code?: number; message?: string }) => {
        assert.equal(err.code, -32602, `${JSON.stringify(params)}: ${err.message}`);
        return true;
      });
    }
    const garbage = await client.connection.sendRequest<DiffResponse>(DIFF_REQUEST, { old: { uri: historyUri, text: '<<<\u0000 not xml "' }, new: { uri } });
    assert.ok(garbage.changes.length > 0, 'every key of the open document is added');
    const h = await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: lineOf(text, 'MaxProcesses="2"'), character: 4 } });
    assert.ok(h, 'the server still answers');
  });
});
