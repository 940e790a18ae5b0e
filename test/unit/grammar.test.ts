/**
 * The TextMate grammar (syntaxes/iis-metabase.tmLanguage.json), tokenized with the same engine
 * VS Code uses (vscode-textmate + the Oniguruma WebAssembly build). Scopes are compared exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';
import { schemaData } from '../../server/src/data/schemaData.generated';

const root = path.resolve(__dirname, '..', '..');
const grammarPath = path.join(root, 'syntaxes', 'iis-metabase.tmLanguage.json');
const SCOPE = 'text.xml.iis-metabase';

let grammarPromise: Promise<IGrammar> | undefined;

function loadGrammar(): Promise<IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (s: string) => new OnigString(s),
      }),
      loadGrammar: async (scopeName: string) => (scopeName === SCOPE ? parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null),
    });
    const grammar = await registry.loadGrammar(SCOPE);
    if (!grammar) throw new Error(`grammar ${SCOPE} not loaded`);
    return grammar;
  })();
  return grammarPromise;
}

interface Token {
  text: string;
  scopes: string[];
}

/** Tokenizes `text` line by line (the state carries over, as in the editor). */
async function tokenize(text: string): Promise<{ lines: Token[][]; end: StateStack }> {
  const grammar = await loadGrammar();
  let state: StateStack = INITIAL;
  const lines: Token[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, state);
    lines.push(r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
    state = r.ruleStack;
  }
  return { lines, end: state };
}

/** The scopes of the token of line `line` whose text is exactly `text` (the first one). */
function scopesOf(lines: Token[][], line: number, text: string): string[] {
  const tok = lines[line]?.find((t) => t.text === text);
  assert.ok(tok, `no token ${JSON.stringify(text)} on line ${line}: ${JSON.stringify(lines[line]?.map((t) => t.text))}`);
  return tok.scopes;
}

const S = SCOPE;
const KEY = 'meta.tag.key.iis-metabase';
const STR = 'string.quoted.double.iis-metabase';

// A realistic excerpt in IIS's own layout: tab before Location, two tabs per attribute, MULTISZ
// continuation lines with three tabs, `\t>` on its own line.
const SAMPLE = [
  '<?xml version ="1.0"?>', // 0
  '<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">', // 1
  '<MBProperty>', // 2
  '<!-- the Default Web Site -->', // 3
  '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"', // 4
  '\t\tAccessFlags="AccessRead | AccessScript"', // 5
  '\t\tAppIsolated="2"', // 6
  '\t\tAspEnableParentPaths="TRUE"', // 7
  '\t\tPath="C:\\Inetpub\\wwwroot"', // 8
  '\t\tScriptMaps=".asp,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE', // 9
  '\t\t\t.cer,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE', // 10
  '\t\t\t.asa,C:\\WINDOWS\\system32\\inetsrv\\asp.dll,5,GET,HEAD,POST,TRACE"', // 11
  '\t>', // 12
  '</IIsWebVirtualDir>', // 13
  '<IIsWebServer\tLocation ="/LM/W3SVC/2"', // 14
  '\t\tServerComment="Sales &amp; Marketing"', // 15
  '\t>', // 16
  '\t<Custom', // 17
  '\t\tName="MD_IISADMIN_EXTENSIONS"', // 18
  '\t\tType="MULTISZ"', // 19
  '\t\tAttributes="INHERIT"', // 20
  '\t/>', // 21
  '</IIsWebServer>', // 22
  '</MBProperty>', // 23
  '</configuration>', // 24
].join('\n');

