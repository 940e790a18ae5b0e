/**
 * Each quick fix is applied to a document; the resulting text is compared whole, then validated
 * again: the diagnostic is gone, no new diagnostic appears, and nothing outside the edit changed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { metabase, parse, service } from '../helpers';

const ls = service();

function diagnostics(text: string): Diagnostic[] {
  return ls.doValidation(parse(text, ls));
}

function actionsFor(text: string, code: string): { actions: CodeAction[]; diagnostic: Diagnostic } {
  const doc = parse(text, ls);
  const diagnostic = ls.doValidation(doc).find((d) => d.code === code);
  assert.ok(diagnostic, `no ${code} diagnostic`);
  return { actions: ls.doCodeActions(doc, diagnostic.range, [diagnostic]), diagnostic };
}

function applyEdits(text: string, action: CodeAction): string {
  const doc = parse(text, ls);
  const edits = [...(action.edit!.changes![doc.uri] as TextEdit[])].map((e) => ({ s: doc.offsetAt(e.range.start), e: doc.offsetAt(e.range.end), t: e.newText }));
  edits.sort((a, b) => b.s - a.s);
  let out = text;
  for (const e of edits) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}

/**
 * Applies `title`, checks the text, and that validation now reports what it reported before
 * minus the fixed diagnostic (or exactly `after`, when the fix also changes other findings).
 */
