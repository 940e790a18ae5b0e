import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { generate, render } from '../../scripts/generate-schema-data';
import { schemaData } from '../../server/src/data/schemaData.generated';
import { propertyDocs } from '../../server/src/data/docs';
import { getDefaultCatalog } from '../../server/src/schema/catalog';
import { loadMBSchema } from '../../server/src/schema/mbschemaLoader';
import { installValue } from '../../server/src/data/installDefaults';
import { findSharedDir, parse, realWorld, repoRoot } from '../helpers';

const catalog = getDefaultCatalog();
const shared = findSharedDir();
const schemaFile = shared && path.join(shared, 'realworld', 'modsic-mbschema-iis6-schema.xml');
const haveSchema = !!schemaFile && existsSync(schemaFile);
const noSchema = haveSchema ? false : 'shared/realworld/modsic-mbschema-iis6-schema.xml is not available on this machine';

describe('generated schema data: spot checks of the committed catalog', () => {
  test('counts: 507 MBSchema.xml definitions plus 3 documented ones it lacks; 64 key types', () => {
    assert.equal(schemaData.properties.length, 510);
    assert.equal(schemaData.keyTypes.length, 64);
    assert.deepEqual(
      schemaData.properties.filter((p) => p.facts?.status?.includes('notInSchema')).map((p) => p.name),
      ['CpuCgiLimit', 'NotDeletable', 'UNCAuthenticationPassthrough'],
    );
  });

  test('PeriodicRestartTime: DWORD 9001, INHERIT, schema default 60, max 71582, internal default 1740, minutes, pool level', () => {
    const p = catalog.property('PeriodicRestartTime')!;
    assert.deepEqual(
      [p.id, p.type, p.inherit, p.schemaDefault, p.min, p.max, p.facts?.internalDefault, p.facts?.units, catalog.level(p)],
      [9001, 'DWORD', true, '60', undefined, 71582, '1740', 'minutes', 'pool'],
    );
    assert.deepEqual(p.keyTypes, ['IIsApplicationPool', 'IIsApplicationPools']);
  });

  test('AppPoolQueueLength 10–65535, default 1000; MaxProcesses min 1; AppPoolIdentityType max 3', () => {
    const q = catalog.property('AppPoolQueueLength')!;
    assert.deepEqual([q.min, q.max, q.schemaDefault], [10, 65535, '1000']);
    assert.equal(catalog.property('MaxProcesses')!.min, 1);
    assert.equal(catalog.property('AppPoolIdentityType')!.max, 3);
  });

  test('IIs5IsolationModeEnabled: BOOL, not inherited, schema default TRUE, only on IIsWebService', () => {
    const p = catalog.property('IIs5IsolationModeEnabled')!;
    assert.deepEqual([p.type, p.inherit, p.schemaDefault, p.keyTypes], ['BOOL', false, 'TRUE', ['IIsWebService']]);
  });

  test('SECURE properties', () => {
    for (const name of ['WAMUserPass', 'AnonymousUserPass', 'UNCPassword', 'LogOdbcPassword', 'AdminACL']) {
      assert.equal(catalog.property(name)?.secure, true, name);
    }
    assert.equal(catalog.property('AnonymousUserName')?.secure, false);
  });

  test('flags with their values: AccessFlags, LogEventOnRecycle', () => {
    const access = catalog.property('AccessFlags')!;
    assert.deepEqual(access.flags?.find((f) => f.name === 'AccessScript'), { name: 'AccessScript', value: 512 });
    assert.deepEqual(catalog.property('LogEventOnRecycle')!.flags?.map((f) => f.value), [1, 2, 4, 8, 16, 32, 64, 128]);
  });

  test('EndingNumber="0" is not read as a maximum (BOOL and flag properties)', () => {
    assert.equal(catalog.property('AllowKeepAlive')!.max, undefined);
    assert.equal(catalog.property('AppIsolated')!.max, undefined);
  });

  test('key types and containment: IIsWebService contains IIsWebServer and IIsApplicationPools; a pool contains nothing', () => {
    assert.equal(catalog.canContain('IIsWebService', 'IIsWebServer'), true);
    assert.equal(catalog.canContain('IIsWebService', 'IIsApplicationPools'), true);
    assert.equal(catalog.canContain('IIsApplicationPool', 'IIsWebServer'), false);
    assert.equal(catalog.canContain('IIsComputer', 'IIsLogModules'), true, 'written by IIS although not in ContainerClassList');
    assert.equal(catalog.canContain('IIsConfigObject', 'IIsWebServer'), true, 'generic keys contain anything');
  });

  test('the schema spelling Enable32BitAppOnWin64 is the property; the prose spelling is suggested', () => {
    assert.ok(catalog.property('Enable32BitAppOnWin64'));
    assert.equal(catalog.property('Enable32bitAppOnWin64'), undefined);
    assert.deepEqual(catalog.suggestProperties('Enable32bitAppOnWin64'), ['Enable32BitAppOnWin64']);
  });
});

