/**
 * `diff` on the real files (test/fixtures/realworld and, where it exists, ../shared/realworld; the
 * metabases, not the MBSchema) against copies edited here the way administrators and tools edit
 * them. What IIS reads the same way is no change (attributes in another order, another indentation,
 * CRLF or LF, a Location in another case); each real edit is exactly the change reported (a pool
 * added and assigned, a property removed, a MULTISZ entry added, a secret changed), and a secret's
 * values appear in none of the outputs. Some real files are fragments: an edit that a file cannot
 * take (no MULTISZ, no secure property) is skipped for it, and the last test checks that every
 * edit was made on at least one file.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { MetabaseChange } from '../../server/src/features/diff';
import { adsutilScript, diffText } from '../../server/src/features/diffOutput';
import { multiszEntries } from '../../server/src/model/iisValues';
import type { MetabaseKey } from '../../server/src/model/metabaseModel';
import { findSharedDir, fixturesDir, realWorld, service } from '../helpers';

const ls = service();
const parse = (text: string, name = 'b.xml') => ls.parse(`file:///${name}`, 1, text);
const brief = (changes: MetabaseChange[]) => changes.map((c) => [c.kind, c.location.toLowerCase(), c.property, c.old, c.new, c.secure]);

const names = [...new Set([...readdirSync(path.join(fixturesDir, 'realworld')), ...(findSharedDir() ? readdirSync(path.join(findSharedDir()!, 'realworld')) : [])])].filter((n) => n.endsWith('.xml') && !n.toLowerCase().includes('mbschema'));

/** A start tag whose attributes are all well formed (`name="value"`), with what separates them. */
const START_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))+)(\s*)(\/?)>/g;
const ATTRIBUTE = /[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*')/g;

/** Rewrites every well-formed start tag: its attributes (as written) through `order`, joined by `separator`. */
function rewriteTags(text: string, order: (attrs: string[]) => string[], separator: string): string {
  return text.replace(START_TAG, (_m, tag: string, attrs: string, space: string, slash: string) => `<${tag}${separator}${order(attrs.match(ATTRIBUTE) ?? []).join(separator)}${space}${slash}>`);
}

const eol = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

/** Keys with a Location below /LM (adsutil.vbs reaches them; the edits are made there). */
const lmKeys = (text: string): MetabaseKey[] => parse(text).model.keys.filter((k) => k.location.toLowerCase().startsWith('/lm/'));

const made = new Set<string>();

describe('diff: real files, what IIS reads the same way is no change', () => {
  for (const name of names) {
    test(name, () => {
      const text = realWorld(name)!;
      const old = parse(text, 'a.xml');
      const nl = eol(text);
      const same = {
        'attributes in reverse order': rewriteTags(text, (a) => [...a].reverse(), `${nl}\t\t`),
        're-indented (two spaces, attributes on one line)': rewriteTags(text, (a) => a, ' ').replace(/^\t+</gm, '  <'),
        'CRLF line ends': text.replace(/\r?\n/g, '\r\n'),
        'Locations in upper case': text.replace(/(\sLocation\s*=\s*")([^"]*)"/g, (_m, head: string, loc: string) => `${head}${loc.toUpperCase()}"`),
      };
      for (const [what, edited] of Object.entries(same)) {
        if (edited === text) continue;
        made.add(what);
        assert.deepEqual(brief(ls.diffDocuments(old, parse(edited)).changes), [], `${name}: ${what}`);
      }
      // And back: a CRLF copy against an LF one.
      const crlf = parse(text.replace(/\r?\n/g, '\r\n'), 'a.xml');
      assert.deepEqual(brief(ls.diffDocuments(crlf, parse(text.replace(/\r\n/g, '\n'))).changes), [], `${name}: CRLF to LF`);
      made.add('LF line ends');
    });
  }
});

describe('diff: real files, each edit is the one change', () => {
  for (const name of names) {
    test(name, () => {
      const text = realWorld(name)!;
      const old = parse(text, 'a.xml');
      const nl = eol(text);
      const keys = lmKeys(text);
      if (keys.length === 0) return;

      // A pool added (before the first key) and assigned to the first application or site.
      const site = keys.find((k) => /^IIsWeb(VirtualDir|Server)$/.test(k.keyType));
      if (site) {
        const pool = `<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/DiffTestPool"${nl}\t\tAppPoolIdentityType="2"${nl}\t>${nl}</IIsApplicationPool>${nl}`;
        const had = old.model.get(site, 'AppPoolId');
        let edited: string;
        if (had === undefined) {
          edited = text.slice(0, site.element.nameEnd) + `${nl}\t\tAppPoolId="DiffTestPool"` + text.slice(site.element.nameEnd);
        } else {
          const entry = old.model.propertyEntries(site).find((e) => e.name === 'AppPoolId')!;
          const at = site.element.start + entry.attr.valueStart;
          edited = text.slice(0, at) + 'DiffTestPool' + text.slice(site.element.start + entry.attr.valueEnd);
        }
        const first = keys[0]!.element.start;
        edited = edited.slice(0, first) + pool + edited.slice(first);
        const d = ls.diffDocuments(old, parse(edited));
        assert.deepEqual(
          brief(d.changes),
          [
            ['key-added', '/lm/w3svc/apppools/difftestpool', null, null, null, false],
            ['property-added', '/lm/w3svc/apppools/difftestpool', 'AppPoolIdentityType', null, '2', false],
            [had === undefined ? 'property-added' : 'property-changed', site.location.toLowerCase(), 'AppPoolId', had ?? null, 'DiffTestPool', false],
          ],
          name,
        );
        made.add('pool added and assigned');
        // The script creates the pool before the AppPoolId that names it.
        const commands = adsutilScript(d, { oldName: 'a', newName: 'b' }).split('\r\n').filter((l) => l.startsWith('cscript'));
        const create = commands.findIndex((c) => c.includes('CREATE "W3SVC/AppPools/DiffTestPool" "IIsApplicationPool"'));
        const assign = commands.findIndex((c) => c.endsWith('/AppPoolId" "DiffTestPool"'));
        assert.ok(create >= 0 && assign > create, `${name}: ${commands.join('\n')}`);
      }

      // A property removed: the first one of the first key that has one (not a secure one).
      const withProps = keys.find((k) => old.model.propertyEntries(k).some((e) => !e.prop?.secure));
      if (withProps) {
        const entry = old.model.propertyEntries(withProps).find((e) => !e.prop?.secure)!;
        const start = withProps.element.start + entry.attr.nameStart;
        const end = entry.attr.valueEnd >= 0 ? withProps.element.start + entry.attr.valueEnd + 1 : withProps.element.start + entry.attr.nameEnd;
        const edited = text.slice(0, start) + text.slice(end);
        const d = ls.diffDocuments(old, parse(edited));
        assert.deepEqual(
          d.changes.map((c) => [c.kind, c.location, c.property]),
          [['property-removed', withProps.location, entry.name]],
          name,
        );
        assert.equal(d.changes[0]!.line, old.lines.positionAt(start).line + 1, 'the line of a removal is in OLD');
        made.add('property removed');
      }

      // A MULTISZ entry added at the end of the first list.
      const list = keys.flatMap((k) => old.model.propertyEntries(k).filter((e) => e.prop?.type === 'MULTISZ' && !e.prop.secure && e.hasValue).map((e) => ({ k, e })))[0];
      if (list) {
        const entries = multiszEntries(list.e.value).map((x) => x.text);
        const at = list.k.element.start + list.e.attr.valueEnd;
        const edited = text.slice(0, at) + (entries.length > 0 ? `${nl}\t\t\tdiff-test-entry` : 'diff-test-entry') + text.slice(at);
        const d = ls.diffDocuments(old, parse(edited));
        assert.deepEqual(brief(d.changes), [['property-changed', list.k.location.toLowerCase(), list.e.name, entries, [...entries, 'diff-test-entry'], false]], name);
        assert.match(diffText(d, 'a', 'b'), /\n {8}\+ "diff-test-entry"/);
        made.add('MULTISZ entry added');
      }

      // A secret changed: reported as secure, and neither value is in any output.
      const secret = keys.flatMap((k) => old.model.propertyEntries(k).filter((e) => e.prop?.secure && e.hasValue && e.value.length >= 8).map((e) => ({ k, e })))[0];
      if (secret) {
        const before = secret.e.value;
        const after = before.slice(0, -8) + (before.endsWith('00000000') ? '11111111' : '00000000');
        const start = secret.k.element.start + secret.e.attr.valueStart;
        const edited = text.slice(0, start) + after + text.slice(secret.k.element.start + secret.e.attr.valueEnd);
        const d = ls.diffDocuments(old, parse(edited));
        assert.deepEqual(brief(d.changes), [['property-changed', secret.k.location.toLowerCase(), secret.e.name, null, null, true]], name);
        const outputs = [diffText(d, 'a', 'b'), adsutilScript(d, { oldName: 'a', newName: 'b' }), JSON.stringify(d)];
        for (const out of outputs) for (const v of [before, after, before.slice(-16), after.slice(-16)]) assert.ok(!out.includes(v), `${name}: a secret value is shown`);
        made.add('secret changed');
      }
    });
  }
});

test('diff: every edit was made on at least one real file', () => {
  assert.deepEqual([...made].sort(), [
    'CRLF line ends',
    'LF line ends',
    'Locations in upper case',
    'MULTISZ entry added',
    'attributes in reverse order',
    'pool added and assigned',
    'property removed',
    're-indented (two spaces, attributes on one line)',
    'secret changed',
  ]);
});
