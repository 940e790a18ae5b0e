import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { metabase, parse, service, withCursor } from '../helpers';

function hover(textWithCursor: string): string | undefined {
  const { text, offset } = withCursor(textWithCursor);
  const ls = service();
  const doc = parse(text, ls);
  const h = ls.doHover(doc, doc.lines.positionAt(offset));
  return h ? (h.contents as MarkupContent).value : undefined;
}

const WORKER = `<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" AspScriptTimeout="90" >\n</IIsWebService>`;
const POOLS = `<IIsApplicationPools Location ="/LM/W3SVC/AppPools" PeriodicRestartTime="1740" MaxProcesses="1" >\n</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/Web" MaxProcesses="3" AppPoolIdentityType="3" WAMUserName="CONTOSO\\svc-web" WAMUserPass="49634462abcdef0123456789abcdef0123456789" >\n</IIsApplicationPool>`;

describe('hover on a property', () => {
  test('documentation, type, default, range, level, valid key types and the source page', () => {
    const md = hover(metabase(`${POOLS.replace('PeriodicRestartTime', 'Periodic|RestartTime')}`))!;
    assert.match(md, /^\*\*PeriodicRestartTime\*\* — DWORD, minutes, inherited/);
    assert.match(md, /Default: `60` minutes \(schema\) · `1740` \(IIS internal default, written at install\)/);
    assert.match(md, /Range: 0 – 71582/);
    assert.match(md, /Level: application-pool level/);
    assert.match(md, /Valid on: IIsApplicationPool, IIsApplicationPools/);
    assert.match(md, /\[Reference\]\(https:\/\/learn\.microsoft\.com\/en-us\/previous-versions\/iis\/6\.0-sdk\/ms525914\(v=vs\.90\)\)/);
    assert.match(md, /At `\/LM\/W3SVC\/AppPools`: `1740`, set on this key\./);
    assert.match(md, /1 key below inherits this value\./);
  });

  test('the value this key would inherit without its own', () => {
    const md = hover(metabase(`${WORKER}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AspScript|Timeout="30" >\n</IIsWebVirtualDir>`))!;
    assert.match(md, /At `\/LM\/W3SVC\/1\/ROOT`: `30`, set on this key\./);
    assert.match(md, /Without it this key would inherit `90` from `\/LM\/W3SVC`\./);
  });

  test('AppIsolated in worker mode leads with what it means there: nothing; IIS writes it anyway', () => {
    const md = hover(metabase(`${WORKER}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" App|Isolated="2" >\n</IIsWebVirtualDir>`))!;
    const [title, , first] = md.split('\n');
    assert.match(title, /^\*\*AppIsolated\*\* — DWORD/);
    assert.match(first, /^\*\*In worker process isolation mode, this file's mode, AppIsolated decides nothing:\*\* the application runs in the W3wp\.exe of its pool/);
    assert.match(first, /IIS writes it on every application/);
    assert.ok(md.indexOf('decides nothing') < md.indexOf('Records the process model'), 'the mode comes before the IIS 5.0 description');
  });

  test('AppIsolated in IIS 5.0 isolation mode leads with the process it chooses', () => {
    const md = hover(metabase(`<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="TRUE" >\n</IIsWebService>\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" App|Isolated="2" >\n</IIsWebVirtualDir>`))!;
    assert.match(md.split('\n')[2], /^\*\*In IIS 5\.0 isolation mode, this file's mode, AppIsolated decides the process:\*\* 0 Inetinfo\.exe/);
  });

  test('a secure property never shows its value', () => {
    const md = hover(metabase(POOLS.replace('WAMUserPass', 'WAMUser|Pass')))!;
    assert.match(md, /\(secure value, not shown\)/);
    assert.ok(!md.includes('49634462abcdef'));
    const onValue = hover(metabase(POOLS.replace('"49634462abc', '"4963|4462abc')))!;
    assert.match(onValue, /secure property: the value is not shown\. It is stored encrypted/);
    assert.ok(!onValue.includes('49634462abcdef'));
  });

  test('an unknown property suggests the name it resembles', () => {
    assert.equal(hover(metabase('<IIsWebServer Location ="/LM/W3SVC/1" Server|Comentt="x" >\n</IIsWebServer>')), '**ServerComentt** — not a property of the IIS schema; IIS ignores it. Did you mean `ServerComment`, `ServerCommand`?');
  });
});

describe('hover on a value', () => {
  test('AppIsolated="2" in worker mode: first that it chooses nothing there, then the pooled DLLHost.exe of IIS 5.0', () => {
    const md = hover(metabase(`${WORKER}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppIsolated="|2" >\n</IIsWebVirtualDir>`))!;
    assert.equal(
      md,
      "**AppIsolated** = `2`\n\n**In worker process isolation mode, this file's mode, this does not choose the process:** the application runs in the W3wp.exe of its pool (AppPoolId).\n\nOnly in IIS 5.0 isolation mode: `2` — Pooled: Runs in one out-of-process host shared by all pooled applications.",
    );
    const iis5 = hover(metabase(`<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="TRUE" >\n</IIsWebService>\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppIsolated="|2" >\n</IIsWebVirtualDir>`))!;
    assert.match(iis5, /^\*\*AppIsolated\*\* = `2`\n\n`2` — Pooled: Runs in one out-of-process host/);
  });

  test('a flag list is broken down', () => {
    const md = hover(metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AccessFlags="Access|Read | AccessScript" >\n</IIsWebVirtualDir>'))!;
    assert.match(md, /Flags set \(513\):/);
    assert.match(md, /- `AccessRead` \(1\) — /);
    assert.match(md, /- `AccessScript` \(512\) — /);
  });

  test('AppPoolId: the pool\'s identity, worker-process count and recycling', () => {
    const md = hover(metabase(`${WORKER}\n${POOLS}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppPoolId="W|eb" >\n</IIsWebVirtualDir>`))!;
    assert.match(md, /\*\*Application pool Web\*\* \(`\/LM\/W3SVC\/AppPools\/Web`\)/);
    assert.match(md, /web garden of \*\*3\*\* W3wp\.exe, running as \*\*CONTOSO\\svc-web\*\*/);
    assert.match(md, /recycles every 29 h/);
    assert.match(md, /1 application: `\/LM\/W3SVC\/1\/ROOT`/);
  });

  test('AppPoolId naming a missing pool', () => {
    const md = hover(metabase(`${WORKER}\n${POOLS}\n<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppPoolId="Mis|sing" >\n</IIsWebVirtualDir>`))!;
    assert.match(md, /⚠ No application pool `Missing` exists\./);
  });

  test('a script map entry: its handler, ASP.NET version and flags', () => {
    const md = hover(metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" ScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD\n\t\t\t.aspx,c:\\windows\\microsoft.net\\framework\\v2.0.50727\\aspnet_is|api.dll,1,GET,HEAD,POST,DEBUG" >\n</IIsWebVirtualDir>'))!;
    assert.match(md, /`\.aspx` is handled by/);
    assert.match(md, /ASP\.NET 2\.0\.50727 \(32-bit\)/);
    assert.match(md, /Flags 1: runs in folders with Script permission/);
    assert.match(md, /Verbs: GET, HEAD, POST, DEBUG\./);
  });

  test('a wildcard script map is explained', () => {
    const md = hover(metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" ScriptMaps="*,C:\\Fram|ework\\rewrite.dll,0" >\n</IIsWebVirtualDir>'))!;
    assert.match(md, /A wildcard map: every request goes through this ISAPI first/);
  });

  test('a binding is spelled out', () => {
    const md = hover(metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerBindings=":80:\n\t\t\t10.0.0.1:8|080:www.example.com" >\n</IIsWebServer>'))!;
    assert.equal(md, '**ServerBindings** — `10.0.0.1:8080:www.example.com`\n\n- IP address: 10.0.0.1\n- Port: 8080\n- Host header: www.example.com');
  });

  test('the ASP upload limit in KB, with what it breaks', () => {
    const md = hover(metabase('<IIsWebService Location ="/LM/W3SVC" AspMaxRequestEntityAllowed="2048|00" >\n</IIsWebService>'))!;
    assert.match(md, /204800 bytes = 200 KB: ASP rejects a request body larger than this/);
  });
});

describe('hover on a key', () => {
  test('an application: which process serves it', () => {
    const md = hover(metabase(`${WORKER}\n${POOLS}\n<IIsWeb|VirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppPoolId="Web" >\n</IIsWebVirtualDir>`))!;
    assert.match(md, /^\*\*`<IIsWebVirtualDir>`\*\* — metabase key type/);
    assert.match(md, /served by the W3wp\.exe ×3 \(a web garden\) of pool \*\*Web\*\*, running as CONTOSO\\svc-web/);
  });

  test('mode not written: both outcomes, labelled', () => {
    const md = hover(metabase(`<IIsWebService Location ="/LM/W3SVC" >\n</IIsWebService>\n${POOLS}\n<IIsWeb|VirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppPoolId="Web" AppIsolated="1" >\n</IIsWebVirtualDir>`))!;
    assert.match(md, /If worker process isolation mode: served by the W3wp\.exe ×3/);
    assert.match(md, /If IIS 5\.0 isolation mode: served by a \*\*DLLHost\.exe\*\* of its own \(isolated\)/);
  });

  test('a pool: identity, processes, recycling, applications', () => {
    const md = hover(metabase(`${WORKER}\n${POOLS.replace('<IIsApplicationPool Location', '<IIsApplication|Pool Location')}`))!;
    assert.match(md, /\*\*Application pool Web\*\*/);
    assert.match(md, /no application uses it/);
  });
});

describe('words: one and more', () => {
  const SERVICE = '<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" AspScriptTimeout="90" >\n</IIsWebService>';
  const under = (n: number): string => Array.from({ length: n }, (_, i) => `<IIsWebServer Location ="/LM/W3SVC/${i + 1}" >\n</IIsWebServer>`).join('\n');

  test('keys below that inherit: "1 key below inherits", "2 keys below inherit"', () => {
    assert.match(hover(metabase(`${SERVICE.replace('AspScript', 'AspScr|ipt')}\n${under(1)}`))!, /\n1 key below inherits this value\./);
    assert.match(hover(metabase(`${SERVICE.replace('AspScript', 'AspScr|ipt')}\n${under(2)}`))!, /\n2 keys below inherit this value\./);
  });

  test('a default of 1 with a plural unit: "1 process"; other numbers keep the plural', () => {
    assert.match(hover(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" Max|Processes="2" >\n</IIsApplicationPool>'))!, /Default: `1` process \(schema\)/);
    assert.match(hover(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" Idle|Timeout="2" >\n</IIsApplicationPool>'))!, /Default: `20` minutes \(schema\)/);
  });

  test('values: 1 byte, 1 entry, 1 hour, 1.5 hours', () => {
    assert.match(hover(metabase('<IIsWebService Location ="/LM/W3SVC" AspBufferingLimit="|1" >\n</IIsWebService>'))!, /\n1 byte: an ASP page/);
    assert.match(hover(metabase('<IIsWebService Location ="/LM/W3SVC" AspBufferingLimit="|2048" >\n</IIsWebService>'))!, /\n2048 bytes = 2 KB: an ASP page/);
    assert.match(hover(metabase('<IIsWebService Location ="/LM/W3SVC" HttpCustomHeaders="|X-A: 1" >\n</IIsWebService>'))!, /\n1 entry, one per line\./);
    assert.match(hover(metabase('<IIsWebService Location ="/LM/W3SVC" HttpCustomHeaders="|X-A: 1\n\t\t\tX-B: 2" >\n</IIsWebService>'))!, /\n2 entries, one per line\./);
    assert.match(hover(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" PeriodicRestartTime="|60" >\n</IIsApplicationPool>'))!, /60 minutes = 1 hour\n/);
    assert.match(hover(metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" PeriodicRestartTime="|90" >\n</IIsApplicationPool>'))!, /90 minutes = 1\.5 hours\n/);
  });

  test('a pool: after 1 request, after 1 crash; 2 requests, 2 crashes', () => {
    const pool = (requests: number, crashes: number): string =>
      hover(metabase(`${WORKER}\n<IIsApplication|Pool Location ="/LM/W3SVC/AppPools/P" PeriodicRestartRequests="${requests}" RapidFailProtectionMaxCrashes="${crashes}" AppPoolQueueLength="1" >\n</IIsApplicationPool>`))!;
    const one = pool(1, 1);
    assert.match(one, /, after 1 request,/);
    assert.match(one, /; stopped after 1 crash in 5 min; queue of 1 request$/m);
    const two = pool(2, 2);
    assert.match(two, /, after 2 requests,/);
    assert.match(two, /; stopped after 2 crashes in 5 min; queue of 1 request$/m);
  });
});