describe('values written at install', () => {
  test('each install-time value that differs from the schema default is what a real export holds on its topmost key', () => {
    const model = parse(realWorld('modsic-oval-iis6-a-metabase.xml')!).model;
    const found: string[] = [];
    for (const name of catalog.allPropertyNames()) {
      const value = installValue(catalog.property(name)!);
      if (value === undefined) continue;
      const keys = model.keys.filter((k) => model.get(k, name) !== undefined && !model.isTemplate(k));
      assert.ok(keys.length > 0, `${name}: the export does not set it`);
      const top = keys.reduce((a, b) => (b.path.split('/').length < a.path.split('/').length ? b : a));
      assert.equal(model.get(top, name), value, `${name} on ${top.location}`);
      found.push(`${name}=${value}`);
    }
    assert.ok(found.includes('PeriodicRestartTime=1740') && found.includes('PingResponseTime=90'), found.join(' '));
    assert.equal(installValue(catalog.property('AppPoolQueueLength')!), undefined, 'internal default 4000, but setup writes the schema default 1000');
  });
});

describe('documentation', () => {
  test('every property of the facts dataset has our documentation, and every flag/enum value a meaning', () => {
    const documented = schemaData.properties.filter((p) => p.facts);
    assert.equal(documented.length, 251);
    for (const p of documented) {
      const doc = propertyDocs[p.name];
      assert.ok(doc && doc.summary.length > 40, `${p.name} has no summary`);
      for (const v of catalog.valueOptions(p)) assert.ok(v.meaning, `${p.name}: ${v.name} has no meaning`);
    }
  });

  test('no documentation for a name the catalog does not know', () => {
    for (const name of Object.keys(propertyDocs)) assert.ok(catalog.property(name), name);
  });
});

describe('the generator, run against MBSchema.xml', { skip: noSchema }, () => {
  const text = haveSchema ? readFileSync(schemaFile!, 'utf8') : '';

  test('the committed data module is exactly what the generator produces', async () => {
    const fresh = render(await generate(schemaFile!, path.join(shared!, 'facts')));
    const committed = readFileSync(path.join(repoRoot, 'server', 'src', 'data', 'schemaData.generated.ts'), 'utf8');
    assert.ok(fresh === committed, 'schemaData.generated.ts is out of date: run npm run generate');
  });

  test('every <Property InternalName ID Type> of the file is in the catalog with the same ID and type', () => {
    const defs = [...text.matchAll(/<Property\s+InternalName\s*="([^"]+)"\s+ID="(\d+)"\s+Type="(\w+)"/g)];
    assert.equal(defs.length, 507);
    for (const [, name, id, type] of defs) {
      const p = catalog.property(name);
      assert.ok(p, name);
      assert.deepEqual([p.id, p.type], [Number(id), type], name);
    }
  });

  test('memberships: 1,674 InheritsPropertiesFrom lines, each reflected in the property key types', () => {
    let count = 0;
    let collection = '';
    const seen = new Set<string>();
    for (const lineText of text.split('\n')) {
      const c = /<Collection\s+InternalName\s*="([^"]+)"/.exec(lineText);
      if (c) collection = c[1];
      const m = /InheritsPropertiesFrom\s*="IIsConfigObject:([^"]+)"/.exec(lineText);
      if (!m) continue;
      count++;
      seen.add(`${collection}:${m[1]}`);
      assert.ok(catalog.property(m[1])?.keyTypes.includes(collection), `${collection} holds ${m[1]}`);
    }
    assert.equal(count, 1674);
    const total = schemaData.properties.filter((p) => !p.facts?.status?.includes('notInSchema')).reduce((n, p) => n + p.keyTypes.length, 0);
    assert.equal(total, seen.size, 'no membership invented, none lost (duplicates in the file counted once)');
  });

  test('the same loader reads a user schema with an extra property and key type', async () => {
    const ext = await loadMBSchema(
      text.replace(
        '</DatabaseMeta>',
        '<Collection InternalName ="AcmeKey" ContainerClassList="IIsObject"><Property InternalName ="AcmeTimeout" ID="60001" Type="DWORD" UserType="IIS_MD_UT_SERVER" Attributes="INHERIT" DefaultValue="5" EndingNumber="10"/></Collection></DatabaseMeta>',
      ),
    );
    const extended = catalog.withExtension(ext);
    assert.deepEqual([extended.property('AcmeTimeout')?.max, extended.property('AcmeTimeout')?.keyTypes], [10, ['AcmeKey']]);
    assert.ok(extended.isKnownKeyType('AcmeKey'));
    assert.equal(catalog.property('AcmeTimeout'), undefined, 'the bundled catalog is unchanged');
  });
});

test('the loader rejects a file that is not an MBSchema.xml', async () => {
  await assert.rejects(loadMBSchema('<configuration/>'), /not an MBSchema\.xml/);
  await assert.rejects(loadMBSchema('<MetaData><DatabaseMeta>'), Error);
});

test('the loader never expands a DTD entity (billion laughs) and rejects binary junk', async () => {
  const lol = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
  const laughs = `<?xml version="1.0"?><!DOCTYPE MetaData [${lol}]><MetaData><DatabaseMeta InternalName="&l9;"/></MetaData>`;
  await assert.rejects(loadMBSchema(laughs), /entity/i);
  await assert.rejects(loadMBSchema('\u0000\u0001\u0002MZ\u0090'), Error);
});
