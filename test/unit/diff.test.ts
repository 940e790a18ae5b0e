/**
 * `iis6-metabase diff`: what changed between two metabases, compared as IIS reads them (keys by
 * Location, values by meaning), on pairs of realistic files; the text, JSON and adsutil outputs;
 * and the real files of the research folder against edited copies of themselves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import type { Diagnostic } from 'vscode-languageserver-types';
import { diffDocuments, type MetabaseChange } from '../../server/src/features/diff';
import type { MetabaseDocument } from '../../server/src/metabaseDocument';
import { generateMetabase } from '../../bench/gen-metabase';
import { scatterEdits } from '../../bench/diff';
import { adsutilScript, adsutilPath, diffText } from '../../server/src/features/diffOutput';
import { fixturesDir, metabase, realWorld, service } from '../helpers';
import { findSharedDir } from '../../scripts/sharedDir';

const SECRET = 'Tango-Pa55-7731';
const OTHER_SECRET = 'Uniform-Pa55-9902';

/** A small server in IIS's layout: the service, one pool, one site with its root and a folder. */
function server(o: { pool2?: boolean; appPool?: string; maxProcesses?: string; bindings?: string; auth?: string; secret?: string; folder?: boolean } = {}): string {
  return metabase(
    [
      `<IIsWebService\tLocation ="/LM/W3SVC"\n\t\tAuthFlags="${o.auth ?? 'AuthAnonymous | AuthNTLM'}"\n\t\tIIs5IsolationModeEnabled="FALSE"\n\t\tWAMUserPass="${o.secret ?? SECRET}"\n\t>\n</IIsWebService>`,
      `<IIsApplicationPools\tLocation ="/LM/W3SVC/AppPools"\n\t>\n</IIsApplicationPools>`,
      `<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/DefaultAppPool"\n\t\tMaxProcesses="${o.maxProcesses ?? '1'}"\n\t>\n</IIsApplicationPool>`,
      o.pool2 ? `<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/ShopPool"\n\t\tAppPoolIdentityType="2"\n\t>\n</IIsApplicationPool>` : '',
      `<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerAutoStart="TRUE"\n\t\tServerBindings="${o.bindings ?? ':80:'}"\n\t\tServerComment="Shop"\n\t>\n</IIsWebServer>`,
      `<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"\n\t\tAppIsolated="2"\n\t\tAppPoolId="${o.appPool ?? 'DefaultAppPool'}"\n\t\tAppRoot="/LM/W3SVC/1/ROOT"\n\t\tPath="C:\\Inetpub\\wwwroot"\n\t>\n</IIsWebVirtualDir>`,
      o.folder === false ? '' : `<IIsWebDirectory\tLocation ="/LM/W3SVC/1/ROOT/images"\n\t\tAccessFlags="AccessRead"\n\t>\n</IIsWebDirectory>`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

const ls = service();
const diffOf = (a: string, b: string) => ls.diffDocuments(ls.parse('file:///old/MetaBase.xml', 1, a), ls.parse('file:///new/MetaBase.xml', 1, b));
const brief = (changes: MetabaseChange[]) => changes.map((c) => [c.kind, c.location, c.property, c.old, c.new]);

describe('diff: what does not count', () => {
  const base = server();

  test('attribute order, indentation, CRLF or LF, a BOM, whitespace between keys: no change', () => {
    const reordered = base.replace('\t\tAuthFlags="AuthAnonymous | AuthNTLM"\n\t\tIIs5IsolationModeEnabled="FALSE"', '\t\tIIs5IsolationModeEnabled="FALSE"\n\t\tAuthFlags="AuthAnonymous | AuthNTLM"');
    const reindented = base.replace(/\n\t\t/g, '\n    ').replace(/\n\t>/g, '\n  >');
    for (const other of [reordered, reindented, base.replace(/\n/g, '\r\n'), '\ufeff' + base, base.replace(/<\/IIsWebServer>\n/, '</IIsWebServer>\n\n\n')]) {
      assert.deepEqual(diffOf(base, other).changes, []);
    }
  });

  test('keys in another order and a Location in another case: no change', () => {
    const keys = base.split(/(?=<IIs)/);
    const swapped = [keys[0], keys[1], keys[2], keys[4], keys[3], ...keys.slice(5)].join('').replace('/LM/W3SVC/1/ROOT/images', '/LM/W3SVC/1/Root/Images');
    assert.notEqual(swapped, base);
    assert.deepEqual(diffOf(base, swapped).changes, []);
  });

  test('values by meaning: TRUE and true, flags in another order or as the number, 060 and 60', () => {
    const same = base.replace('ServerAutoStart="TRUE"', 'ServerAutoStart="true"').replace('AuthFlags="AuthAnonymous | AuthNTLM"', 'AuthFlags="AuthNTLM|AuthAnonymous"').replace('MaxProcesses="1"', 'MaxProcesses="01"');
    assert.deepEqual(diffOf(base, same).changes, []);
    const numeric = base.replace('AuthFlags="AuthAnonymous | AuthNTLM"', 'AuthFlags="5"');
    assert.deepEqual(diffOf(base, numeric).changes, []);
    assert.deepEqual(brief(diffOf(base, base.replace('AuthFlags="AuthAnonymous | AuthNTLM"', 'AuthFlags="AuthNTLM"')).changes), [['property-changed', '/LM/W3SVC', 'AuthFlags', 'AuthAnonymous | AuthNTLM', 'AuthNTLM']]);
  });
});

describe('diff: what changed', () => {
  test('a pool added and assigned: the key, its properties, the AppPoolId, and where the application now runs', () => {
    const d = diffOf(server(), server({ pool2: true, appPool: 'ShopPool' }));
    assert.deepEqual(brief(d.changes), [
      ['key-added', '/LM/W3SVC/AppPools/ShopPool', null, null, null],
      ['property-added', '/LM/W3SVC/AppPools/ShopPool', 'AppPoolIdentityType', null, '2'],
      ['property-changed', '/LM/W3SVC/1/ROOT', 'AppPoolId', 'DefaultAppPool', 'ShopPool'],
    ]);
    assert.deepEqual(d.effects, ['/LM/W3SVC/1/ROOT moves from DefaultAppPool to ShopPool']);
    assert.deepEqual(d.newErrors, []);
    const added = d.changes[0]!;
    assert.equal(added.line, server({ pool2: true }).split('\n').findIndex((l) => l.includes('AppPools/ShopPool')) + 1);
  });

  test('an AppPoolId that names no pool: the new error is listed', () => {
    const d = diffOf(server(), server({ appPool: 'ShopPool' }));
    assert.deepEqual(d.newErrors.map((e) => [e.code, e.location]), [['apppool-not-found', '/LM/W3SVC/1/ROOT']]);
    assert.match(diffText(d, 'old.xml', 'new.xml'), /New errors in new\.xml:\n {2}new\.xml:\d+ apppool-not-found /);
  });

  test('a web garden and a removed key', () => {
    const d = diffOf(server(), server({ maxProcesses: '4', folder: false }));
    assert.deepEqual(brief(d.changes), [
      ['property-changed', '/LM/W3SVC/AppPools/DefaultAppPool', 'MaxProcesses', '1', '4'],
      ['key-removed', '/LM/W3SVC/1/ROOT/images', null, null, null],
    ]);
    assert.deepEqual(d.effects, ['DefaultAppPool becomes a web garden of 4 processes']);
    const removed = d.changes[1]!;
    assert.equal(removed.line, server().split('\n').findIndex((l) => l.includes('ROOT/images')) + 1, 'the line of a removal is in OLD');
  });

  test('a MULTISZ entry added: the list, shown entry by entry', () => {
    const d = diffOf(server(), server({ bindings: ':80:\n\t\t\t:8080:' }));
    assert.deepEqual(brief(d.changes), [['property-changed', '/LM/W3SVC/1', 'ServerBindings', [':80:'], [':80:', ':8080:']]]);
    assert.match(diffText(d, 'a', 'b'), /ServerBindings: {2}\(line \d+\)\n {8}\+ ":8080:"/);
  });

  test('a property removed', () => {
    const d = diffOf(server(), server().replace('\t\tServerAutoStart="TRUE"\n', ''));
    assert.deepEqual(brief(d.changes), [['property-removed', '/LM/W3SVC/1', 'ServerAutoStart', 'TRUE', null]]);
  });

  test('a secret changed: reported as secure, without either value, in every format', async () => {
    const a = server();
    const b = server({ secret: OTHER_SECRET });
    const d = diffOf(a, b);
    assert.deepEqual(d.changes.map((c) => [c.kind, c.property, c.secure, c.old, c.new]), [['property-changed', 'WAMUserPass', true, null, null]]);
    const dir = mkdtempSync(path.join(tmpdir(), 'iis6-diff-'));
    writeFileSync(path.join(dir, 'a.xml'), a);
    writeFileSync(path.join(dir, 'b.xml'), b);
    for (const format of ['text', 'json', 'adsutil']) {
      let out = '';
      const code = await runCli(['diff', path.join(dir, 'a.xml'), path.join(dir, 'b.xml'), '--format', format], (s) => (out += s), (s) => (out += s));
      assert.equal(code, 1);
      for (const s of [SECRET, OTHER_SECRET, SECRET.slice(0, 8), OTHER_SECRET.slice(0, 8)]) assert.ok(!out.includes(s), `${format} shows a secret`);
    }
  });
});

describe('diff: the CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iis6-diff-cli-'));
  const a = path.join(dir, 'old.xml');
  const b = path.join(dir, 'new.xml');
  writeFileSync(a, server());
  writeFileSync(b, server({ pool2: true, appPool: 'ShopPool', maxProcesses: '2' }));
  const cli = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const code = await runCli(args, (s) => (out += s + '\n'), (s) => (err += s + '\n'));
    return { code, out, err };
  };

  test('exit 0 without change, 1 with changes, 2 on a usage error', async () => {
    assert.equal((await cli('diff', a, a)).code, 0);
    assert.equal((await cli('diff', a, b)).code, 1);
    assert.equal((await cli('diff', a)).code, 2);
    assert.equal((await cli('diff', a, b, '--format', 'xml')).code, 2);
    assert.equal((await cli('diff', a, path.join(dir, 'nope.xml'))).code, 2);
  });

  test('--format json: the documented shape, line in NEW (OLD for removals)', async () => {
    const r = await cli('diff', a, b, '--format', 'json');
    const j = JSON.parse(r.out) as { old: string; new: string; changes: Array<Record<string, unknown>> };
    assert.equal(j.old, a);
    assert.equal(j.new, b);
    for (const c of j.changes) assert.deepEqual(Object.keys(c), ['kind', 'location', 'keyType', 'property', 'old', 'new', 'secure', 'line']);
    assert.deepEqual(j.changes.find((c) => c.property === 'AppPoolId'), { kind: 'property-changed', location: '/LM/W3SVC/1/ROOT', keyType: 'IIsWebVirtualDir', property: 'AppPoolId', old: 'DefaultAppPool', new: 'ShopPool', secure: false, line: server({ pool2: true }).split('\n').findIndex((l) => l.includes('AppPoolId=')) + 1 });
  });

  test('--format text: grouped by key, with what the changes do', async () => {
    const r = await cli('diff', a, b);
    assert.match(r.out, /: 4 changes in 3 keys\./);
    assert.match(r.out, /What changes:\n {2}DefaultAppPool becomes a web garden of 2 processes\n {2}\/LM\/W3SVC\/1\/ROOT moves from DefaultAppPool to ShopPool/);
    assert.match(r.out, /\+ \/LM\/W3SVC\/AppPools\/ShopPool \(IIsApplicationPool\), line \d+\n {4}\+ AppPoolIdentityType = "2"/);
  });
});

