import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { generateMetabase } from '../../bench/gen-metabase';
import { filterGroups, renderGroupBody, renderProcessViewHtml } from '../../client/src/processModelHtml';
import { buildProcessView } from '../../server/src/features/processView';
import type { ProcessViewResponse } from '../../server/src/protocol';
import { parse, repoRoot, service } from '../helpers';

/** What the server sends (the same conversion the LSP handler does). */
function view(text: string, mode?: 'worker' | 'iis5'): ProcessViewResponse {
  const ls = service();
  const doc = parse(text, ls);
  return buildProcessView(doc, ls.getProcessModel(doc, mode), [{ message: 'No application pool "ShopPool" <exists>', code: 'apppool-not-found', line: 0, character: 0 }]);
}
const example = readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8');
const opts = { nonce: 'abc123', cspSource: 'vscode-webview://x', previewing: undefined };

describe('process-model preview HTML', () => {
  const v = view(example);
  const html = renderProcessViewHtml(v, opts);

  test('the summary: processes by kind, pools, web gardens, identities, applications that fail', () => {
    const s = v.summaries[0]!;
    assert.equal(s.mode, 'worker');
    assert.deepEqual(s.webGardens, [{ pool: 'IntranetPool', instances: 2 }]);
    assert.equal(s.processes['w3wp.exe'], 4, 'DefaultAppPool 1 + IntranetPool 2 + LegacyPool 1');
    assert.equal(s.failing, 1, 'the Shop application names a missing pool');
    assert.match(html, /<th>Processes<\/th><td>4 W3wp\.exe<\/td>/);
    assert.match(html, /<th>Web gardens<\/th><td>IntranetPool ×2<\/td>/);
    assert.match(html, /LocalSystem \(1 process\)/);
  });

  test('a web garden is one group listing its applications once', () => {
    assert.equal(html.match(/Web garden of 2 W3wp\.exe/g)?.length, 1);
    const garden = html.slice(html.indexOf('Web garden of 2'), html.indexOf('</details>', html.indexOf('Web garden of 2')));
    assert.equal(garden.match(/>\/LM\/W3SVC\/1962875481\/root\/Reports</g)?.length, 1);
  });

  test('applications without a process are apart, and never told about a W3wp.exe', () => {
    const none = v.groups.find((g) => g.image === null)!;
    assert.deepEqual(none.applications.map((a) => a.location), ['/LM/W3SVC/20/ROOT']);
    const body = renderGroupBody(none);
    assert.match(body, /ShopPool/);
    assert.doesNotMatch(body, /W3wp\.exe/i);
  });

  test('the errors come below the groups', () => {
    assert.ok(html.indexOf('class="problems"') > html.lastIndexOf('<details class="process'));
    assert.ok(html.includes('&lt;exists&gt;') && !html.includes('<exists>'));
  });

  test('a switch to the other mode, and the preview of it', () => {
    assert.match(html, /<button id="toggle" data-mode="iis5">Show in IIS 5.0 isolation mode<\/button>/);
    const preview = renderProcessViewHtml(view(example, 'iis5'), { ...opts, previewing: 'iis5' });
    assert.match(preview, /Preview: the file says <b>Worker process isolation mode<\/b>/);
    assert.match(preview, /<details class="process inetinfo"/);
    assert.match(preview, /<details class="process dllhost"/);
  });

  test('webview security: a strict CSP with a nonce, no remote resources', () => {
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src vscode-webview:\/\/x 'nonce-abc123'; script-src 'nonce-abc123';">/);
    assert.ok(!/(src|href)="https?:/i.test(html), 'no remote resources');
    assert.equal(html.match(/<script nonce="abc123">/g)?.length, 1);
  });

  test('no document: a hint instead of an empty page', () => {
    assert.match(renderProcessViewHtml(undefined, opts), /Open a MetaBase\.xml/);
  });
});

describe('the preview of a big server', () => {
  const v = view(generateMetabase({ sites: 2000 }));
  const html = renderProcessViewHtml(v, opts);
  const apps = v.groups.reduce((n, g) => n + g.applications.length, 0);

  test('the first paint has the group titles, not the applications', () => {
    assert.ok(apps >= 2000, `${apps} applications`);
    assert.equal(html.match(/<details class="process/g)?.length, v.groups.length);
    assert.equal(html.match(/<a href="#" class="app" data-line/g)?.length ?? 0, v.problems.length, 'only the error links, no application links');
    assert.doesNotMatch(html, /<details class="process[^>]*open/);
    assert.match(html, /<input id="filter"/);
  });

  test('opening a group renders its applications; the filter keeps the matching ones', () => {
    const g = v.groups.find((x) => x.applications.length > 1)!;
    assert.equal(renderGroupBody(g).match(/class="app[^"]*" data-line/g)?.length, Math.min(g.applications.length, 500) + (g.line !== null ? 1 : 0));
    const target = g.applications[1]!;
    const counts = filterGroups(v, target.location);
    assert.ok(counts[g.id]! >= 1);
    assert.ok(Object.keys(counts).length < v.groups.length, 'other groups are filtered out');
    assert.match(renderGroupBody(g, target.location), new RegExp(`>${target.location.replace(/[/]/g, '\\/')}<`));
  });
});
