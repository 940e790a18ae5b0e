/**
 * Paths that cannot load (issue 13, item 3): path-missing-backslash, path-variable-not-expanded,
 * path-not-absolute and path-forward-slashes over HcCompressionDll, ScriptMaps, FilterPath, Path,
 * WebSvcExtRestrictionList and InProcessIsapiApps; the quick fix for forward slashes; and no
 * finding on the real files and fixtures that do not have such a path.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { TextEdit } from 'vscode-languageserver-types';
import { diagnosticsOf, expectedDiagnostic, findSharedDir, fixturesDir, metabase, parse, positionOf, repoRoot, service } from '../helpers';

const RULES = ['path-missing-backslash', 'path-variable-not-expanded', 'path-not-absolute', 'path-forward-slashes'];

function pathDiagnostics(text: string) {
  return diagnosticsOf(text).filter((d) => RULES.includes(String(d.code)));
}

/** Expected diagnostic on the first occurrence of `needle`. */
function at(text: string, needle: string, code: string, message: string, severity: 'error' | 'warning', data: Record<string, unknown>) {
  const s = positionOf(text, needle);
  const e = positionOf(text, needle, needle.length);
  return expectedDiagnostic(code, message, s.line, s.character, e.line, e.character, severity, data);
}

const GZIP = (dll: string) =>
  metabase(`<IIsCompressionScheme	Location ="/LM/W3SVC/Filters/Compression/gzip"
		HcCompressionDll="${dll}"
		HcCreateFlags="1"
	>
</IIsCompressionScheme>`);

const SERVICE = (attrs: string) =>
  metabase(`<IIsWebService	Location ="/LM/W3SVC"
${attrs}
	>
</IIsWebService>`);

