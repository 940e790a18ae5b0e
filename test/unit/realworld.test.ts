/**
 * Real files nobody on this project wrote. Well-formed ones must lint without errors (and with
 * warnings only where deserved); broken ones must report their breakage on the right line and
 * still yield the keys around it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { diagnosticsOf, parse, realWorld } from '../helpers';

function findings(name: string): Array<[number, string, string]> {
  const text = realWorld(name)!;
  return diagnosticsOf(text).map((d) => [d.range.start.line + 1, ['', 'error', 'warning', 'information', 'hint'][d.severity ?? 1], String(d.code)]);
}

function skipUnless(name: string): { skip: string | false } {
  return { skip: realWorld(name) === undefined ? `${name} is not available (shared/realworld missing)` : false };
}

describe('well-formed real files: no errors', () => {
  // Both modSIC files really require SSL on /LM/W3SVC/1/ROOT (AccessSSLFlags="AccessSSL") of a site
  // with neither SecureBindings nor SSLCertHash: that warning is deserved.
  test('modSIC complete export (981 lines): only the SSL requirement without an SSL binding', () => {
    assert.deepEqual(findings('modsic-oval-iis6-a-metabase.xml').filter(([, sev]) => sev === 'error' || sev === 'warning'), [
      [779, 'warning', 'ssl-required-without-binding'],
    ]);
  });

  test('modSIC export with a damaged <Custom>: that warning, and the SSL one', () => {
    assert.deepEqual(findings('modsic-oval-iis6-a-metabase-incomplete-custom.xml').filter(([, sev]) => sev !== 'hint' && sev !== 'information'), [
      [746, 'warning', 'invalid-custom-property'],
      [777, 'warning', 'ssl-required-without-binding'],
    ]);
  });

  test('h5bp compression schemes (a fragment of three keys)', () => {
    assert.deepEqual(findings('h5bp-iis6-compression-schemes-excerpt.xml').filter(([, sev]) => sev === 'error' || sev === 'warning'), []);
    assert.equal(parse(realWorld('h5bp-iis6-compression-schemes-excerpt.xml')!).model.keys.length, 3);
  });

  test('SUN Jiangong vdir excerpt: no errors; /root vs /Root AppRoot is not a finding', skipUnless('blog-sunjiangong-contrib-vdir-excerpt.xml'), () => {
    const all = findings('blog-sunjiangong-contrib-vdir-excerpt.xml');
    assert.deepEqual(all.filter(([, sev]) => sev === 'error'), []);
    assert.ok(!all.some(([, , code]) => code === 'approot-mismatch'));
  });
});

describe('broken real files: the breakage, on its line, and the rest kept', () => {
  test('C# comment excerpt: `ScriptMaps=@"` on line 25 and the unclosed last key on line 33', skipUnless('csharp-comment-site-1962875481-excerpt-redacted.xml'), () => {
    assert.deepEqual(findings('csharp-comment-site-1962875481-excerpt-redacted.xml').filter(([, sev]) => sev === 'error'), [
      [25, 'error', 'xml-syntax'],
      [33, 'error', 'xml-syntax'],
    ]);
    const m = parse(realWorld('csharp-comment-site-1962875481-excerpt-redacted.xml')!).model;
    assert.deepEqual(m.keys.map((k) => k.keyType), ['IIsWebServer', 'IIsFilters', 'IIsWebVirtualDir', 'IIsWebDirectory']);
    const root = m.keyAt('/LM/W3SVC/1962875481/root')!;
    assert.equal(m.get(root, 'UNCPassword')?.startsWith('NOLONGERVALID'), true, 'attributes after the damaged value survive');
  });

  test('Microsoft docs snippet: the two elisions on lines 2 and 4; all three keys kept', () => {
    assert.deepEqual(findings('ms-iis-docs-iis6-authflags-snippet.xml').filter(([, sev]) => sev === 'error'), [
      [2, 'error', 'xml-syntax'],
      [4, 'error', 'xml-syntax'],
    ]);
    assert.equal(parse(realWorld('ms-iis-docs-iis6-authflags-snippet.xml')!).model.keys.length, 3);
  });

  test('Adobe import fragment: the typographic quote on line 1 and the stray `<` on line 3', skipUnless('adobe-dwb-reportportal-vdir-fragments.xml'), () => {
    const errors = findings('adobe-dwb-reportportal-vdir-fragments.xml').filter(([, sev]) => sev === 'error');
    assert.ok(errors.some(([line, , code]) => line === 1 && code === 'xml-syntax'));
    assert.ok(errors.some(([line, , code]) => line === 3 && code === 'xml-syntax'));
    const m = parse(realWorld('adobe-dwb-reportportal-vdir-fragments.xml')!).model;
    assert.equal(m.get(m.keys[0], 'AppFriendlyName'), 'Output');
  });

  test('MSDN blog excerpt: the `...` elisions on line 2, the missing end, and four bindings flattened onto line 8', skipUnless('msdn-blog-kaushal-ssl-webserver-excerpt.xml'), () => {
    const errors = findings('msdn-blog-kaushal-ssl-webserver-excerpt.xml').filter(([, sev]) => sev === 'error');
    assert.deepEqual(errors.map(([line, , code]) => [line, code]).sort(), [[1, 'xml-syntax'], [2, 'xml-syntax'], [8, 'invalid-binding']]);
    const m = parse(realWorld('msdn-blog-kaushal-ssl-webserver-excerpt.xml')!).model;
    assert.equal(m.get(m.keys[0], 'SSLStoreName'), 'MY');
  });

  test('book excerpt (head only): the unclosed root and MBProperty; IIS_Global kept', skipUnless('flylib-iis6-administration-book-metabase-head-excerpt.xml'), () => {
    const text = realWorld('flylib-iis6-administration-book-metabase-head-excerpt.xml')!;
    assert.deepEqual(diagnosticsOf(text).filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => d.range.start.line + 1), [2, 3]);
    assert.equal(parse(text).model.keyAt('.')?.keyType, 'IIS_Global');
  });
});
