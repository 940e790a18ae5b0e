/**
 * What users read cites only what they can open: the rule registry's sources, docs/rules.md, the
 * SARIF log (its rules' sources travel in `properties.sources`), README, MARKETPLACE and the
 * comments of the server's source are public pages, never the project's private research notes
 * (a `shared/...` path, `misconfigs.md`, `process-rules.md`), which are not in the repository.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { allRules } from '../../server/src/rules/registry';
import { repoRoot } from '../helpers';

/** A citation of a file outside the repository (the research notes the rules were built from). */
const PRIVATE = /shared\/|misconfigs\.md|process-rules\.md/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function offending(text: string): string[] {
  return text.split('\n').filter((line) => PRIVATE.test(line));
}

describe('citations are public', () => {
  test('every rule source is a public http(s) address', () => {
    for (const r of allRules) {
      for (const s of r.meta.sources) {
        assert.match(s, /^https?:\/\/\S+( \(.+\))?$/, `${r.meta.id} cites ${JSON.stringify(s)}`);
        assert.doesNotMatch(s, PRIVATE, `${r.meta.id} cites ${JSON.stringify(s)}`);
      }
    }
  });

  for (const doc of ['docs/rules.md', 'README.md', 'MARKETPLACE.md']) {
    test(`${doc} cites no file outside the repository`, () => {
      assert.deepEqual(offending(readFileSync(path.join(repoRoot, doc), 'utf8')), []);
    });
  }

  test('the SARIF log cites no file outside the repository', async () => {
    const out: string[] = [];
    await runCli(['lint', path.join(repoRoot, 'examples', 'MetaBase.xml'), '--format', 'sarif'], (s) => out.push(s), () => undefined);
    const sarif = out.join('\n');
    assert.ok(JSON.parse(sarif).runs[0].tool.driver.rules.length === allRules.length, 'the log lists every rule');
    assert.deepEqual(offending(sarif), []);
  });

  test('the comments of server/src cite no file outside the repository', () => {
    const found = filesUnder(path.join(repoRoot, 'server', 'src'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => offending(readFileSync(f, 'utf8')).map((line) => `${path.relative(repoRoot, f)}: ${line.trim()}`));
    assert.deepEqual(found, []);
  });
});
