/**
 * Document rules that declare what they read (Rule.reads) keep their findings across edits that
 * change nothing they read. These tests check the declarations against what the rules really look
 * up, and that editing any property of the fixtures, read or not, still gives exactly the
 * diagnostics of a fresh parse.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { MetabaseModel } from '../../server/src/model/metabaseModel';
import type { MetabaseDocument } from '../../server/src/metabaseDocument';
import { NameTable, XmlElement } from '../../server/src/parser/xmlTypes';
import { allRules } from '../../server/src/rules/registry';
import type { Rule } from '../../server/src/rules/ruleTypes';
import { fixturesDir, metabase, repoRoot, service } from '../helpers';
import { generateMetabase } from '../../bench/gen-metabase';

const FILES = [
  path.join(repoRoot, 'examples', 'MetaBase.xml'),
  ...readdirSync(path.join(fixturesDir, 'misconfigs'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => path.join(fixturesDir, 'misconfigs', f)),
  ...readdirSync(path.join(fixturesDir, 'realworld'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => path.join(fixturesDir, 'realworld', f)),
];

const DECLARING = allRules.filter((r) => r.check && r.reads);

/** Runs `rule` alone on a fresh parse of `text` and returns the property names it looked up. */
function namesLookedUp(rule: Rule, text: string): Set<string> {
  const others = Object.fromEntries(allRules.filter((r) => r !== rule && r.check).map((r) => [r.meta.id, 'off' as const]));
  const ls = service({ rules: others, maxDiagnostics: 100000 });
  const seen = new Set<string>();
  let recording = false;
  const proto = XmlElement.prototype;
  const attributes = Object.getOwnPropertyDescriptor(proto, 'attributes')!;
  const model = MetabaseModel.prototype;
  const { keysWith, propertyEntries, properties, customs } = model;
  const check = rule.check!;
  // Every lookup of an attribute by name asks the name table for the name's id first
  // (attributeIndex, findAttr, the model's inherited lookups), also for names no file has.
  const idOf = NameTable.prototype.idOf;
  NameTable.prototype.idOf = function (this: NameTable, name: string) {
    if (recording) seen.add(name);
    return idOf.call(this, name);
  };
  Object.defineProperty(proto, 'attributes', {
    configurable: true,
    get(this: XmlElement) {
      if (recording) seen.add('*every attribute*');
      return attributes.get!.call(this);
    },
  });
  model.keysWith = function (this: MetabaseModel, name) {
    if (recording) seen.add(name);
    return keysWith.call(this, name);
  };
  const every = <F extends (...a: never[]) => unknown>(f: F): F =>
    function (this: MetabaseModel, ...a: Parameters<F>) {
      if (recording) seen.add('*every attribute*');
      return f.apply(this, a);
    } as F;
  model.propertyEntries = every(propertyEntries);
  model.properties = every(properties);
  model.customs = every(customs);
  rule.check = (ctx) => {
    // The isolation mode is part of the validation context: a change of it drops every finding.
    ctx.model.isolationMode();
    recording = true;
    try {
      check.call(rule, ctx);
    } finally {
      recording = false;
    }
  };
  try {
    ls.doValidation(ls.parse('file:///t/MetaBase.xml', 1, text));
  } finally {
    NameTable.prototype.idOf = idOf;
    Object.defineProperty(proto, 'attributes', attributes);
    Object.assign(model, { keysWith, propertyEntries, properties, customs });
    rule.check = check;
  }
  return seen;
}

describe('document rules read only what they declare', () => {
  test('the declaring rules cover the expensive ones', () => {
    const ids = DECLARING.map((r) => r.meta.id);
    for (const id of ['apppool-not-found', 'aspnet-version-conflict', 'web-garden-session-state', 'kerberos-spn-needed', 'default-doc-missing', 'duplicate-server-binding', 'invalid-parent']) {
      assert.ok(ids.includes(id), `${id} declares what it reads`);
    }
  });

  for (const rule of DECLARING) {
    test(rule.meta.id, () => {
      const looked = new Set<string>();
      for (const file of FILES) for (const name of namesLookedUp(rule, readFileSync(file, 'utf8'))) looked.add(name);
      // Location: a change of any Location drops every document rule's findings.
      const undeclared = [...looked].filter((n) => n !== 'Location' && !rule.reads!.includes(n));
      assert.deepEqual(undeclared, [], `${rule.meta.id} looks up ${undeclared.join(', ')} without declaring it`);
    });
  }
});

