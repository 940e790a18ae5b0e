import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metabase, parse, realWorld, service } from '../helpers';

const doc = parse(
  metabase(`
<IIsWebService Location ="/LM/W3SVC" AppPoolId="DefaultAppPool" AspScriptTimeout="90" IIs5IsolationModeEnabled="FALSE" ServerBindings=":80:" >
</IIsWebService>
<IIsWebServer Location ="/LM/W3SVC/1" AppPoolId="SitePool" ServerComment="Default Web Site" >
</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/root" AppRoot="/LM/W3SVC/1/Root" >
</IIsWebVirtualDir>
<IIsWebDirectory Location ="/LM/W3SVC/1/ROOT/images/thumbs" AspScriptTimeout="30" >
</IIsWebDirectory>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT/App" AppRoot="/LM/W3SVC/1/ROOT/App" AppPoolId="AppPool &amp; Co" >
</IIsWebVirtualDir>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" MaxProcesses="1" >
</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/SitePool" >
</IIsApplicationPool>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/AppPool &amp; Co" >
</IIsApplicationPool>
<IIsWebServer Location ="/LM/W3SVC/Info/Templates/Public Web Site" >
</IIsWebServer>
`),
);
const m = doc.model;

describe('model: keys and the tree', () => {
  test('finds keys by Location, case-insensitively', () => {
    assert.equal(m.keys.length, 9);
    assert.equal(m.keyAt('/lm/w3svc/1/ROOT')?.keyType, 'IIsWebVirtualDir');
    assert.equal(m.keyAt('/LM/W3SVC/1/Root/')?.location, '/LM/W3SVC/1/root');
  });

  test('parent is the longest existing path prefix; missing levels are skipped', () => {
    assert.equal(m.keyAt('/LM/W3SVC/1/ROOT/images/thumbs')?.parent?.location, '/LM/W3SVC/1/root');
    assert.equal(m.keyAt('/LM/W3SVC/1')?.parent?.location, '/LM/W3SVC');
    assert.equal(m.keyAt('/LM/W3SVC')?.parent, null);
    assert.deepEqual(m.keyAt('/LM/W3SVC/1/root')?.children.map((c) => c.location), ['/LM/W3SVC/1/ROOT/images/thumbs', '/LM/W3SVC/1/ROOT/App']);
  });

  test('values are decoded', () => {
    assert.equal(m.get(m.keyAt('/LM/W3SVC/1/ROOT/App')!, 'AppPoolId'), 'AppPool & Co');
  });

  test('keyAtOffset finds the key around an offset', () => {
    const k = m.keyAt('/LM/W3SVC/1')!;
    assert.equal(m.keyAtOffset(k.element.start + 5), k);
    assert.equal(m.keyAtOffset(0), undefined);
  });
});

describe('model: inheritance', () => {
  test('an INHERIT property comes from the nearest ancestor that sets it', () => {
    const thumbs = m.keyAt('/LM/W3SVC/1/ROOT/images/thumbs')!;
    const eff = m.effective(thumbs, 'AppPoolId');
    assert.equal(eff.value, 'SitePool');
    assert.equal(eff.from?.location, '/LM/W3SVC/1');
  });

  test('a value set on the key itself wins', () => {
    const thumbs = m.keyAt('/LM/W3SVC/1/ROOT/images/thumbs')!;
    assert.deepEqual([m.effective(thumbs, 'AspScriptTimeout').value, m.effective(thumbs, 'AspScriptTimeout').from], ['30', thumbs]);
    const root = m.keyAt('/LM/W3SVC/1/ROOT')!;
    assert.equal(m.effective(root, 'AspScriptTimeout').from?.location, '/LM/W3SVC');
  });

  test('a property without INHERIT does not flow down', () => {
    const ws = m.keyAt('/LM/W3SVC')!;
    assert.equal(m.effective(ws, 'ServerBindings').value, ':80:');
    const site = m.keyAt('/LM/W3SVC/1')!;
    const eff = m.effective(site, 'ServerBindings');
    assert.deepEqual([eff.value, eff.from], [undefined, null]);
  });

  test('unset everywhere: no value and no source (the caller shows the schema default)', () => {
    const root = m.keyAt('/LM/W3SVC/1/ROOT')!;
    assert.equal(m.effective(root, 'AspBufferingOn').value, undefined);
  });
});