/** One line of the script, as the adsutil.vbs documentation gives the commands (cc781546). */
const ADSUTIL_LINE = /^cscript \/\/nologo %SystemDrive%\\Inetpub\\AdminScripts\\adsutil\.vbs (CREATE "[^"%]+" "IIs[A-Za-z]+"|SET "[^"%]+\/[A-Za-z0-9]+"( "([^"]|%%)*"|( "%IIS6_SECRET_\d+%"))+|DELETE "[^"%]+")$/;

describe('diff: the adsutil.vbs script', () => {
  test('every command line has the documented syntax; pools come before the AppPoolIds that name them; parents before children', () => {
    const d = diffOf(server({ folder: false }), server({ pool2: true, appPool: 'ShopPool' }).replace('</IIsWebDirectory>', '</IIsWebDirectory>\n<IIsWebDirectory\tLocation ="/LM/W3SVC/1/ROOT/images/thumbs"\n\t\tAccessFlags="AccessRead | AccessScript"\n\t>\n</IIsWebDirectory>'));
    const script = adsutilScript(d, { oldName: 'old.xml', newName: 'new.xml' });
    const lines = script.split('\r\n');
    assert.equal(lines[0], '@echo off');
    assert.match(lines[1]!, /^rem Applies the changes from old\.xml to new\.xml /);
    const commands = lines.filter((l) => l.startsWith('cscript'));
    for (const c of commands) assert.match(c, ADSUTIL_LINE);
    const at = (needle: string): number => commands.findIndex((c) => c.includes(needle));
    assert.ok(at('CREATE "W3SVC/AppPools/ShopPool"') < at('SET "W3SVC/1/ROOT/AppPoolId" "ShopPool"'));
    assert.ok(at('CREATE "W3SVC/1/ROOT/images" "IIsWebDirectory"') < at('CREATE "W3SVC/1/ROOT/images/thumbs"'));
    // Flags as the number adsutil.vbs takes: AccessRead (1) | AccessScript (512).
    assert.ok(commands.includes('cscript //nologo %SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs SET "W3SVC/1/ROOT/images/thumbs/AccessFlags" "513"'));
  });

  test('removed keys: only the topmost of a subtree, children before parents; removed properties', () => {
    const withThumbs = server().replace('</IIsWebDirectory>', '</IIsWebDirectory>\n<IIsWebDirectory\tLocation ="/LM/W3SVC/1/ROOT/images/thumbs"\n\t>\n</IIsWebDirectory>');
    const d = diffOf(withThumbs, server({ folder: false }).replace('\t\tServerAutoStart="TRUE"\n', ''));
    const commands = adsutilScript(d, { oldName: 'a', newName: 'b' }).split('\r\n').filter((l) => l.startsWith('cscript'));
    assert.deepEqual(
      commands.map((c) => c.slice(c.indexOf('.vbs ') + 5)),
      ['DELETE "W3SVC/1/ServerAutoStart"', 'DELETE "W3SVC/1/ROOT/images"'],
    );
  });

  test('a MULTISZ is one argument per entry; % is doubled so that cmd keeps it; a secret is asked for, never written', () => {
    const d = diffOf(server(), server({ bindings: ':80:\n\t\t\t:8080:www.example.com', secret: OTHER_SECRET }).replace('Path="C:\\Inetpub\\wwwroot"', 'Path="%SystemDrive%\\Inetpub\\shop"'));
    const script = adsutilScript(d, { oldName: 'a', newName: 'b' });
    assert.ok(script.includes('SET "W3SVC/1/ServerBindings" ":80:" ":8080:www.example.com"'));
    assert.ok(script.includes('SET "W3SVC/1/ROOT/Path" "%%SystemDrive%%\\Inetpub\\shop"'));
    assert.match(script, /set \/p "IIS6_SECRET_1=Value of WAMUserPass for W3SVC \(it is not shown in this script\): "/);
    assert.ok(script.includes('SET "W3SVC/WAMUserPass" "%IIS6_SECRET_1%"'));
    assert.ok(!script.includes(OTHER_SECRET) && !script.includes(SECRET));
  });

  test('paths: /LM/W3SVC/1/ROOT is W3SVC/1/ROOT; IIS_Global and / cannot be reached', () => {
    assert.equal(adsutilPath('/LM/W3SVC/1/ROOT'), 'W3SVC/1/ROOT');
    assert.equal(adsutilPath('/LM/W3SVC/'), 'W3SVC');
    assert.equal(adsutilPath('.'), undefined);
    assert.equal(adsutilPath('/'), undefined);
    assert.equal(adsutilPath('/LM'), undefined);
  });
});

