import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { computeProcessModel, processModelText } from '../../server/src/process/processModel';
import { metabase, parse, repoRoot, service } from '../helpers';

function model(mode: string | undefined, extra = ''): string {
  const attr = mode === undefined ? '' : ` IIs5IsolationModeEnabled="${mode}"`;
  return metabase(`<IIsWebService Location ="/LM/W3SVC"${attr} WAMUserName="IWAM_WEB" InProcessIsapiApps="C:\\WINDOWS\\system32\\inetsrv\\ssinc.dll" ScriptMaps=".shtml,C:\\WINDOWS\\system32\\inetsrv\\ssinc.dll,5,GET,POST" >
</IIsWebService>
<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="Main" AppPoolId="Garden" >
</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppIsolated="0" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/hr" AppRoot="/LM/W3SVC/1/ROOT/hr" AppIsolated="1" AppPoolId="Secure" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/shop" AppRoot="/LM/W3SVC/1/ROOT/shop" AppIsolated="2" AppPoolId="Gone" ScriptMaps=".aspx,c:\\windows\\microsoft.net\\framework\\v2.0.50727\\aspnet_isapi.dll,1,GET" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/blog" AppRoot="/LM/W3SVC/1/ROOT/blog" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/legacy" AppRoot="/LM/W3SVC/1/ROOT/legacy" AppIsolated="2" >
</IIsWebVirtualDir>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" MaxProcesses="1" >
</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/Garden" MaxProcesses="4" >
</IIsApplicationPool>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/Secure" AppPoolIdentityType="3" WAMUserName="CONTOSO\\hr-app" >
</IIsApplicationPool>
${extra}`);
}

function summary(text: string, mode?: 'worker' | 'iis5') {
  const pm = computeProcessModel(parse(text).model, mode);
  return {
    isolationMode: pm.isolationMode,
    processes: pm.processes.map((p) => [p.mode, p.image, p.pool, p.hosting, p.instances, p.identity, p.applications]),
    applications: pm.applications.map((a) => [a.mode, a.location, a.image, a.hosting, a.pool, a.problem]),
  };
}

