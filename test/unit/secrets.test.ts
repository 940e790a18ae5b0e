/**
 * Values of SECURE properties (passwords) never leave the language service in clear: not in
 * diagnostics, hovers, completions, symbols, code actions, the tree (topology), the process
 * model, nor any output of the CLI. Each secret below is a unique string; every output is
 * searched for it (and for its first 8 characters, to catch a truncated echo).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { processModelText } from '../../server/src/process/processModel';
import { metabase, parse, service } from '../helpers';

const CLEAR_ANON = 'ClearAnonPw-4711';
const CLEAR_UNC = 'UncPw!share-9000';
const CLEAR_ODBC = 'OdbcPw$odbc-0815';
const CLEAR_WAM = 'WamPw#pool-1234';
// An encrypted blob as IIS writes it (hex digits); it must not be shown either.
const BLOB = '496344627000000024d680000000000096a8cfc50ba1c37bb1d86eb4ad8cb5be';
const CUSTOM_SECRET = 'CustomSecureValue-Z9';
const CUSTOM_DWORD_SECRET = 'NotANumberSecret-Q7';
const SECRETS = [CLEAR_ANON, CLEAR_UNC, CLEAR_ODBC, CLEAR_WAM, BLOB, CUSTOM_SECRET, CUSTOM_DWORD_SECRET];

const TEXT = metabase(
  `<IIsWebService\tLocation ="/LM/W3SVC"
\t\tIIs5IsolationModeEnabled="FALSE"
\t\tAnonymousUserPass="${BLOB}"
\t\tLogOdbcPassword="${CLEAR_ODBC}"
\t>
</IIsWebService>
<IIsApplicationPools\tLocation ="/LM/W3SVC/AppPools"
\t>
</IIsApplicationPools>
<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/Intranet"
\t\tAppPoolIdentityType="3"
\t\tWAMUserName="CONTOSO\\svc-intranet"
\t\tWAMUserPass="${CLEAR_WAM}"
\t>
</IIsApplicationPool>
<IIsWebServer\tLocation ="/LM/W3SVC/1"
\t\tServerBindings=":80:"
\t\tServerComment="Intranet"
\t>
</IIsWebServer>
<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"
\t\tAnonymousUserPass="${CLEAR_ANON}"
\t\tAppPoolId="Intranet"
\t\tAppRoot="/LM/W3SVC/1/ROOT"
\t\tPath="C:\\Inetpub\\wwwroot"
\t>
\t<Custom\tName="ShopPassword"
\t\tID="60001"
\t\tValue="${CUSTOM_SECRET}"
\t\tType="STRING"
\t\tUserType="IIS_MD_UT_FILE"
\t\tAttributes="INHERIT | SECURE"
\t/>
\t<Custom\tName="ShopPin"
\t\tID="60002"
\t\tValue="${CUSTOM_DWORD_SECRET}"
\t\tType="DWORD"
\t\tUserType="IIS_MD_UT_FILE"
\t\tAttributes="SECURE"
\t/>
</IIsWebVirtualDir>
<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/share"
\t\tPath="\\\\fileserver\\share"
\t\tUNCUserName="CONTOSO\\reader"
\t\tUNCPassword="${CLEAR_UNC}"
\t>
</IIsWebVirtualDir>`,
  true,
);

/** The secrets (or the start of one) found in `output`. */
function leaks(output: unknown): string[] {
  const s = typeof output === 'string' ? output : JSON.stringify(output) ?? '';
  return SECRETS.filter((secret) => s.includes(secret) || s.includes(secret.slice(0, 8)));
}

describe('secure values stay hidden', () => {
  const ls = service();
  const doc = parse(TEXT, ls);
  const diagnostics = ls.doValidation(doc);

  test('the clear-text passwords (schema and <Custom> SECURE properties) are reported, each on its own value, without echoing it', () => {
    const clear = diagnostics.filter((d) => d.code === 'clear-text-secret');
    const at = clear.map((d) => TEXT.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end))).sort();
    assert.deepEqual(at, [CLEAR_ANON, CLEAR_ODBC, CLEAR_UNC, CLEAR_WAM, CUSTOM_SECRET, CUSTOM_DWORD_SECRET].sort());
    assert.deepEqual(leaks(diagnostics), []);
  });

  test('hover, completion, definition and references at every offset of the document', () => {
    const found = new Map<string, string[]>();
    for (let offset = 0; offset <= TEXT.length; offset++) {
      const p = doc.lines.positionAt(offset);
      const results = {
        hover: ls.doHover(doc, p),
        completion: ls.doComplete(doc, p),
        definition: ls.findDefinition(doc, p),
        references: ls.findReferences(doc, p, true),
        prepareRename: ls.prepareRename(doc, p),
      };
      for (const [what, r] of Object.entries(results)) {
        const l = leaks(r);
        if (l.length > 0 && !found.has(what)) found.set(what, [`offset ${offset}`, ...l]);
      }
    }
    assert.deepEqual(Object.fromEntries(found), {});
  });

  test('symbols, folding, code lenses, tree (topology) and process model', () => {
    assert.deepEqual(leaks(ls.findDocumentSymbols(doc)), []);
    assert.deepEqual(leaks(ls.getCodeLenses(doc)), []);
    assert.deepEqual(leaks(ls.getTopology(doc)), []);
    for (const mode of ['worker', 'iis5'] as const) {
      const pm = ls.getProcessModel(doc, mode);
      assert.deepEqual(leaks(pm), [], mode);
      assert.deepEqual(leaks(processModelText(pm)), [], mode);
    }
  });

  test('code actions: titles and edits never carry a secret', () => {
    const whole = { start: { line: 0, character: 0 }, end: doc.lines.positionAt(TEXT.length) };
    const actions = ls.doCodeActions(doc, whole, diagnostics);
    assert.ok(actions.some((a) => a.title.length > 0), 'some code action is offered');
    for (const a of actions) assert.deepEqual(leaks(a.title), [], a.title);
    // An edit may delete a secret (remove the clear-text attribute) but never writes one.
    const written = actions.flatMap((a) => Object.values(a.edit?.changes ?? {}).flat().map((e) => e.newText));
    assert.deepEqual(leaks(written), []);
  });

  test('the CLI: lint (text, json, sarif) and processes (text, json)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iis6-secrets-'));
    const file = path.join(dir, 'MetaBase.xml');
    writeFileSync(file, TEXT);
    const runs: Array<[string[], string]> = [];
    for (const argv of [
      ['lint', file],
      ['lint', file, '--format', 'json'],
      ['lint', file, '--format', 'sarif'],
      ['processes', file],
      ['processes', file, '--format', 'json'],
      ['processes', file, '--mode', 'iis5'],
    ]) {
      let out = '';
      await runCli(argv, (s) => (out += s), (s) => (out += s));
      runs.push([argv, out]);
    }
    // The lint output does report the clear-text passwords (by name, not value).
    assert.match(runs[0][1], /clear-text-secret/);
    for (const [argv, out] of runs) assert.deepEqual(leaks(out), [], argv.join(' '));
  });
});