describe('model: sites, applications, pools, isolation mode', () => {
  test('sites are IIsWebServer keys at /LM/W3SVC/<n>; templates are not sites', () => {
    assert.deepEqual(m.sites().map((s) => s.location), ['/LM/W3SVC/1']);
  });

  test('applications are the keys that carry AppRoot', () => {
    assert.deepEqual(m.applications().map((a) => a.location), ['/LM/W3SVC/1/root', '/LM/W3SVC/1/ROOT/App']);
    assert.equal(m.applicationOf(m.keyAt('/LM/W3SVC/1/ROOT/images/thumbs')!)?.location, '/LM/W3SVC/1/root');
    assert.equal(m.siteOf(m.keyAt('/LM/W3SVC/1/ROOT/App')!)?.location, '/LM/W3SVC/1');
  });

  test('an application resolves its pool through inheritance, default DefaultAppPool', () => {
    assert.deepEqual(m.poolIdOf(m.keyAt('/LM/W3SVC/1/ROOT')!).name, 'SitePool');
    assert.equal(m.poolIdOf(m.keyAt('/LM/W3SVC/1/ROOT/App')!).name, 'AppPool & Co');
    const bare = parse(metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/5/ROOT" AppRoot="/LM/W3SVC/5/ROOT" >\n</IIsWebVirtualDir>')).model;
    assert.deepEqual(bare.poolIdOf(bare.keys[0]), { name: 'DefaultAppPool', from: null });
  });

  test('pools are found by name, case-insensitively', () => {
    assert.deepEqual([...m.pools().keys()], ['sitepool', 'apppool & co']);
    assert.equal(m.pool('SITEPOOL')?.location, '/LM/W3SVC/AppPools/SitePool');
    assert.equal(m.poolName(m.pool('apppool & co')!), 'AppPool & Co');
    assert.ok(m.hasPoolContainer());
  });

  test('isolation mode: FALSE is worker, TRUE is IIS 5.0, absent is unset', () => {
    assert.equal(m.isolationMode(), 'worker');
    const iis5 = parse(metabase('<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="TRUE" >\n</IIsWebService>')).model;
    assert.equal(iis5.isolationMode(), 'iis5');
    const unset = parse(metabase('<IIsWebService Location ="/LM/W3SVC" >\n</IIsWebService>')).model;
    assert.equal(unset.isolationMode(), 'unset');
  });

  test('duplicate Locations (in any case) are collected', () => {
    const dup = parse(metabase('<IIsWebServer Location ="/LM/W3SVC/1" >\n</IIsWebServer>\n<IIsWebServer Location ="/lm/w3svc/1/" >\n</IIsWebServer>')).model;
    assert.deepEqual(dup.duplicates.map((k) => k.location), ['/lm/w3svc/1/']);
  });

  test('the real modSIC export: one site, its root application in DefaultAppPool, worker mode', () => {
    const real = parse(realWorld('modsic-oval-iis6-a-metabase.xml')!).model;
    assert.equal(real.isolationMode(), 'worker');
    assert.deepEqual(real.sites().map((s) => real.get(s, 'ServerComment')), ['Default Web Site']);
    assert.deepEqual(real.applications().map((a) => [a.location, real.poolIdOf(a).name]), [['/LM/W3SVC/1/ROOT', 'DefaultAppPool']]);
    assert.deepEqual([...real.pools().keys()], ['defaultapppool', 'oval']);
    assert.equal(real.customs(real.webService()!).length, 3);
  });
});

describe('a Location tree 10,000 levels deep with an application at the bottom', () => {
  test('its ScriptMaps come from the site, and validation and the process model answer (the first lookup from the bottom overflowed the stack)', () => {
    const levels = 10000;
    const loc = (i: number) => `/LM/W3SVC/1/ROOT${'/a'.repeat(i)}`;
    const keys = Array.from({ length: levels }, (_, i) => `<IIsWebVirtualDir Location ="${loc(i)}"${i === levels - 1 ? ` AppRoot="${loc(i)}"` : ''} />`).join('\n');
    const ls = service();
    const doc = parse(metabase(`<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="Deep" ScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET" />\n${keys}`), ls);
    const deepest = doc.model.keys[doc.model.keys.length - 1];
    assert.equal(deepest.location, loc(levels - 1));
    // Asked first at the bottom: nothing above it was worked out yet.
    assert.equal(doc.model.effectiveScriptMaps(deepest)?.from.location, '/LM/W3SVC/1');
    assert.ok(Array.isArray(ls.doValidation(doc)));
    assert.ok(ls.getProcessModel(doc).applications.some((a) => a.location === loc(levels - 1)));
  });
});