/** A different value of the same kind: the other boolean, another number, or one more character. */
function otherValue(value: string, n: number): string {
  if (/^(true|false)$/i.test(value)) return /^true$/i.test(value) ? 'FALSE' : 'TRUE';
  if (/^\d+$/.test(value)) return String([0, 1, 3, 2, 4294967295][n % 5] === Number(value) ? Number(value) + 7 : [0, 1, 3, 2, 4294967295][n % 5]);
  return n % 3 === 0 ? '' : value + (n % 2 === 0 ? 'x' : '\\');
}

function replace(doc: MetabaseDocument, start: number, end: number, text: string): MetabaseDocument {
  const range = { start: doc.lines.positionAt(start), end: doc.lines.positionAt(end) };
  return doc.update(doc.version + 1, [{ range, text }]);
}

describe('editing any property validates like a fresh parse', () => {
  const ls = service({ maxDiagnostics: 100000 });
  for (const file of FILES) {
    test(path.basename(file), () => {
      const base = readFileSync(file, 'utf8');
      let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
      ls.doValidation(doc);
      // Every quoted value after the document skeleton, one after the other on the same
      // document: changed, validated, changed back, validated.
      const from = Math.max(0, base.indexOf('<MBProperty>'));
      const values = [...base.matchAll(/\s([A-Za-z0-9]+)\s*=\s*"([^"<]*)"/g)].filter((m) => m.index! > from);
      assert.ok(values.length > 0);
      let n = 0;
      let reused = 0;
      for (const m of values) {
        const start = m.index! + m[0].length - 1 - m[2].length;
        const value = doc.text.slice(start, start + m[2].length);
        const next = otherValue(value, n++);
        for (const [text, len] of [
          [next, value.length],
          [value, next.length],
        ] as const) {
          doc = replace(doc, start, start + len, text);
          const fresh = ls.parse('file:///t/MetaBase.xml', doc.version, doc.text);
          assert.deepEqual(ls.doValidation(doc), ls.doValidation(fresh), `${m[1]}="${value}" -> "${text}"`);
          if (doc.lastUpdate?.incremental) reused++;
        }
      }
      assert.equal(doc.text, base);
      assert.ok(reused > 0, 'some updates were incremental');
    });
  }
});

describe('findings that name a line follow line breaks', () => {
  test('duplicate-location names the line of the first key, also after a line is added above it', () => {
    const ls = service();
    const text = metabase('<IIsWebService\tLocation ="/LM/W3SVC"\n\tServerComment="a"\n>\n</IIsWebService>\n<IIsWebServer\tLocation ="/LM/W3SVC/1"\n>\n</IIsWebServer>\n<IIsWebServer\tLocation ="/LM/W3SVC/1"\n>\n</IIsWebServer>');
    let doc = ls.parse('file:///t/MetaBase.xml', 1, text);
    const lineIn = (d: MetabaseDocument): string => ls.doValidation(d).find((x) => x.code === 'duplicate-location')!.message.toString().match(/line (\d+)/)![1];
    assert.equal(lineIn(doc), '8');
    const at = doc.text.indexOf('ServerComment="a') + 'ServerComment="a'.length;
    doc = replace(doc, at, at, '\r\nb');
    assert.equal(doc.lastUpdate?.incremental, true);
    assert.equal(lineIn(doc), '9');
  });
});

describe('findings are reused when nothing a rule reads changed', () => {
  test('typing in a Path runs no pool or binding rule again, typing in an AppPoolId does', () => {
    const counted = ['apppool-not-found', 'duplicate-server-binding'].map((id) => allRules.find((r) => r.meta.id === id)!);
    const calls = new Map<string, number>();
    const originals = counted.map((r) => r.check!);
    counted.forEach((r, i) => {
      r.check = (ctx) => {
        calls.set(r.meta.id, (calls.get(r.meta.id) ?? 0) + 1);
        originals[i].call(r, ctx);
      };
    });
    try {
      const ls = service();
      let doc = ls.parse('file:///t/MetaBase.xml', 1, readFileSync(path.join(fixturesDir, 'misconfigs', '03-apppool-missing.xml'), 'utf8'));
      const before = ls.doValidation(doc);
      assert.ok(before.some((d) => d.code === 'apppool-not-found'));
      assert.deepEqual(Object.fromEntries(calls), { 'apppool-not-found': 1, 'duplicate-server-binding': 1 });
      const path1 = doc.text.indexOf('Path="') + 'Path="'.length;
      doc = replace(doc, path1, path1, 'x');
      assert.deepEqual(ls.doValidation(doc), ls.doValidation(ls.parse('file:///t/MetaBase.xml', 3, doc.text)));
      // (The fresh parse above ran both rules once more.)
      assert.deepEqual(Object.fromEntries(calls), { 'apppool-not-found': 2, 'duplicate-server-binding': 2 });
      const pool = doc.text.indexOf('AppPoolId="') + 'AppPoolId="'.length;
      doc = replace(doc, pool, pool, 'x');
      ls.doValidation(doc);
      assert.deepEqual(Object.fromEntries(calls), { 'apppool-not-found': 3, 'duplicate-server-binding': 2 });
    } finally {
      counted.forEach((r, i) => (r.check = originals[i]));
    }
  });
});