describe('process model', () => {
  test('worker mode: the W3wp.exe of each pool, web gardens, identities; a missing pool fails', () => {
    assert.deepEqual(summary(model('FALSE')), {
      isolationMode: 'worker',
      processes: [
        ['worker', 'w3wp.exe', 'Garden', 'pool', 4, 'NetworkService', ['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/blog', '/LM/W3SVC/1/ROOT/legacy']],
        ['worker', 'w3wp.exe', 'Secure', 'pool', 1, 'CONTOSO\\hr-app', ['/LM/W3SVC/1/ROOT/hr']],
      ],
      applications: [
        ['worker', '/LM/W3SVC/1/ROOT', 'w3wp.exe', 'pool', 'Garden', null],
        ['worker', '/LM/W3SVC/1/ROOT/hr', 'w3wp.exe', 'pool', 'Secure', null],
        ['worker', '/LM/W3SVC/1/ROOT/shop', null, 'pool', 'Gone', 'application pool "Gone" does not exist: requests fail'],
        ['worker', '/LM/W3SVC/1/ROOT/blog', 'w3wp.exe', 'pool', 'Garden', null],
        ['worker', '/LM/W3SVC/1/ROOT/legacy', 'w3wp.exe', 'pool', 'Garden', null],
      ],
    });
  });

  test('IIS 5.0 mode: Inetinfo.exe, an isolated DLLHost.exe, the shared pooled one, AppIsolated inherited; pools ignored', () => {
    const s = summary(model('TRUE'));
    assert.deepEqual(s.processes, [
      ['iis5', 'inetinfo.exe', null, 'in-process', 1, 'LocalSystem', ['/LM/W3SVC/1/ROOT', '/LM/W3SVC/1/ROOT/blog']],
      ['iis5', 'dllhost.exe', null, 'pooled', 1, 'IWAM_WEB', ['/LM/W3SVC/1/ROOT/shop', '/LM/W3SVC/1/ROOT/legacy']],
      ['iis5', 'dllhost.exe', null, 'isolated', 1, 'IWAM_WEB', ['/LM/W3SVC/1/ROOT/hr']],
    ]);
    const pm = computeProcessModel(parse(model('TRUE')).model);
    const shop = pm.applications.find((a) => a.location.endsWith('/shop'))!;
    assert.deepEqual(shop.notes, [
      'ASP.NET 2.0.50727 code runs in aspnet_wp.exe (configured by <processModel> in machine.config), not in this process',
    ]);
    const legacy = pm.applications.find((a) => a.location.endsWith('/legacy'))!;
    assert.deepEqual(legacy.notes, ['requests handled by ssinc.dll (listed in InProcessIsapiApps) still run in Inetinfo.exe']);
  });

  test('mode not written: both outcomes, each labelled', () => {
    const s = summary(model(undefined));
    assert.equal(s.isolationMode, 'unset');
    assert.deepEqual([...new Set(s.processes.map((p) => p[0]))], ['worker', 'iis5']);
    assert.equal(s.applications.length, 10);
  });

  test('preview of the other mode', () => {
    const pm = computeProcessModel(parse(model('FALSE')).model, 'iis5');
    assert.deepEqual([pm.isolationMode, pm.modes, pm.processes.map((p) => `${p.image}:${p.hosting}`)], ['worker', ['iis5'], ['inetinfo.exe:in-process', 'dllhost.exe:pooled', 'dllhost.exe:isolated']]);
  });

  test('`processes --format json` prints the documented shape for the example', async () => {
    const out: string[] = [];
    const code = await runCli(['processes', path.join(repoRoot, 'examples', 'MetaBase.xml'), '--format', 'json'], (s) => out.push(s), () => undefined);
    assert.equal(code, 0);
    const json = JSON.parse(out.join('\n'));
    assert.equal(json.isolationMode, 'worker');
    assert.deepEqual(Object.keys(json.processes[0]), ['image', 'pool', 'hosting', 'instances', 'identity', 'applications', 'mode']);
    const intranet = json.processes.find((p: { pool: string }) => p.pool === 'IntranetPool');
    assert.deepEqual([intranet.image, intranet.instances, intranet.identity], ['w3wp.exe', 2, 'NetworkService']);
    const shop = json.applications.find((a: { site: string }) => a.site === 'Shop');
    assert.deepEqual([shop.location, shop.image, shop.pool, shop.problem], ['/LM/W3SVC/20/ROOT', null, 'ShopPool', 'application pool "ShopPool" does not exist: requests fail']);
  });

  test('`processes --format text` is a readable tree', async () => {
    const out: string[] = [];
    await runCli(['processes', path.join(repoRoot, 'examples', 'MetaBase.xml')], (s) => out.push(s), () => undefined);
    const text = out.join('\n');
    assert.match(text, /^Isolation mode: worker process isolation mode\./);
    assert.match(text, /w3wp\.exe ×2 \(web garden\) — pool IntranetPool, runs as NetworkService/);
    assert.match(text, /✖ \/LM\/W3SVC\/20\/ROOT {2}\(Shop\): application pool "ShopPool" does not exist/);
    assert.ok(readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8').length > 0);
  });
});

describe('the text of a file without sites', () => {
  test('says that no worker process starts, instead of an empty heading', () => {
    const ls = service();
    const text = processModelText(ls.getProcessModel(ls.parse('file:///t/MetaBase.xml', 1, metabase('<IIsWebService\tLocation ="/LM/W3SVC"\n\t>\n</IIsWebService>'))));
    assert.match(text, /If worker process isolation mode:\n {2}No web site or application in this file, so no worker process \(W3wp\.exe\) starts\./);
    assert.doesNotMatch(text, /:\n\n|:$/);
  });
});
