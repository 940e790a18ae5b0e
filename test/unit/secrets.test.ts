/**
 * Values of SECURE properties (passwords) never leave the language service in clear: not in
 * diagnostics, hovers, completions, symbols, code actions, the tree (topology), the process
 * model, nor any output of the CLI. Each secret below is a unique string; every output is
 * searched for it (and for its first 8 characters, to catch a truncated echo).
 *
 * The same holds when a password breaks the file: a value that holds a quote, an unquoted or
 * single-quoted one, one with '<' or a bare '&' in it, a space before the quote, under a schema
 * SECURE property, a <Custom> SECURE one or an unknown `*Password` name. The scanner cannot
 * place the rest of such a value, and nothing may quote it back, whatever rules are on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { processModelText } from '../../server/src/process/processModel';
import type { LanguageSettings } from '../../server/src/languageService';
import { metabase, parse, service } from '../helpers';
import { BROKEN, BROKEN_FRAGMENTS } from '../secretsFixture';

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

/** Every fragment of `secrets` (or the start of one) found in `output`. */
function leaksOf(secrets: readonly string[], output: unknown): string[] {
  const s = typeof output === 'string' ? output : JSON.stringify(output) ?? '';
  return secrets.filter((secret) => s.includes(secret) || (secret.length > 8 && s.includes(secret.slice(0, 8))));
}

function leaks(output: unknown): string[] {
  return leaksOf(SECRETS, output);
}

/** The checks every document goes through: `leaked` lists the secrets an output holds. */
function battery(name: string, text: string, leaked: (output: unknown) => string[], settings: LanguageSettings = {}, cliArgs: string[] = []): void {
  describe(name, () => {
    const ls = service(settings);
    const doc = parse(text, ls);
    const diagnostics = ls.doValidation(doc);

    test('diagnostics', () => {
      assert.ok(diagnostics.length > 0);
      assert.deepEqual(leaked(diagnostics), []);
    });

    test('hover, completion, definition and references at every offset of the document', () => {
      const found = new Map<string, string[]>();
      for (let offset = 0; offset <= text.length; offset++) {
        const p = doc.lines.positionAt(offset);
        const results = {
          hover: ls.doHover(doc, p),
          completion: ls.doComplete(doc, p),
          definition: ls.findDefinition(doc, p),
          references: ls.findReferences(doc, p, true),
          prepareRename: ls.prepareRename(doc, p),
        };
        for (const [what, r] of Object.entries(results)) {
          const l = leaked(r);
          if (l.length > 0 && !found.has(what)) found.set(what, [`offset ${offset}`, ...l]);
        }
      }
      assert.deepEqual(Object.fromEntries(found), {});
    });

    test('symbols, folding, code lenses, tree (topology) and process model', () => {
      assert.deepEqual(leaked(ls.findDocumentSymbols(doc)), []);
      assert.deepEqual(leaked(ls.getFoldingRanges(doc)), []);
      assert.deepEqual(leaked(ls.getCodeLenses(doc)), []);
      assert.deepEqual(leaked(ls.getTopology(doc)), []);
      for (const mode of ['worker', 'iis5'] as const) {
        const pm = ls.getProcessModel(doc, mode);
        assert.deepEqual(leaked(pm), [], mode);
        assert.deepEqual(leaked(processModelText(pm)), [], mode);
      }
    });

    test('code actions: titles and edits never carry a secret', () => {
      const whole = { start: { line: 0, character: 0 }, end: doc.lines.positionAt(text.length) };
      const actions = ls.doCodeActions(doc, whole, diagnostics);
      assert.ok(actions.some((a) => a.title.length > 0), 'some code action is offered');
      for (const a of actions) assert.deepEqual(leaked(a.title), [], a.title);
      // An edit may delete a secret (remove the clear-text attribute) but never writes one.
      const written = actions.flatMap((a) => Object.values(a.edit?.changes ?? {}).flat().map((e) => e.newText));
      assert.deepEqual(leaked(written), []);
    });

    test('the CLI: lint (text, json, sarif) and processes (text, json)', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'iis6-secrets-'));
      const file = path.join(dir, 'MetaBase.xml');
      writeFileSync(file, text);
      const runs: Array<[string[], string]> = [];
      for (const argv of [
        ['lint', file, ...cliArgs],
        ['lint', file, '--format', 'json', ...cliArgs],
        ['lint', file, '--format', 'sarif', ...cliArgs],
        ['processes', file],
        ['processes', file, '--format', 'json'],
        ['processes', file, '--mode', 'iis5'],
      ]) {
        let out = '';
        await runCli(argv, (s) => (out += s), (s) => (out += s));
        runs.push([argv, out]);
      }
      assert.ok(runs[0][1].length > 0);
      for (const [argv, out] of runs) assert.deepEqual(leaked(out), [], argv.join(' '));
    });
  });
}

describe('secure values stay hidden', () => {
  test('the clear-text passwords (schema and <Custom> SECURE properties) are reported, each on its own value, without echoing it', () => {
    const ls = service();
    const doc = parse(TEXT, ls);
    const diagnostics = ls.doValidation(doc);
    const clear = diagnostics.filter((d) => d.code === 'clear-text-secret');
    const at = clear.map((d) => TEXT.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end))).sort();
    assert.deepEqual(at, [CLEAR_ANON, CLEAR_ODBC, CLEAR_UNC, CLEAR_WAM, CUSTOM_SECRET, CUSTOM_DWORD_SECRET].sort());
    assert.deepEqual(leaks(diagnostics), []);
  });

  battery('a file with clear-text and encrypted passwords', TEXT, leaks);
  battery('passwords that break the file (a quote inside, unquoted, single quotes, <, &, spaces)', BROKEN, (o) => leaksOf(BROKEN_FRAGMENTS, o));
  battery('the same with clear-text-secret off', BROKEN, (o) => leaksOf(BROKEN_FRAGMENTS, o), { rules: { 'clear-text-secret': 'off' } }, ['--rule', 'clear-text-secret=off']);

  test('the broken passwords are reported as syntax errors where they stand, without their text', () => {
    const ls = service();
    const doc = parse(BROKEN, ls);
    const syntax = ls.doValidation(doc).filter((d) => d.code === 'xml-syntax');
    const lines = new Set(syntax.map((d) => BROKEN.split(/\r?\n/)[d.range.start.line].trim().split(/[= ]/)[0]));
    for (const name of ['AnonymousUserPass', 'Value', 'UNCPassword', 'ShopDbPassword', 'LogOdbcPassword']) assert.ok(lines.has(name), `a syntax error on the line of ${name}: ${[...lines].join(', ')}`);
    assert.ok(syntax.some((d) => /after AnonymousUserPass/.test(String(d.message))), 'the message says after which property the text stands');
  });
});