describe('path rules', () => {
  test('HcCompressionDll that lost its backslashes (the issue\'s example): an error on the path, no fix', () => {
    const text = GZIP('%windir%system32inetsrvgzip.dll');
    assert.deepEqual(pathDiagnostics(text), [
      at(text, '%windir%system32inetsrvgzip.dll', 'path-missing-backslash',
        'The compression DLL path (HcCompressionDll) lacks the backslash after "%windir%". In "%windir%system32inetsrvgzip.dll", %windir% stands for a folder without a trailing backslash, so the name after it runs into that folder\'s name; as written, IIS cannot load the compression DLL, so this scheme compresses nothing. The path has no backslash at all: they were probably lost on the way into the file (a script or tool that reads \\ as an escape character). Write the full path with its backslashes.',
        'error', { keyType: 'IIsCompressionScheme', location: '/LM/W3SVC/Filters/Compression/gzip', property: 'HcCompressionDll', path: '%windir%system32inetsrvgzip.dll' }),
    ]);
    const doc = parse(text);
    const ls = service();
    const d = ls.doValidation(doc).find((x) => x.code === 'path-missing-backslash')!;
    assert.deepEqual(ls.doCodeActions(doc, d.range, [d]), []);
  });

  test('HcCompressionDll is EXPANDSZ: %windir% with its backslash is what IIS itself writes', () => {
    assert.deepEqual(pathDiagnostics(GZIP('%windir%\\system32\\inetsrv\\gzip.dll')), []);
    assert.deepEqual(pathDiagnostics(GZIP('C:\\WINDOWS\\system32\\inetsrv\\gzip.dll')), []);
  });

  test('HcCompressionDll: a bare DLL name is not the fully qualified path the page asks for', () => {
    const text = GZIP('gzip.dll');
    assert.deepEqual(pathDiagnostics(text), [
      at(text, 'gzip.dll', 'path-not-absolute',
        'The compression DLL path (HcCompressionDll) is not a full path. The HcCompressionDll reference asks for one: a relative DLL name is looked up in the DLL search folders of the worker process (LoadLibrary), not where it was meant to be; as written, "gzip.dll": IIS cannot load the compression DLL, so this scheme compresses nothing. Write the full path (drive and folders).',
        'warning', { keyType: 'IIsCompressionScheme', location: '/LM/W3SVC/Filters/Compression/gzip', property: 'HcCompressionDll', path: 'gzip.dll' }),
    ]);
  });

  test('ScriptMaps: each entry on its own, the range on the DLL path only', () => {
    const text = metabase(`<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT"
		ScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE
			.cer,C:WINDOWSsystem32inetsrvasp.dll,5,GET,HEAD,POST,TRACE
			.aspx,%SystemRoot%\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll,1,GET,HEAD,POST,DEBUG"
	>
</IIsWebVirtualDir>`);
    const data = { keyType: 'IIsWebVirtualDir', location: '/LM/W3SVC/1/ROOT', property: 'ScriptMaps' };
    assert.deepEqual(pathDiagnostics(text), [
      at(text, 'C:WINDOWSsystem32inetsrvasp.dll', 'path-missing-backslash',
        'The .cer script map\'s DLL lacks the backslash after "C:". In "C:WINDOWSsystem32inetsrvasp.dll", Windows reads "C:name" relative to the current folder of drive C:; as written, IIS cannot load the handler, and requests for .cer fail. The path has no backslash at all: they were probably lost on the way into the file (a script or tool that reads \\ as an escape character). Write the full path with its backslashes.',
        'error', { ...data, path: 'C:WINDOWSsystem32inetsrvasp.dll' }),
      at(text, '%SystemRoot%\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll', 'path-variable-not-expanded',
        'The .aspx script map\'s DLL uses %SystemRoot%, which IIS does not expand in ScriptMaps. ScriptMaps is of type MULTISZ: IIS expands environment variables only in EXPANDSZ properties (such as HcCompressionDll), so "%SystemRoot%\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll" is read literally: IIS cannot load the handler, and requests for .aspx fail. Write the path out in full.',
        'warning', { ...data, path: '%SystemRoot%\\Microsoft.NET\\Framework\\v2.0.50727\\aspnet_isapi.dll' }),
    ]);
  });

  test('ScriptMaps: a CGI program keeps its arguments (%s is no variable) and may use forward slashes; a bare program name is relative', () => {
    const ok = metabase(`<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT"
		ScriptMaps=".pl,C:\\Perl\\bin\\perl.exe &quot;%s&quot; %s,5,GET,HEAD,POST
			.cgi,C:/Perl/bin/perl.exe &quot;%s&quot; %s,5,GET,HEAD,POST
			.py,&quot;C:\\Program Files\\Python\\python.exe&quot; -u &quot;%s&quot;,5,GET,POST"
	>
</IIsWebVirtualDir>`);
    assert.deepEqual(pathDiagnostics(ok), []);
    const bare = metabase(`<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT"
		ScriptMaps=".pl,perl.exe %s %s,5,GET,HEAD,POST"
	>
</IIsWebVirtualDir>`);
    const [d] = pathDiagnostics(bare);
    assert.equal(d.code, 'path-not-absolute');
    assert.deepEqual(d.range, { start: positionOf(bare, 'perl.exe'), end: positionOf(bare, 'perl.exe', 'perl.exe'.length) });
    assert.match(String(d.message), /^The \.pl script map's program is not a full path\. .*"perl\.exe": IIS cannot start the program for \.pl\./);
  });

  test('FilterPath with forward slashes: a warning with a fix that writes backslashes, after which the file validates clean', () => {
    const text = metabase(`<IIsFilter	Location ="/LM/W3SVC/Filters/URLSCAN"
		FilterDescription="UrlScan ISAPI Filter"
		FilterPath="C:/WINDOWS/system32/inetsrv/urlscan/urlscan.dll"
	>
</IIsFilter>`);
    const data = { keyType: 'IIsFilter', location: '/LM/W3SVC/Filters/URLSCAN', property: 'FilterPath', path: 'C:/WINDOWS/system32/inetsrv/urlscan/urlscan.dll', fixed: 'C:\\WINDOWS\\system32\\inetsrv\\urlscan\\urlscan.dll' };
    assert.deepEqual(pathDiagnostics(text), [
      at(text, 'C:/WINDOWS/system32/inetsrv/urlscan/urlscan.dll', 'path-forward-slashes',
        'The filter DLL path (FilterPath) uses forward slashes. IIS loads "C:/WINDOWS/system32/inetsrv/urlscan/urlscan.dll" with LoadLibrary, whose documentation asks for backslashes (\\) in paths, not forward slashes. Write the path with backslashes.',
        'warning', data),
    ]);
    const fixed = applyFix(text, 'path-forward-slashes', 'Write the path with backslashes: C:\\WINDOWS\\system32\\inetsrv\\urlscan\\urlscan.dll');
    assert.equal(fixed, text.replace('C:/WINDOWS/system32/inetsrv/urlscan/urlscan.dll', 'C:\\WINDOWS\\system32\\inetsrv\\urlscan\\urlscan.dll'));
    assert.deepEqual(diagnosticsOf(fixed), diagnosticsOf(text).filter((d) => d.code !== 'path-forward-slashes'));
  });

  test('ScriptMaps with forward slashes: the fix changes that DLL path and nothing else of the list', () => {
    const text = metabase(`<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT"
		ScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE
			.php,C:/php/php5isapi.dll,5,GET,HEAD,POST"
	>
</IIsWebVirtualDir>`);
    const fixed = applyFix(text, 'path-forward-slashes', 'Write the path with backslashes: C:\\php\\php5isapi.dll');
    assert.equal(fixed, text.replace('C:/php/php5isapi.dll', 'C:\\php\\php5isapi.dll'));
    assert.deepEqual(pathDiagnostics(fixed), []);
  });

  test('a value with a character reference: reported on the whole value, no fix offered', () => {
    const text = metabase(`<IIsFilter	Location ="/LM/W3SVC/Filters/RnD"
		FilterPath="D:/R&amp;D/filter.dll"
	>
</IIsFilter>`);
    const doc = parse(text);
    const ls = service();
    const [d] = ls.doValidation(doc).filter((x) => x.code === 'path-forward-slashes');
    assert.deepEqual(d.range, { start: positionOf(text, 'D:/R&amp;D'), end: positionOf(text, 'filter.dll', 'filter.dll'.length) });
    assert.equal((d.data as { path: string }).path, 'D:/R&D/filter.dll');
    assert.deepEqual(ls.doCodeActions(doc, d.range, [d]), []);
  });

  test('Path: a UNC share or a drive root is fine; a folder without drive is relative; "D:Sites" lost its backslash; forward slashes are not reported (not a DLL)', () => {
    const vdir = (p: string) => metabase(`<IIsWebVirtualDir	Location ="/LM/W3SVC/1/ROOT/Files"
		Path="${p}"
	>
</IIsWebVirtualDir>`);
    assert.deepEqual(pathDiagnostics(vdir('\\\\fileserver\\sites\\files')), []);
    assert.deepEqual(pathDiagnostics(vdir('D:\\')), []);
    assert.deepEqual(pathDiagnostics(vdir('D:/Sites/Files')), []);
    assert.deepEqual(pathDiagnostics(vdir('Sites\\Files')).map((d) => [d.code, d.message]), [
      ['path-not-absolute', 'The folder (Path) is not a full path. The Path reference asks for one: a relative folder is resolved against the current folder of the worker process; as written, "Sites\\Files": IIS looks for this virtual directory\'s content in a folder that is not the one meant. Write the full path (drive and folders).'],
    ]);
    assert.deepEqual(pathDiagnostics(vdir('D:Sites\\Files')).map((d) => d.code), ['path-missing-backslash']);
    assert.deepEqual(pathDiagnostics(vdir('%SystemDrive%\\Inetpub\\files')).map((d) => d.code), ['path-variable-not-expanded']);
  });

  test('WebSvcExtRestrictionList: "All Unlisted" entries and CGI command lines are fine; a relative entry names the applications that depend on its group', () => {
    const text = SERVICE(`		ApplicationDependencies="Active Server Pages;ASP
			PHP 5;PHP5
			Shop;PHP5,ASP"
		WebSvcExtRestrictionList="0,*.dll
			0,*.exe
			1,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,0,ASP,Active Server Pages
			1,C:\\WINDOWS\\system32\\cmd.exe %s %s,1,CMD,Command shell
			1,php5isapi.dll,1,PHP5,PHP 5 ISAPI
			0,%windir%\\system32\\inetsrv\\ssinc.dll,0,SSINC,Server Side Includes"`);
    const data = { keyType: 'IIsWebService', location: '/LM/W3SVC', property: 'WebSvcExtRestrictionList' };
    assert.deepEqual(pathDiagnostics(text), [
      at(text, '%windir%\\system32\\inetsrv\\ssinc.dll', 'path-variable-not-expanded',
        'This restriction-list entry uses %windir%, which IIS does not expand in WebSvcExtRestrictionList. WebSvcExtRestrictionList is of type MULTISZ: IIS expands environment variables only in EXPANDSZ properties (such as HcCompressionDll), so "%windir%\\system32\\inetsrv\\ssinc.dll" is read literally: the entry matches no extension, and the extension it was meant for is judged by the "All Unlisted" entry (*.dll or *.exe) instead. Write the path out in full.',
        'warning', { ...data, path: '%windir%\\system32\\inetsrv\\ssinc.dll' }),
      at(text, 'php5isapi.dll', 'path-not-absolute',
        'This restriction-list entry is not a full path. The WebSvcExtRestrictionList reference asks for one: each entry names its extension by the full path; as written, "php5isapi.dll": the entry matches no extension, and the extension it was meant for is judged by the "All Unlisted" entry (*.dll or *.exe) instead (PHP 5 and Shop depend on its group PHP5 in ApplicationDependencies). Write the full path (drive and folders).',
        'warning', { ...data, path: 'php5isapi.dll', dependents: ['PHP 5', 'Shop'] }),
    ].sort((a, b) => a.range.start.line - b.range.start.line));
  });

  test('InProcessIsapiApps: a bare DLL name is allowed by its page; a lost backslash and a variable are not', () => {
    const text = SERVICE(`		InProcessIsapiApps="C:\\WINDOWS\\system32\\inetsrv\\httpext.dll
			author.dll
			C:WINDOWSsystem32inetsrvssinc.dll
			%windir%\\system32\\msw3prt.dll"`);
    assert.deepEqual(pathDiagnostics(text).map((d) => [d.code, d.range.start.line, (d.data as { path: string }).path]), [
      ['path-missing-backslash', positionOf(text, 'C:WINDOWSsystem32').line, 'C:WINDOWSsystem32inetsrvssinc.dll'],
      ['path-variable-not-expanded', positionOf(text, '%windir%').line, '%windir%\\system32\\msw3prt.dll'],
    ]);
  });

  test('a path IIS writes itself is never reported, wherever it is', () => {
    const text = SERVICE(`		InProcessIsapiApps="C:\\WINDOWS\\system32\\inetsrv\\httpext.dll"
		ScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE"
		WebSvcExtRestrictionList="0,*.dll
			1,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,0,ASP,Active Server Pages"`);
    assert.deepEqual(pathDiagnostics(text), []);
  });
});

function applyFix(text: string, code: string, title: string): string {
  const ls = service();
  const doc = parse(text, ls);
  const d = ls.doValidation(doc).find((x) => x.code === code);
  assert.ok(d, `no ${code}`);
  const actions = ls.doCodeActions(doc, d.range, [d]);
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no action "${title}"; got ${actions.map((a) => a.title).join(' | ')}`);
  const edits = (action.edit!.changes![doc.uri] as TextEdit[]).map((e) => ({ s: doc.offsetAt(e.range.start), e: doc.offsetAt(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  let out = text;
  for (const e of edits) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}

describe('path rules on real files and fixtures', () => {
  /** The files that really have such a path: rule and 1-based line of each finding. */
  const KNOWN: Record<string, Array<[string, number]>> = {
    '33-compression-dll-backslashes.xml': [['path-missing-backslash', 162]],
    '33b-hand-installed-extensions.xml': [
      ['path-not-absolute', 53],
      ['path-forward-slashes', 98],
      ['path-missing-backslash', 111],
      ['path-variable-not-expanded', 153],
    ],
  };
  const shared = findSharedDir();
  const dirs = [path.join(fixturesDir, 'realworld'), path.join(fixturesDir, 'misconfigs'), path.join(repoRoot, 'examples'), ...(shared ? [path.join(shared, 'realworld')] : [])];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
      test(`${path.basename(dir)}/${name}`, () => {
        const found = pathDiagnostics(readFileSync(path.join(dir, name), 'utf8')).map((d): [string, number] => [String(d.code), d.range.start.line + 1]);
        assert.deepEqual(found, KNOWN[name] ?? []);
      });
    }
  }
});