describe('diff: real files against edited copies', () => {
  const names = [...new Set([...readdirSync(path.join(fixturesDir, 'realworld')), ...(findSharedDir() ? readdirSync(path.join(findSharedDir()!, 'realworld')) : [])])].filter((n) => n.endsWith('.xml') && !n.includes('mbschema'));
  for (const name of names) {
    test(name, () => {
      const text = realWorld(name)!;
      const doc = ls.parse('file:///a.xml', 1, text);
      assert.deepEqual(ls.diffDocuments(doc, ls.parse('file:///b.xml', 1, text.replace(/\r?\n/g, '\r\n'))).changes, [], 'CRLF only');
      // Edit the first key with a Location: a property added there is the one change.
      const key = doc.model.keys.find((k) => k.location.toLowerCase().startsWith('/lm/'));
      if (!key) return;
      const at = key.element.nameEnd;
      const edited = text.slice(0, at) + '\tServerComment="Edited"\n' + text.slice(at);
      const d = ls.diffDocuments(doc, ls.parse('file:///b.xml', 1, edited));
      const had = doc.model.get(key, 'ServerComment');
      assert.deepEqual(brief(d.changes.filter((c) => c.kind !== 'key-added')), had === undefined ? [['property-added', key.location, 'ServerComment', null, 'Edited']] : [], name);
    });
  }
});

