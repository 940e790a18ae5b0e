/**
 * SARIF output is valid SARIF 2.1.0: the CLI's logs of the example and every misconfiguration
 * fixture validate against the OASIS 2.1.0 JSON schema (the copy shipped in Microsoft's
 * @microsoft/jest-sarif package), and every rule's helpUri is its section of docs/rules.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import { runCli } from '../../server/src/cli';
import { allRules } from '../../server/src/rules/registry';
import { ruleDocUrl } from '../../server/src/rules/ruleDocs';
import { fixturesDir, repoRoot } from '../helpers';

// (Compiled without the u flag: one pattern of the 2.1.0 schema, for 'language', is not valid in unicode mode.)
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

async function sarifOf(files: string[]): Promise<Sarif.Log> {
  const out: string[] = [];
  await runCli(['lint', ...files, '--format', 'sarif'], (s) => out.push(s), () => undefined);
  return JSON.parse(out.join('\n')) as Sarif.Log;
}

describe('SARIF output', () => {
  const files = [path.join(repoRoot, 'examples', 'MetaBase.xml'), ...readdirSync(path.join(fixturesDir, 'misconfigs')).filter((f) => f.endsWith('.xml')).map((f) => path.join(fixturesDir, 'misconfigs', f))];

  test(`the log of ${files.length} files validates against the SARIF 2.1.0 schema`, async () => {
    const log = await sarifOf(files);
    assert.ok((log.runs[0]!.results ?? []).length > 50, 'the log has results to check');
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const valid = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  test('a log that breaks the schema is caught (the validator is really checking)', () => {
    const validate = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal', message: {} }] }] }), false);
  });

  test("every rule's helpUri is its section of docs/rules.md", async () => {
    const log = await sarifOf([files[0]!]);
    const docs = readFileSync(path.join(repoRoot, 'docs', 'rules.md'), 'utf8');
    const rules = log.runs[0]!.tool.driver.rules ?? [];
    assert.equal(rules.length, allRules.length);
    for (const r of rules) {
      assert.equal(r.helpUri, ruleDocUrl(r.id));
      assert.ok(r.helpUri!.endsWith(`docs/rules.md#${r.id}`));
      assert.match(docs, new RegExp(`^## ${r.id}$`, 'm'), `docs/rules.md has no section for ${r.id}`);
    }
  });
});
