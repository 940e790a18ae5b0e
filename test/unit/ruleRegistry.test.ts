import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { renderRuleDocs } from '../../scripts/generate-rule-docs';
import { FIXABLE_RULES } from '../../server/src/features/codeActions';
import { allRules, ruleById } from '../../server/src/rules/registry';
import { generateMetabase } from '../../bench/gen-metabase';
import { validate } from '../../server/src/features/validation';
import { fixturesDir, repoRoot, service } from '../helpers';

test('rule ids are unique kebab-case, each rule has a description and at least one source', () => {
  assert.equal(ruleById.size, allRules.length);
  for (const r of allRules) {
    assert.match(r.meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, r.meta.id);
    assert.ok(r.meta.description.length > 20, r.meta.id);
    assert.ok(r.meta.sources.length > 0, `${r.meta.id} has no source`);
  }
});

test('every quick fix belongs to a rule', () => {
  for (const id of FIXABLE_RULES) assert.ok(ruleById.has(id), id);
});

test('docs/rules.md is generated from the registry and up to date', () => {
  assert.ok(readFileSync(path.join(repoRoot, 'docs', 'rules.md'), 'utf8') === renderRuleDocs(), 'run npm run generate');
});

describe('key rules skip only keys they find nothing on (Rule.needs)', () => {
  const files = [
    path.join(repoRoot, 'examples', 'MetaBase.xml'),
    ...readdirSync(path.join(fixturesDir, 'misconfigs')).filter((f) => f.endsWith('.xml')).map((f) => path.join(fixturesDir, 'misconfigs', f)),
    ...readdirSync(path.join(fixturesDir, 'realworld')).filter((f) => f.endsWith('.xml')).map((f) => path.join(fixturesDir, 'realworld', f)),
  ];
  const texts: Array<[string, string]> = [
    ...files.map((f): [string, string] => [path.basename(f), readFileSync(f, 'utf8')]),
    ...[1, 2, 3].map((seed): [string, string] => [`generated, seed ${seed}`, generateMetabase({ sites: 30, seed, mistakes: 0.8 })]),
  ];
  test('the filtered rules are the ones that declare filters', () => {
    const filtered = allRules.filter((r) => r.keyTypes || r.needs).map((r) => r.meta.id);
    assert.ok(filtered.length >= 15, filtered.join(', '));
    for (const r of allRules) if (r.keyTypes || r.needs) assert.ok(r.checkKey, `${r.meta.id} has a key part`);
  });
  for (const [name, text] of texts) {
    test(`the same diagnostics with and without the filters: ${name}`, () => {
      const ls = service();
      const settings = { maxDiagnostics: 100000 };
      const withFilters = validate(ls.parse('file:///t/MetaBase.xml', 1, text), settings);
      const everyKey = validate(ls.parse('file:///t/MetaBase.xml', 1, text), settings, { checkEveryKey: true });
      assert.deepEqual(withFilters.diagnostics, everyKey.diagnostics);
      assert.ok(withFilters.diagnostics.length > 0 || !name.startsWith('generated'));
    });

  }
});