describe('diff: new errors, with OLD validated for the rules that erred in NEW only', () => {
  // Generated servers with mistakes, and copies with edits scattered through them (the bench's).
  const pairs = [1, 2].map((seed) => {
    const before = generateMetabase({ sites: 40, seed, mistakes: 0.5 });
    return [before, scatterEdits(before, 30)] as const;
  });
  const fullValidation = (doc: MetabaseDocument): Diagnostic[] => ls.lint(doc);

  test('the same new errors as when both files are validated in full', () => {
    let found = 0;
    for (const [before, after] of pairs) {
      const oldDoc = ls.parse('file:///old.xml', 1, before);
      const newDoc = ls.parse('file:///new.xml', 1, after);
      const full = diffDocuments(oldDoc, newDoc, fullValidation).newErrors;
      found += full.length;
      assert.deepEqual(ls.diffDocuments(ls.parse('file:///old.xml', 1, before), ls.parse('file:///new.xml', 1, after)).newErrors, full);
    }
    assert.ok(found > 0, 'the edits make new errors');
  });

  test("a document compared stays as it was: its own validation is the same before, after, and fresh", () => {
    const [before, after] = pairs[0];
    const oldDoc = ls.parse('file:///old.xml', 1, before);
    const first = ls.doValidation(oldDoc);
    ls.diffDocuments(oldDoc, ls.parse('file:///new.xml', 1, after));
    assert.deepEqual(ls.doValidation(oldDoc), first);
    assert.deepEqual(ls.doValidation(ls.parse('file:///old.xml', 1, before)), first);
  });
});