function check(text: string, code: string, title: string, expected: string, after?: string[]): void {
  const { actions } = actionsFor(text, code);
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no action "${title}"; got ${actions.map((a) => a.title).join(' | ')}`);
  const result = applyEdits(text, action);
  assert.equal(result, expected);
  const before = diagnostics(text).map((d) => d.code).filter((c) => c !== code);
  assert.deepEqual(diagnostics(result).map((d) => d.code).sort(), (after ?? before).sort(), 'no new diagnostic, the fixed one gone');
}

const IIS_LAYOUT = (attrs: string[]) => metabase(['<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"', ...attrs.map((a) => `\t\t${a}`), '\t>', '</IIsWebVirtualDir>'].join('\r\n'), true);

describe('quick fixes', () => {
  test('rename an unknown property to the nearest known one', () => {
    const text = IIS_LAYOUT(['AccessFlags="AccessRead"', 'AspEnableParentPath="FALSE"', 'Path="C:\\x"']);
    check(text, 'unknown-property', 'Rename to AspEnableParentPaths', text.replace('AspEnableParentPath=', 'AspEnableParentPaths='));
  });

  test('remove a property that is not valid here: its whole line goes, nothing else', () => {
    const text = IIS_LAYOUT(['AccessFlags="AccessRead"', 'ServerBindings=":80:\r\n\t\t\t:81:"', 'Path="C:\\x"']);
    check(text, 'property-not-allowed', 'Remove ServerBindings from this key', text.replace('\t\tServerBindings=":80:\r\n\t\t\t:81:"\r\n', ''));
  });

  test('remove an inline property', () => {
    const text = metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" MaxProcesses="2" Path="C:\\x" >\n</IIsWebVirtualDir>');
    check(text, 'pool-property-outside-pool', 'Remove MaxProcesses from this key', text.replace(' MaxProcesses="2"', ''));
  });

  test('out of range: the nearest bound, or the schema default', () => {
    const text = metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" AppPoolQueueLength="5" >\n</IIsApplicationPool>');
    check(text, 'value-out-of-range', 'Set AppPoolQueueLength to 10 (the nearest allowed value)', text.replace('"5"', '"10"'));
    check(text, 'value-out-of-range', 'Set AppPoolQueueLength to 1000 (the schema default)', text.replace('"5"', '"1000"'));
  });

  test("fix a boolean's spelling", () => {
    const text = IIS_LAYOUT(['AccessFlags="AccessRead"', 'DontLog="ture"']);
    check(text, 'invalid-value', 'Change to TRUE', text.replace('"ture"', '"TRUE"'));
    check(text, 'invalid-value', 'Change to FALSE', text.replace('"ture"', '"FALSE"'));
  });

  test('fix a misspelt flag', () => {
    const text = IIS_LAYOUT(['AccessFlags="AccessRead | AccessScipt"']);
    check(text, 'invalid-value', 'Change to "AccessRead | AccessScript"', text.replace('AccessScipt', 'AccessScript'));
  });

  test('an empty flags value: the schema default flags', () => {
    const text = IIS_LAYOUT(['AccessFlags="AccessRead"', 'AuthPersistence=""']);
    check(text, 'invalid-value', 'Set AuthPersistence to AuthPersistSingleRequest (the schema default)', text.replace('AuthPersistence=""', 'AuthPersistence="AuthPersistSingleRequest"'));
  });

  test('set AppRoot to the Location', () => {
    const text = IIS_LAYOUT(['AppIsolated="2"', 'AppRoot="/LM/W3SVC/1/ROOT/Old"']);
    check(text, 'approot-mismatch', 'Set AppRoot to "/LM/W3SVC/1/ROOT"', text.replace('/LM/W3SVC/1/ROOT/Old', '/LM/W3SVC/1/ROOT'));
  });

  const POOLED = (id: string) =>
    metabase(
      [
        '<IIsWebService\tLocation ="/LM/W3SVC"',
        '\t\tIIs5IsolationModeEnabled="FALSE"',
        '\t>',
        '</IIsWebService>',
        '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"',
        `\t\tAppPoolId="${id}"`,
        '\t\tAppRoot="/LM/W3SVC/1/ROOT"',
        '\t>',
        '</IIsWebVirtualDir>',
        '<IIsApplicationPools\tLocation ="/LM/W3SVC/AppPools"',
        '\t>',
        '</IIsApplicationPools>',
        '<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/DefaultAppPool"',
        '\t>',
        '</IIsApplicationPool>',
        '<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/Intranet"',
        '\t>',
        '</IIsApplicationPool>',
      ].join('\r\n'),
      true,
    );

  test('create the missing application pool, in IIS layout, with the install-time defaults', () => {
    const text = POOLED('Shop');
    const created = [
      '<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/Shop"',
      '\t\tAppPoolAutoStart="TRUE"',
      '\t\tAppPoolIdentityType="2"',
      '\t\tAppPoolQueueLength="1000"',
      '\t\tIdleTimeout="20"',
      '\t\tMaxProcesses="1"',
      '\t\tPeriodicRestartTime="1740"',
      '\t\tPingInterval="30"',
      '\t\tPingResponseTime="90"',
      '\t\tPingingEnabled="TRUE"',
      '\t\tRapidFailProtection="TRUE"',
      '\t\tRapidFailProtectionInterval="5"',
      '\t\tRapidFailProtectionMaxCrashes="5"',
      '\t\tShutdownTimeLimit="90"',
      '\t\tStartupTimeLimit="90"',
      '\t>',
      '</IIsApplicationPool>',
      '',
    ].join('\r\n');
    const anchor = '</IIsApplicationPool>\r\n</MBProperty>';
    check(text, 'apppool-not-found', 'Create application pool "Shop"', text.replace(anchor, `</IIsApplicationPool>\r\n${created}</MBProperty>`));
  });

  test('point AppPoolId to an existing pool (the closest name first)', () => {
    const text = POOLED('Intranett');
    const { actions } = actionsFor(text, 'apppool-not-found');
    assert.deepEqual(actions.map((a) => a.title), ['Create application pool "Intranett"', 'Use the existing pool "Intranet"', 'Use the existing pool "DefaultAppPool"']);
    check(text, 'apppool-not-found', 'Use the existing pool "Intranet"', text.replace('"Intranett"', '"Intranet"'), ['unused-pool'] /* DefaultAppPool only */);
  });

  test('write the isolation mode explicitly, at its alphabetical place', () => {
    const text = metabase(['<IIsWebService\tLocation ="/LM/W3SVC"', '\t\tAppPoolId="DefaultAppPool"', '\t\tWAMUserName="IWAM_X"', '\t>', '</IIsWebService>'].join('\r\n'), true);
    check(text, 'isolation-mode-unset', 'Write IIs5IsolationModeEnabled="FALSE" (worker process isolation mode, as a clean install)', text.replace('\t\tWAMUserName', '\t\tIIs5IsolationModeEnabled="FALSE"\r\n\t\tWAMUserName'));
  });

  test('rename an unknown key type in both tags', () => {
    const text = metabase('<IIsWebserver Location ="/LM/W3SVC/1" >\n</IIsWebserver>');
    check(text, 'unknown-key-type', 'Change to <IIsWebServer>', text.replace(/IIsWebserver/g, 'IIsWebServer'));
  });

  test('a stale diagnostic (the text changed since) offers nothing rather than a wrong edit', () => {
    const text = IIS_LAYOUT(['AspEnableParentPath="FALSE"']);
    const { diagnostic } = actionsFor(text, 'unknown-property');
    const changed = parse(IIS_LAYOUT(['Path="C:\\x"']), ls);
    assert.deepEqual(ls.doCodeActions(changed, diagnostic.range, [diagnostic]).filter((a) => a.title.startsWith('Rename')).length, 0);
  });
});