describe('the cap on diagnostics', () => {
  // 40 generated sites (bench/), half of them with a mistake: findings on many keys, from key
  // rules and document rules.
  const text = generateMetabase({ sites: 40, seed: 3, mistakes: 0.5 });
  const cases: Array<[string, string, Record<string, 'off'>]> = [
    ['every rule on', text, {}],
    ['a rule turned off', text, { 'invalid-value': 'off' }],
    ['a suppression comment', text.replace('<MBProperty>', '<MBProperty>\n<!-- iis6-metabase-disable approot-mismatch -->'), {}],
  ];
  for (const [name, doc, rules] of cases) {
    test(`shows the first ones in order and counts the rest: ${name}`, () => {
      const all = service({ rules, maxDiagnostics: 100000 });
      const full = all.validate(all.parse('file:///t/MetaBase.xml', 1, doc));
      assert.ok(full.diagnostics.length > 20, `${full.diagnostics.length} diagnostics`);
      for (let max = 1; max < full.diagnostics.length; max += 3) {
        const capped = service({ rules, maxDiagnostics: max });
        const cut = capped.validate(capped.parse('file:///t/MetaBase.xml', 1, doc));
        assert.deepEqual(cut.diagnostics, full.diagnostics.slice(0, max), `cap ${max}`);
        assert.equal(cut.truncated, full.diagnostics.length - max, `cap ${max}`);
      }
    });
  }
});

describe('Location edits validate like a fresh parse', () => {
  // Generated sites (bench/) with pools, applications, web gardens, domain identities and
  // mistakes: characters typed into and deleted from Locations at random, which moves keys
  // as leaves, moves applications and sites, and makes paths that no key or several keys hold;
  // every fourth edit is in an AppPoolId (applications change pools).
  for (const seed of [5, 8]) {
    test(`60 sites, seed ${seed}`, () => {
      const ls = service({ maxDiagnostics: 100000 });
      const base = generateMetabase({ sites: 60, seed, mistakes: 0.3 });
      let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
      ls.doValidation(doc);
      const runs = new Map<string, number>();
      const counted = allRules.filter((r) => r.check && r.reads && r.reads.length > 0);
      const originals = counted.map((r) => r.check!);
      counted.forEach((r, i) => {
        r.check = (ctx) => {
          runs.set(r.meta.id, (runs.get(r.meta.id) ?? 0) + 1);
          originals[i].call(r, ctx);
        };
      });
      let n = 0;
      let leafEdits = 0;
      let skipped = 0;
      try {
        let state = seed;
        const rnd = (k: number): number => {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          return state % k;
        };
        for (let i = 0; i < 160; i++) {
          const values = [...doc.text.matchAll(i % 4 === 3 ? /AppPoolId\s*=\s*"([^"<]*)"/g : /Location\s*=\s*"([^"<]*)"/g)];
          const m = values[rnd(values.length)];
          const start = m.index! + m[0].length - 1 - m[1].length;
          const at = start + rnd(m[1].length + 1);
          const key = doc.model.keyAtOffset(at);
          const leaf = i % 4 !== 3 && !!key && key.children.length === 0 && !/IIsWebServer|IIsApplicationPool/.test(key.keyType) && key.element.attributeIndex('AppRoot') < 0;
          const insert = ['x', '/', '/y', ''][rnd(4)];
          const end = insert === '' ? Math.min(start + m[1].length, at + 1) : at;
          doc = replace(doc, at, end, insert);
          runs.clear();
          const incremental = ls.doValidation(doc);
          const ran = runs.size;
          const freshDoc = ls.parse('file:///t/MetaBase.xml', doc.version, doc.text);
          const fresh = ls.doValidation(freshDoc);
          assert.deepEqual(incremental, fresh, `edit ${i}: "${m[1]}" at ${at - start}: "${insert}"`);
          // The applications by pool, kept up to date across edits, in the order a fresh parse gives.
          const byPool = (d: MetabaseDocument): Array<[string, string[]]> => [...d.model.applicationsByPool()].map(([id, apps]) => [id, apps.map((a) => a.location)]);
          assert.deepEqual(byPool(doc), byPool(freshDoc), `edit ${i}: applications by pool`);
          n++;
          if (leaf) {
            leafEdits++;
            if (ran === 0) skipped++;
          }
        }
      } finally {
        counted.forEach((r, i) => (r.check = originals[i]));
      }
      assert.equal(n, 160);
      // Keys without keys below them that are not sites, pools or applications moved by most of
      // these edits: no document rule that reads properties ran again for them.
      assert.ok(leafEdits > 20, `${leafEdits} edits of leaf keys`);
      assert.ok(skipped > leafEdits / 2, `${skipped} of ${leafEdits} leaf edits ran no property-reading document rule`);
    });
  }
});

