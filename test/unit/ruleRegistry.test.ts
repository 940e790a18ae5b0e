import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { renderRuleDocs } from '../../scripts/generate-rule-docs';
import { FIXABLE_RULES } from '../../server/src/features/codeActions';
import { allRules, ruleById } from '../../server/src/rules/registry';
import { repoRoot } from '../helpers';

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
