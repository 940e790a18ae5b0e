/**
 * Diagnostic messages as the Problems panel shows them: it cuts a long message, so the first
 * sentence must say what is wrong, short; the explanation follows. Every fixture, the bundled
 * example and a document made to trigger the rules the fixtures do not reach go through
 * validation, and between them every rule speaks.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-types';
import { allRules } from '../../server/src/rules/registry';
import { listAnd } from '../../server/src/util/words';
import { fixturesDir, metabase, repoRoot, service } from '../helpers';

const FIRST_SENTENCE_MAX = 100;

/** Up to the first '. ' (the whole message when there is none). */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end < 0 ? message : message.slice(0, end + 1);
}

function xmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? xmlFiles(p) : /\.xml$/i.test(f) ? [p] : [];
  });
}

/** The rules no fixture triggers, with names and paths of realistic length. */
const THE_REST = `<!DOCTYPE configuration>
${metabase(`<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" >
</IIsWebService>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" PingingEnabled="FALSE" >
</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/IntranetReportsPool" PingInterval="30" RapidFailProtectionMaxCrashes="5" RapidFailProtection="FALSE" >
</IIsApplicationPool>
<IIsApplicationPool Location ="/LM/W3SVC/ApplicationPools/IntranetReportsPool" >
</IIsApplicationPool>
<IIsWebVirtualDir Location ="/LM/W3SVC/AppPools/IntranetReportsPool/ROOT" >
</IIsWebVirtualDir>
<IIsWebServr Location ="/LM/W3SVC/1962875481" >
</IIsWebServr>
<IIsWebServer >
</IIsWebServer>
<IIsWebServer Location ="/LM/W3SVC/20" ServerComment="Shop" ServerSize="7" >
</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/20/ROOT" AppRoot="/LM/W3SVC/20/ROOT" AppPoolId="IntranetReportsPool" AppIsolated="1" AspProcessorThreadMax="50" PeriodicRestartTime="1740" ServerBindings=":8080:" >
</IIsWebVirtualDir>
<IIsWebVirtualDir Location ="/LM/W3SVC/20/root" >
</IIsWebVirtualDir>`)}`;

function diagnostics(): Array<[file: string, d: Diagnostic]> {
  const ls = service({ maxDiagnostics: 100000 });
  const docs: Array<[string, string]> = [
    ...xmlFiles(fixturesDir).map((f): [string, string] => [path.relative(repoRoot, f), readFileSync(f, 'utf8')]),
    ['examples/MetaBase.xml', readFileSync(path.join(repoRoot, 'examples', 'MetaBase.xml'), 'utf8')],
    ['(the rules no fixture triggers)', THE_REST],
  ];
  return docs.flatMap(([name, text]) => ls.doValidation(ls.parse(`file:///t/${encodeURIComponent(name)}`, 1, text)).map((d): [string, Diagnostic] => [name, d]));
}

test(`every message says what is wrong in a first sentence of at most ${FIRST_SENTENCE_MAX} characters`, () => {
  const all = diagnostics();
  const seen = new Set(all.map(([, d]) => String(d.code)));
  assert.deepEqual(allRules.map((r) => r.meta.id).filter((id) => !seen.has(id)), [], 'rules that no document triggers');
  const long = all
    .map(([file, d]) => ({ file, code: String(d.code), first: firstSentence(String(d.message)) }))
    .filter((x) => x.first.length > FIRST_SENTENCE_MAX)
    .map((x) => `${x.first.length} ${x.code} (${x.file}): ${x.first}`);
  assert.deepEqual(long, []);
});

test('listAnd: one, two, three, more', () => {
  assert.equal(listAnd(['a']), 'a');
  assert.equal(listAnd(['a', 'b']), 'a and b');
  assert.equal(listAnd(['a', 'b', 'c']), 'a, b and c');
  assert.equal(listAnd(['a', 'b', 'c', 'd', 'e']), 'a, b, c and 2 more');
});
