import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { metabase, parse, service, withCursor } from '../helpers';

/** Completion at the first `|` (write flag separators after the cursor marker). */
function complete(textWithCursor: string): { items: CompletionItem[]; text: string } {
  const { text, offset } = withCursor(textWithCursor);
  const ls = service();
  const doc = parse(text, ls);
  return { items: ls.doComplete(doc, doc.lines.positionAt(offset)).items, text };
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

/** The text after applying an item's edit. */
function apply(text: string, item: CompletionItem): string {
  const edit = item.textEdit as TextEdit;
  const doc = parse(text);
  const s = doc.offsetAt(edit.range.start);
  const e = doc.offsetAt(edit.range.end);
  return text.slice(0, s) + edit.newText + text.slice(e);
}

const SETUP = `<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" >\n</IIsWebService>
<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="Default Web Site" >\n</IIsWebServer>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" >\n</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/DefaultAppPool" >\n</IIsApplicationPool>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/Intranet" >\n</IIsApplicationPool>`;

describe('completion of properties', () => {
  test('properties valid for the key type and not yet set, with their documentation', () => {
    const { items } = complete(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P"\n\t\tMaxProcesses="1"\n\t\t|\n\t>\n</IIsApplicationPool>'));
    const names = labels(items);
    assert.ok(names.includes('PeriodicRestartTime'));
    assert.ok(names.includes('AppPoolIdentityType'));
    assert.ok(!names.includes('MaxProcesses'), 'already set');
    assert.ok(!names.includes('ServerBindings'), 'not valid on a pool');
    const item = items.find((i) => i.label === 'IdleTimeout')!;
    assert.equal(item.detail, 'DWORD, minutes · pool level');
    assert.match((item.documentation as { value: string }).value, /^\*\*IdleTimeout\*\* — DWORD, minutes/);
    assert.equal((item.textEdit as TextEdit).newText, 'IdleTimeout="${1:20}"');
  });

  test('where IIS writes another value at install than the schema default, that value is inserted and the detail says so', () => {
    const { items } = complete(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P"\n\t\t|\n\t>\n</IIsApplicationPool>'));
    const restart = items.find((i) => i.label === 'PeriodicRestartTime')!;
    assert.equal((restart.textEdit as TextEdit).newText, 'PeriodicRestartTime="${1:1740}"');
    assert.equal(restart.detail, 'DWORD, minutes · pool level · IIS writes 1740 at install (schema default 60)');
    const ping = items.find((i) => i.label === 'PingResponseTime')!;
    assert.equal((ping.textEdit as TextEdit).newText, 'PingResponseTime="${1:90}"');
    assert.match(ping.detail!, /IIS writes 90 at install \(schema default 60\)$/);
    // Where they agree, the schema default, and nothing more in the detail.
    const identity = items.find((i) => i.label === 'AppPoolIdentityType')!;
    assert.equal((identity.textEdit as TextEdit).newText, 'AppPoolIdentityType="${1:2}"');
    assert.doesNotMatch(identity.detail!, /install/);
  });

  test('a BOOL whose install value is FALSE offers FALSE first; a flag default is inserted as written', () => {
    const { items } = complete(metabase('<IIsCompressionSchemes Location ="/LM/W3SVC/Filters/Compression/Parameters"\n\t\t|\n\t>\n</IIsCompressionSchemes>'));
    assert.equal((items.find((i) => i.label === 'HcSendCacheHeaders')!.textEdit as TextEdit).newText, 'HcSendCacheHeaders="${1|FALSE,TRUE|}"');
    assert.equal((items.find((i) => i.label === 'HcNoCompressionForProxies')!.textEdit as TextEdit).newText, 'HcNoCompressionForProxies="${1|TRUE,FALSE|}"');
    const dir = complete(metabase('<IIsWebService Location ="/LM/W3SVC"\n\t\t|\n\t>\n</IIsWebService>')).items.find((i) => i.label === 'DirBrowseFlags')!;
    // In a placeholder only $, } and \ are escaped: `\|` would be inserted with its backslash.
    assert.equal((dir.textEdit as TextEdit).newText, 'DirBrowseFlags="${1:DirBrowseShowDate | DirBrowseShowTime | DirBrowseShowSize | DirBrowseShowExtension | EnableDefaultDoc}"');
  });

  test('a partly typed name is replaced; BOOL properties offer TRUE/FALSE', () => {
    const { items, text } = complete(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P"\n\t\tPingingEn|\n\t>\n</IIsApplicationPool>'));
    const item = items.find((i) => i.label === 'PingingEnabled')!;
    assert.match(apply(text, item), /\n\t\tPingingEnabled="\$\{1\|TRUE,FALSE\|\}"\n\t>/);
  });
});

describe('completion of values', () => {
  test('BOOL: TRUE and FALSE', () => {
    assert.deepEqual(labels(complete(metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerAutoStart="|" >\n</IIsWebServer>')).items), ['TRUE', 'FALSE']);
  });

  test('AppIsolated: 0/1/2 labelled with their meaning, and what the mode makes of them', () => {
    const { items, text } = complete(metabase(`${SETUP}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppIsolated="|" >\n</IIsWebVirtualDir>`));
    assert.deepEqual(items.map((i) => [i.label, i.detail]), [['0 — In-process', undefined], ['1 — Out-of-process', undefined], ['2 — Pooled', 'default']]);
    assert.match(apply(text, items[1]), /AppIsolated="1" >/);
    assert.match((items[2].documentation as { value: string }).value, /^\*\*This file runs in worker process isolation mode, where the pool decides the process, not this value\.\*\*\n\nOnly in IIS 5\.0 isolation mode: the shared pooled DLLHost\.exe\./);
  });

  test('AppPoolId: the pools that exist', () => {
    const { items, text } = complete(metabase(`${SETUP}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppPoolId="Intr|" >\n</IIsWebVirtualDir>`));
    assert.deepEqual(labels(items), ['DefaultAppPool', 'Intranet']);
    assert.match(apply(text, items[1]), /AppPoolId="Intranet" >/);
  });

  test('flags: the names not used yet; the flag under the cursor is replaced, the others stay', () => {
    const { items, text } = complete(metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AccessFlags="AccessRead | AccessSc|" >\n</IIsWebVirtualDir>'.replace('AccessRead | AccessSc|', 'AccessSc| | AccessRead')));
    assert.ok(!labels(items).includes('AccessRead'));
    const script = items.find((i) => i.label === 'AccessScript')!;
    assert.match(apply(text, script), /AccessFlags="AccessScript \| AccessRead"/);
  });

  test('flags: after a flag and a blank, the edit runs from the flag to the cursor (found by the fuzzer)', () => {
    // The flag under the cursor comes first here, so the `|` marker is the first bar.
    const { items, text } = complete(metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" DirBrowseFlags="DirBrowseShowD |" >\n</IIsWebVirtualDir>'));
    const date = items.find((i) => i.label === 'DirBrowseShowDate')!;
    const edit = date.textEdit as TextEdit;
    // LSP requires the edit range to contain the cursor; it used to stop before the blank.
    assert.equal(edit.range.end.character - edit.range.start.character, 'DirBrowseShowD '.length);
    assert.match(apply(text, date), /DirBrowseFlags="DirBrowseShowDate" >/);
  });

  test('Location: paths that fit the key type', () => {
    const vdir = complete(metabase(`${SETUP}\n<IIsWebVirtualDir Location ="|" >\n</IIsWebVirtualDir>`));
    assert.ok(labels(vdir.items).includes('/LM/W3SVC/1/ROOT'));
    const pool = complete(metabase(`${SETUP}\n<IIsApplicationPool Location ="|" >\n</IIsApplicationPool>`));
    assert.deepEqual(labels(pool.items), ['/LM/W3SVC/AppPools/']);
    const site = complete(metabase(`${SETUP}\n<IIsWebServer Location ="|" >\n</IIsWebServer>`));
    assert.deepEqual(labels(site.items), ['/LM/W3SVC/2']);
  });

  test('enumerations: the value and its meaning in the label, the header constant in the detail, the number inserted', () => {
    const { items, text } = complete(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" AppPoolIdentityType="|" >\n</IIsApplicationPool>'));
    assert.deepEqual(labels(items), ['0 — LocalSystem', '1 — LocalService', '2 — NetworkService', '3 — Specific user']);
    assert.equal(items[2].detail, 'MD_APPPOOL_IDENTITY_TYPE_NETWORKSERVICE · default');
    assert.match(apply(text, items[2]), /AppPoolIdentityType="2" >/);
    const period = complete(metabase('<IIsWebServer Location ="/LM/W3SVC/1" LogFilePeriod="|" >\n</IIsWebServer>')).items;
    assert.deepEqual(labels(period), ['0 — By size', '1 — Daily', '2 — Weekly', '3 — Monthly', '4 — Hourly']);
  });
});

describe('completion of key types', () => {
  test('after a site, the key types it may contain come first, with a Location that fits', () => {
    const { items, text } = complete(metabase(`${SETUP}\n<IIsWebServer Location ="/LM/W3SVC/7" >\n</IIsWebServer>\n<IIsWebV|`));
    const first = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0];
    assert.equal(first.label, 'IIsCertMapper');
    const vdir = items.find((i) => i.label === 'IIsWebVirtualDir')!;
    assert.equal(vdir.detail, 'key under /LM/W3SVC/7');
    assert.match(apply(text, vdir), /<IIsWebVirtualDir\tLocation ="\$\{1:\/LM\/W3SVC\/7\/ROOT\}"\n\t\t\$0\n\t>\n<\/IIsWebVirtualDir>/);
  });

  test('each key type is offered once', () => {
    const names = labels(complete(metabase('<|')).items);
    assert.ok(names.includes('IIsObject'));
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
  });

  test('inside a key only <Custom> is offered', () => {
    const { items } = complete(metabase('<IIsWebService Location ="/LM/W3SVC" >\n\t<|\n</IIsWebService>'));
    assert.deepEqual(labels(items), ['Custom']);
  });
});