describe('TextMate grammar', () => {
  test('is a valid grammar with the expected scope name', async () => {
    const raw = JSON.parse(readFileSync(grammarPath, 'utf8')) as { scopeName: string };
    assert.equal(raw.scopeName, SCOPE);
    await loadGrammar();
  });

  test('key types, generic elements and the XML declaration', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 0, 'xml'), [S, 'meta.tag.preprocessor.xml.iis-metabase', 'entity.name.tag.xml.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 0, '<?'), [S, 'meta.tag.preprocessor.xml.iis-metabase', 'punctuation.definition.tag.begin.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 0, 'version'), [S, 'meta.tag.preprocessor.xml.iis-metabase', 'entity.other.attribute-name.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 1, 'configuration'), [S, 'meta.tag.iis-metabase', 'entity.name.tag.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 2, 'MBProperty'), [S, 'meta.tag.iis-metabase', 'entity.name.tag.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 4, 'IIsWebVirtualDir'), [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 4, '<'), [S, KEY, 'punctuation.definition.tag.begin.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 13, 'IIsWebVirtualDir'), [S, 'meta.tag.key.end.iis-metabase', 'entity.name.tag.key-type.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 17, 'Custom'), [S, 'meta.tag.custom.iis-metabase', 'entity.name.tag.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 23, 'MBProperty'), [S, 'meta.tag.iis-metabase', 'entity.name.tag.iis-metabase']);
  });

  test('IIS_ key types (IIS_Global, IIS_ROOT) are key types too', async () => {
    const { lines } = await tokenize('<IIS_Global\tLocation ="."\n\t>\n</IIS_Global>\n<IIS_ROOT\tLocation ="/"\n\t>\n</IIS_ROOT>');
    assert.deepEqual(scopesOf(lines, 0, 'IIS_Global'), [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 2, 'IIS_Global'), [S, 'meta.tag.key.end.iis-metabase', 'entity.name.tag.key-type.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 3, 'IIS_ROOT'), [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
  });

  test('Location has its own scope, name and value', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 4, 'Location'), [S, KEY, 'meta.attribute.location.iis-metabase', 'keyword.other.location.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 4, '/LM/W3SVC/1/ROOT'), [S, KEY, 'meta.attribute.location.iis-metabase', 'string.quoted.double.location.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 4, '='), [S, KEY, 'meta.attribute.location.iis-metabase', 'punctuation.separator.key-value.iis-metabase']);
  });

  test('property names', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 5, 'AccessFlags'), [S, KEY, 'entity.other.attribute-name.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 9, 'ScriptMaps'), [S, KEY, 'entity.other.attribute-name.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 18, 'Name'), [S, 'meta.tag.custom.iis-metabase', 'entity.other.attribute-name.iis-metabase']);
  });

  test('flag names and the | between them', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 5, 'AccessRead'), [S, KEY, STR, 'constant.language.flag.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 5, 'AccessScript'), [S, KEY, STR, 'constant.language.flag.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 5, '|'), [S, KEY, STR, 'keyword.operator.bitwise.or.iis-metabase']);
  });

  test('every flag name of the schema is a flag, and the grammar lists no other', async () => {
    const names = [...new Set(schemaData.properties.flatMap((p) => (p.flags ?? []).map((f) => f.name)))].sort();
    assert.ok(names.length > 80, `only ${names.length} flag names in the schema`);
    const { lines } = await tokenize(`<IIsWebService\tLocation ="/LM/W3SVC"\n\t\tX="${names.join(' | ')}"\n\t>`);
    const flagged = lines[1]!.filter((t) => t.scopes.includes('constant.language.flag.iis-metabase')).map((t) => t.text);
    assert.deepEqual(flagged, names);
    const raw = JSON.parse(readFileSync(grammarPath, 'utf8')) as { repository: Record<string, { match?: string }> };
    const alternation = /\(\?:([^)]*)\)/.exec(raw.repository['flag-names']!.match!)![1]!.split('|').sort();
    assert.deepEqual(alternation, names);
  });

  test('flags in other flag properties (DirBrowseFlags, LogExtFileFlags, LogEventOnRecycle, AuthFlags)', async () => {
    const { lines } = await tokenize(
      [
        '<IIsWebService\tLocation ="/LM/W3SVC"',
        '\t\tAuthFlags="AuthAnonymous | AuthNTLM"',
        '\t\tDirBrowseFlags="DirBrowseShowDate | DirBrowseShowTime | EnableDefaultDoc"',
        '\t\tLogExtFileFlags="LogExtFileDate | LogExtFileTime"',
        '\t\tLogEventOnRecycle="AppPoolRecycleTime | AppPoolRecycleMemory"',
        '\t>',
      ].join('\n'),
    );
    const flag = [S, KEY, STR, 'constant.language.flag.iis-metabase'];
    assert.deepEqual(scopesOf(lines, 1, 'AuthNTLM'), flag);
    assert.deepEqual(scopesOf(lines, 2, 'DirBrowseShowDate'), flag);
    assert.deepEqual(scopesOf(lines, 2, 'EnableDefaultDoc'), flag);
    assert.deepEqual(scopesOf(lines, 3, 'LogExtFileDate'), flag);
    assert.deepEqual(scopesOf(lines, 4, 'AppPoolRecycleTime'), flag);
  });

  test('an unknown word in a | list is a flag of its own scope; a known flag name alone is a flag', async () => {
    const { lines } = await tokenize('<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"\n\t\tAccessFlags="AccessRaed | AccessScript"\n\t\tAuthFlags="AuthNTLM"\n\t>');
    assert.deepEqual(scopesOf(lines, 1, 'AccessRaed'), [S, KEY, STR, 'constant.other.flag.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 2, 'AuthNTLM'), [S, KEY, STR, 'constant.language.flag.iis-metabase']);
  });

  test('booleans and numbers are whole values only', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 7, 'TRUE'), [S, KEY, STR, 'constant.language.boolean.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 6, '2'), [S, KEY, STR, 'constant.numeric.integer.decimal.iis-metabase']);
    // `5` inside a ScriptMaps entry is text; so is TRUE inside a longer value.
    assert.ok(lines[9]!.every((t) => !t.scopes.some((s) => s.startsWith('constant.numeric'))));
    const { lines: other } = await tokenize('<IIsWebServer\tLocation ="/LM/W3SVC/3"\n\t\tServerComment="TRUE 42"\n\t>');
    assert.deepEqual(scopesOf(other, 1, 'TRUE 42'), [S, KEY, STR]);
  });

  test('entities and a bare ampersand', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 15, '&'), [S, KEY, STR, 'constant.character.entity.iis-metabase', 'punctuation.definition.constant.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 15, 'amp'), [S, KEY, STR, 'constant.character.entity.iis-metabase']);
    const { lines: bad } = await tokenize('<IIsWebServer\tLocation ="/LM/W3SVC/3"\n\t\tServerComment="A & B"\n\t>');
    assert.deepEqual(scopesOf(bad, 1, '&'), [S, KEY, STR, 'invalid.illegal.bad-ampersand.iis-metabase']);
  });

  test('comments', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 3, '<!--'), [S, 'comment.block.iis-metabase', 'punctuation.definition.comment.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 3, ' the Default Web Site '), [S, 'comment.block.iis-metabase']);
    const { lines: multi } = await tokenize('<!-- a\n<IIsWebServer\tLocation ="/LM/W3SVC/3"\n-->\n<IIsFilters\tLocation ="/LM/W3SVC/Filters"\n\t>');
    assert.deepEqual(multi[1]!.map((t) => t.scopes), [[S, 'comment.block.iis-metabase']]);
    assert.deepEqual(scopesOf(multi, 3, 'IIsFilters'), [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
  });

  test('a value over three lines stays a string, and the tag after it is a tag again', async () => {
    const { lines, end } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 9, '"'), [S, KEY, STR, 'punctuation.definition.string.begin.iis-metabase']);
    for (const line of [10, 11]) {
      for (const t of lines[line]!) assert.deepEqual(t.scopes.slice(0, 3), [S, KEY, STR], `line ${line} token ${JSON.stringify(t.text)}`);
    }
    assert.deepEqual(scopesOf(lines, 11, '"'), [S, KEY, STR, 'punctuation.definition.string.end.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 12, '>'), [S, KEY, 'punctuation.definition.tag.end.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 13, '</'), [S, 'meta.tag.key.end.iis-metabase', 'punctuation.definition.tag.begin.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 14, 'IIsWebServer'), [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 14, 'Location'), [S, KEY, 'meta.attribute.location.iis-metabase', 'keyword.other.location.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 24, 'configuration'), [S, 'meta.tag.iis-metabase', 'entity.name.tag.iis-metabase']);
    // Nothing is left open after the document: a key on the next line is a key.
    const next = (await loadGrammar()).tokenizeLine('<IIsFilters\tLocation ="/LM/W3SVC/Filters"', end);
    assert.deepEqual(next.tokens[1]!.scopes, [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
  });

  test('text that looks like markup inside a multi-line value stays a string', async () => {
    const { lines } = await tokenize(
      '<IIsWebService\tLocation ="/LM/W3SVC"\n\t\tHttpErrors="400,*,FILE,C:\\400.htm\n\t\t\t<IIsWebServer Path=\'x\' >\n\t\t\t404,*,URL,/e.asp"\n\t\tLogType="1"\n\t>',
    );
    for (const t of lines[2]!) assert.deepEqual(t.scopes, [S, KEY, STR], JSON.stringify(t.text));
    assert.deepEqual(scopesOf(lines, 4, 'LogType'), [S, KEY, 'entity.other.attribute-name.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 4, '1'), [S, KEY, STR, 'constant.numeric.integer.decimal.iis-metabase']);
  });

  test('Custom: property types and attributes', async () => {
    const { lines } = await tokenize(SAMPLE);
    assert.deepEqual(scopesOf(lines, 19, 'MULTISZ'), [S, 'meta.tag.custom.iis-metabase', STR, 'support.type.property-type.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 20, 'INHERIT'), [S, 'meta.tag.custom.iis-metabase', STR, 'constant.language.attribute.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 21, '/>'), [S, 'meta.tag.custom.iis-metabase', 'punctuation.definition.tag.end.iis-metabase']);
    assert.deepEqual(scopesOf(lines, 22, 'IIsWebServer'), [S, 'meta.tag.key.end.iis-metabase', 'entity.name.tag.key-type.iis-metabase']);
  });

  for (const file of ['examples/MetaBase.xml', 'test/fixtures/realworld/modsic-oval-iis6-a-metabase.xml']) {
    test(`real layout: every line of ${file} is where it should be`, async () => {
      const text = readFileSync(path.join(root, file), 'utf8').replace(/^\uFEFF/, '');
      const { lines } = await tokenize(text);
      const src = text.split(/\r?\n/);
      let keys = 0;
      let props = 0;
      let continuations = 0;
      src.forEach((line, i) => {
        const toks = lines[i]!;
        const first = toks.find((t) => t.text.trim() !== '');
        if (!first) return;
        const where = `${file}:${i + 1} ${JSON.stringify(line.slice(0, 60))}`;
        if (/^<\/?(IIs|IIS_)/.test(line)) {
          keys++;
          assert.ok(toks[1]!.scopes.includes('entity.name.tag.key-type.iis-metabase'), where);
        } else if (/^\t\t[A-Za-z]\w*=/.test(line)) {
          props++;
          assert.equal(first.scopes.at(-1), 'entity.other.attribute-name.iis-metabase', where);
        } else if (/^\t\t\t/.test(line)) {
          continuations++;
          for (const t of toks) assert.ok(t.scopes.some((s) => s.startsWith('string.quoted.double')), where);
        } else if (/^\t(>|\/>)$/.test(line)) {
          assert.equal(first.scopes.at(-1), 'punctuation.definition.tag.end.iis-metabase', where);
        }
      });
      assert.ok(keys > 20 && props > 50 && continuations > 10, `${keys} keys, ${props} properties, ${continuations} continuation lines`);
      // After the last line nothing is left open: the next line starts at the top level.
      const grammar = await loadGrammar();
      let state: StateStack = INITIAL;
      for (const line of src) state = grammar.tokenizeLine(line, state).ruleStack;
      const after = grammar.tokenizeLine('<IIsFilter\tLocation ="/LM/W3SVC/Filters/x"', state);
      assert.deepEqual(after.tokens[1]!.scopes, [S, KEY, 'entity.name.tag.key-type.iis-metabase']);
    });
  }
});
