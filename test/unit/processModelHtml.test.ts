import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { renderProcessModelHtml } from '../../client/src/processModelHtml';
import type { ProcessModelResponse } from '../../server/src/protocol';
import { parse, repoRoot, service } from '../helpers';

/** What the server sends for the example (the same conversion the LSP handler does). */
function response(mode?: 'worker' | 'iis5'): ProcessModelResponse {
  const ls = service();
  const doc = parse(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8'), ls);
  const pm = ls.getProcessModel(doc, mode);
  const range = (r: { start: number; end: number }) => doc.lines.range(r.start, r.end);
  return {
    uri: doc.uri,
    version: 1,
    isolationMode: pm.isolationMode,
    modes: pm.modes,
    processes: pm.processes.map((x) => ({ ...x, range: x.range ? range(x.range) : null })),
    applications: pm.applications.map((x) => ({ ...x, range: range(x.range) })),
    problems: [{ message: 'No application pool "ShopPool" <exists>', code: 'apppool-not-found', range: range({ start: 0, end: 1 }) }],
  };
}

const opts = { nonce: 'abc123', cspSource: 'vscode-webview://x', previewing: undefined };

describe('process-model preview HTML', () => {
  const html = renderProcessModelHtml(response(), opts);

  test('one box per worker process: a web garden of 2 draws two W3wp.exe boxes', () => {
    assert.equal(html.match(/<section class="process w3wp"/g)?.length, 4, 'DefaultAppPool 1 + IntranetPool 2 + LegacyPool 1');
    assert.match(html, /Web garden of 2 W3wp\.exe — pool IntranetPool/);
    assert.equal(html.match(/W3wp\.exe #2/g)?.length, 1);
  });

  test('applications inside their process, identities, and failing applications apart', () => {
    assert.match(html, /runs as LocalSystem/);
    assert.match(html, /<section class="process failing-box">.*\/LM\/W3SVC\/20\/ROOT/s);
    assert.match(html, /data-line="\d+" data-character="\d+" title="Reveal in the editor">\/LM\/W3SVC\/1\/ROOT</);
  });

  test('a switch to the other mode, and the preview of it', () => {
    assert.match(html, /<button id="toggle" data-mode="iis5">Show in IIS 5.0 isolation mode<\/button>/);
    const preview = renderProcessModelHtml(response('iis5'), { ...opts, previewing: 'iis5' });
    assert.match(preview, /Preview: the file says <b>Worker process isolation mode<\/b>/);
    assert.match(preview, /<section class="process inetinfo"/);
    assert.match(preview, /<section class="process dllhost"/);
    assert.match(preview, /Back to the file's mode/);
  });

  test('webview security: a strict CSP with a nonce, no remote resources, text escaped', () => {
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src vscode-webview:\/\/x 'nonce-abc123'; script-src 'nonce-abc123';">/);
    assert.ok(!/(src|href)="https?:/i.test(html), 'no remote resources');
    assert.ok(html.includes('&lt;exists&gt;') && !html.includes('<exists>'));
    assert.equal(html.match(/<script nonce="abc123">/g)?.length, 1);
  });

  test('no document: a hint instead of an empty page', () => {
    assert.match(renderProcessModelHtml(undefined, opts), /Open a MetaBase\.xml/);
  });
});