describe('a key moved as a leaf', () => {
  test('moved below a key that may not contain it: invalid-parent reports it at once', () => {
    const ls = service();
    const text = metabase(
      '<IIsWebService\tLocation ="/LM/W3SVC"\n>\n</IIsWebService>\n' +
        '<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\tServerBindings=":80:"\n>\n</IIsWebServer>\n' +
        '<IIsFilters\tLocation ="/LM/W3SVC/1/Filters"\n>\n</IIsFilters>\n' +
        '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"\n\tAppRoot="/LM/W3SVC/1/ROOT"\n\tPath="C:\\Inetpub\\wwwroot"\n>\n</IIsWebVirtualDir>\n' +
        '<IIsWebFile\tLocation ="/LM/W3SVC/1/ROOT/a.asp"\n\tAuthFlags="AuthNTLM"\n>\n</IIsWebFile>',
    );
    let doc = ls.parse('file:///t/MetaBase.xml', 1, text);
    assert.ok(!ls.doValidation(doc).some((d) => d.code === 'invalid-parent'));
    const at = doc.text.indexOf('/ROOT/a.asp"');
    doc = replace(doc, at, at + '/ROOT'.length, '/Filters');
    const after = ls.doValidation(doc);
    assert.deepEqual(after, ls.doValidation(ls.parse('file:///t/MetaBase.xml', doc.version, doc.text)));
    assert.ok(after.some((d) => d.code === 'invalid-parent' && (d.data as { location: string }).location === '/LM/W3SVC/1/Filters/a.asp'), JSON.stringify(after.map((d) => d.code)));
  });
});

describe('the cap on diagnostics after edits', () => {
  test('typing in values, Locations and AppPoolIds: the same diagnostics shown and the same count left out as a fresh parse', () => {
    const ls = service({ maxDiagnostics: 40 });
    const base = generateMetabase({ sites: 40, seed: 11, mistakes: 0.5 });
    let doc = ls.parse('file:///t/MetaBase.xml', 1, base);
    ls.validate(doc);
    let state = 11;
    const rnd = (k: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % k;
    };
    let truncatedSeen = 0;
    for (let i = 0; i < 120; i++) {
      const values = [...doc.text.matchAll(/\s(Location|AppPoolId|AccessFlags|ServerComment|Path|AuthFlags)\s*=\s*"([^"<]*)"/g)];
      const m = values[rnd(values.length)];
      const start = m.index! + m[0].length - 1 - m[2].length;
      const at = start + rnd(m[2].length + 1);
      const insert = ['x', '', '/', ' | AccessExecute'][rnd(4)];
      doc = replace(doc, at, insert === '' ? Math.min(start + m[2].length, at + 1) : at, insert);
      const incremental = ls.validate(doc);
      const fresh = ls.validate(ls.parse('file:///t/MetaBase.xml', doc.version, doc.text));
      assert.deepEqual(incremental, fresh, `edit ${i}`);
      if (fresh.truncated > 0) truncatedSeen++;
    }
    assert.ok(truncatedSeen > 100, `${truncatedSeen} versions had diagnostics left out`);
  });
});
