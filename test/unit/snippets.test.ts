/**
 * The snippets (snippets/iis-metabase.code-snippets): each body is expanded as VS Code would with
 * its defaults, put into a small metabase and validated by the language service; the pool
 * snippets must carry exactly the values IIS setup writes (INSTALL_POOL_DEFAULTS).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { INSTALL_POOL_DEFAULTS } from '../../server/src/data/installDefaults';
import { getMetabaseLanguageService } from '../../server/src/languageService';
import type { MetabaseDocument } from '../../server/src/metabaseDocument';

const root = path.resolve(__dirname, '..', '..');
const snippetsPath = path.join(root, 'snippets', 'iis-metabase.code-snippets');

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description?: string;
  scope?: string;
}

const snippets = JSON.parse(readFileSync(snippetsPath, 'utf8')) as Record<string, Snippet>;
const byPrefix = new Map<string, { name: string; snippet: Snippet }>();
for (const [name, snippet] of Object.entries(snippets)) {
  for (const p of [snippet.prefix].flat()) byPrefix.set(p, { name, snippet });
}

function bodyOf(prefix: string): string {
  const entry = byPrefix.get(prefix);
  assert.ok(entry, `no snippet with prefix ${prefix}`);
  return [entry.snippet.body].flat().join('\n');
}

// ---------------------------------------------------------------------------------------------
// A small resolver for VS Code's snippet syntax: $1, ${1}, ${1:default with ${2:nested}},
// ${1|first,second|} (first choice), $0 (empty). A backslash escapes $ } \ (and , | in a choice);
// any other backslash is literal text, as in VS Code. Mirrors take the value of the tab stop's
// placeholder; `values` overrides what the user "types" into a tab stop.

type Node = { kind: 'text'; text: string } | { kind: 'tabstop'; index: number; children: Node[] | undefined; choices: string[] | undefined };

function parseSnippet(src: string): Node[] {
  let i = 0;
  const parseUntil = (stop: string | undefined): Node[] => {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (i < src.length) {
      const c = src[i]!;
      if (stop !== undefined && c === stop) return (flush(), nodes);
      if (c === '\\' && i + 1 < src.length && '$}\\'.includes(src[i + 1]!)) {
        text += src[i + 1];
        i += 2;
        continue;
      }
      if (c === '$') {
        const plain = /^\$(\d+)/.exec(src.slice(i));
        if (plain) {
          flush();
          nodes.push({ kind: 'tabstop', index: Number(plain[1]), children: undefined, choices: undefined });
          i += plain[0].length;
          continue;
        }
        const braced = /^\$\{(\d+)([:|}])/.exec(src.slice(i));
        if (braced) {
          flush();
          i += braced[0].length;
          const index = Number(braced[1]);
          if (braced[2] === '}') nodes.push({ kind: 'tabstop', index, children: undefined, choices: undefined });
          else if (braced[2] === ':') {
            const children = parseUntil('}');
            assert.equal(src[i], '}', `unterminated placeholder \${${index}:`);
            i++;
            nodes.push({ kind: 'tabstop', index, children, choices: undefined });
          } else {
            const choices: string[] = [];
            let cur = '';
            while (i < src.length && src[i] !== '|') {
              if (src[i] === '\\' && ',|\\'.includes(src[i + 1] ?? '')) {
                cur += src[i + 1];
                i += 2;
              } else if (src[i] === ',') {
                choices.push(cur);
                cur = '';
                i++;
              } else cur += src[i++];
            }
            choices.push(cur);
            assert.equal(src.slice(i, i + 2), '|}', `unterminated choice \${${index}|`);
            i += 2;
            nodes.push({ kind: 'tabstop', index, children: undefined, choices });
          }
          continue;
        }
        assert.fail(`unsupported $ syntax (variable?) at ${JSON.stringify(src.slice(i, i + 20))}`);
      }
      text += c;
      i++;
    }
    assert.equal(stop, undefined, `missing ${stop}`);
    flush();
    return nodes;
  };
  return parseUntil(undefined);
}

function expand(body: string, values: Record<number, string> = {}): string {
  const nodes = parseSnippet(body);
  const defaults = new Map<number, Node[] | string>();
  const collect = (list: Node[]) => {
    for (const n of list) {
      if (n.kind !== 'tabstop') continue;
      if (n.children) {
        if (!defaults.has(n.index)) defaults.set(n.index, n.children);
        collect(n.children);
      } else if (n.choices && !defaults.has(n.index)) defaults.set(n.index, n.choices[0]!);
    }
  };
  collect(nodes);
  const render = (list: Node[], depth: number): string =>
    list
      .map((n) => {
        if (n.kind === 'text') return n.text;
        if (n.index === 0) return '';
        if (values[n.index] !== undefined) return values[n.index];
        assert.ok(depth < 10, 'placeholder cycle');
        const d = defaults.get(n.index);
        return d === undefined ? '' : typeof d === 'string' ? d : render(d, depth + 1);
      })
      .join('');
  return render(nodes, 0);
}

// ---------------------------------------------------------------------------------------------

const W3SVC = ['<IIsWebService\tLocation ="/LM/W3SVC"', '\t\tAppPoolId="DefaultAppPool"', '\t\tIIs5IsolationModeEnabled="FALSE"', '\t>', '</IIsWebService>'];
const POOLS = [
  '<IIsApplicationPools\tLocation ="/LM/W3SVC/AppPools"',
  ...INSTALL_POOL_DEFAULTS.filter(([n]) => n !== 'AppPoolAutoStart').map(([n, v]) => `\t\t${n}="${v}"`),
  '\t>',
  '</IIsApplicationPools>',
  '<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/DefaultAppPool"',
  '\t>',
  '</IIsApplicationPool>',
];
/** The Default Web Site, for snippets that go below an existing site. */
const SITE1 = [
  '<IIsWebServer\tLocation ="/LM/W3SVC/1"',
  '\t\tServerAutoStart="TRUE"',
  '\t\tServerBindings=":80:"',
  '\t\tServerComment="Default Web Site"',
  '\t>',
  '</IIsWebServer>',
  '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"',
  '\t\tAccessFlags="AccessRead | AccessScript"',
  '\t\tAppFriendlyName="Default Application"',
  '\t\tAppIsolated="2"',
  '\t\tAppPoolId="DefaultAppPool"',
  '\t\tAppRoot="/LM/W3SVC/1/ROOT"',
  '\t\tPath="C:\\Inetpub\\wwwroot"',
  '\t>',
  '</IIsWebVirtualDir>',
];

function wrap(keys: string[]): string {
  return ['<?xml version ="1.0"?>', '<configuration>', '<MBProperty>', ...keys, '</MBProperty>', '</configuration>', ''].join('\n');
}

const ls = getMetabaseLanguageService();

function validate(text: string): { doc: MetabaseDocument; problems: string[] } {
  const doc = ls.parse('file:///t/MetaBase.xml', 1, text);
  const problems = ls
    .doValidation(doc)
    .filter((d) => d.severity === 1 || d.severity === 2)
    .map((d) => `${d.code} (line ${d.range.start.line + 1}): ${d.message}`);
  return { doc, problems };
}

/** Name/value pairs of the key at `location` (Location left out), in file order. */
function propertiesAt(doc: MetabaseDocument, location: string): Array<[string, string]> {
  const m = doc.model;
  const key = m.keys.find((k) => k.location === location);
  assert.ok(key, `no key ${location} in ${m.keys.map((k) => k.location).join(', ')}`);
  return m.properties(key).map((a): [string, string] => [a.name, m.get(key, a.name) ?? '']);
}

const ALL = ['apppool', 'site', 'vdirapp', 'webgarden', 'apppoolidentity'];
const POOL_SNIPPETS: Record<string, { location: string; overrides: Record<string, string>; extra: Array<[string, string]> }> = {
  apppool: { location: '/LM/W3SVC/AppPools/NewAppPool', overrides: {}, extra: [] },
  webgarden: { location: '/LM/W3SVC/AppPools/WebGardenPool', overrides: { MaxProcesses: '2' }, extra: [] },
  apppoolidentity: { location: '/LM/W3SVC/AppPools/NewAppPool', overrides: { AppPoolIdentityType: '3' }, extra: [['WAMUserName', 'DOMAIN\\svc-apppool']] },
};

describe('snippet resolver (test helper)', () => {
  test('placeholders, mirrors, choices, escapes and $0', () => {
    assert.equal(expand('a${1:x}b$1c${2|p\\|q,r|}d$0e\\$f\\g'), 'axbxcp|qde$f\\g');
    assert.equal(expand('${1:out ${2:in}} $2', { 2: 'IN' }), 'out IN IN');
    assert.equal(expand('$1 ${1:late}'), 'late late');
  });
});

describe('snippets', () => {
  test('the file holds exactly the expected snippets, each for iis-metabase with a description', () => {
    assert.deepEqual([...byPrefix.keys()].sort(), [...ALL].sort());
    for (const [name, s] of Object.entries(snippets)) {
      assert.equal(s.scope, 'iis-metabase', name);
      assert.ok(s.description && s.description.length > 40, `${name}: description`);
      assert.ok(Array.isArray(s.body) && s.body.length > 3, `${name}: body`);
    }
  });

  for (const prefix of ALL) {
    test(`${prefix}: IIS layout (tab before Location ="...", two tabs per attribute in ordinal order, \\t> line, end tag)`, () => {
      const lines = expand(bodyOf(prefix)).split('\n');
      let i = 0;
      let keys = 0;
      while (i < lines.length) {
        const open = /^<(IIs\w+)\tLocation ="\/LM\/W3SVC\/[^"]+"$/.exec(lines[i]!);
        assert.ok(open, `line ${i + 1}: ${JSON.stringify(lines[i])}`);
        keys++;
        i++;
        const names: string[] = [];
        while (i < lines.length && lines[i] !== '\t>') {
          const attr = /^\t\t([A-Za-z]\w*)="[^"\n]*"$/.exec(lines[i]!);
          assert.ok(attr, `line ${i + 1}: ${JSON.stringify(lines[i])}`);
          names.push(attr[1]!);
          i++;
        }
        assert.equal(lines[i], '\t>');
        // IIS writes attributes in ordinal (case-sensitive) order: PingInterval before PingingEnabled.
        assert.deepEqual(names, [...names].sort(), `${open[1]} attributes are not in IIS order`);
        assert.equal(lines[i + 1], `</${open[1]}>`);
        i += 2;
      }
      assert.ok(keys >= 1);
    });

    test(`${prefix}: expanded into a metabase, it validates without errors or warnings`, () => {
      const keys = [...W3SVC, ...POOLS, ...(prefix === 'vdirapp' ? SITE1 : []), ...expand(bodyOf(prefix)).split('\n')];
      const { doc, problems } = validate(wrap(keys));
      assert.deepEqual(problems, []);
      assert.equal(doc.model.duplicates.length, 0);
    });
  }

  for (const [prefix, spec] of Object.entries(POOL_SNIPPETS)) {
    test(`${prefix}: exactly the install-time pool values`, () => {
      const { doc } = validate(wrap([...W3SVC, ...POOLS, ...expand(bodyOf(prefix)).split('\n')]));
      const expected = [...INSTALL_POOL_DEFAULTS.map(([n, v]): [string, string] => [n, spec.overrides[n] ?? v]), ...spec.extra];
      assert.deepEqual(propertiesAt(doc, spec.location), expected);
    });
  }

  test('apppool: the defaults are the install values verbatim', () => {
    assert.deepEqual(
      bodyOf('apppool')
        .split('\n')
        .filter((l) => l.startsWith('\t\t'))
        .map((l) => l.trim()),
      INSTALL_POOL_DEFAULTS.map(([n, v]) => `${n}="${v}"`),
    );
  });

  test('webgarden: MaxProcesses is a placeholder with default 2', () => {
    assert.match(bodyOf('webgarden'), /\t\tMaxProcesses="\$\{\d+:2\}"/);
    const { doc } = validate(wrap([...W3SVC, ...POOLS, ...expand(bodyOf('webgarden'), { 2: '4' }).split('\n')]));
    assert.deepEqual(propertiesAt(doc, '/LM/W3SVC/AppPools/WebGardenPool').find(([n]) => n === 'MaxProcesses'), ['MaxProcesses', '4']);
  });

  test('apppoolidentity: a configured account, and no password in clear text', () => {
    const body = bodyOf('apppoolidentity');
    assert.match(body, /\t\tAppPoolIdentityType="3"/);
    assert.match(body, /\t\tWAMUserName="\$\{\d+:[^}]+\}"/);
    assert.doesNotMatch(body, /WAMUserPass/);
    assert.doesNotMatch(body, /<!--/);
    const description = byPrefix.get('apppoolidentity')!.snippet.description ?? '';
    assert.match(description, /WAMUserPass/);
    assert.match(description, /encrypted/);
    assert.match(description, /IIS Manager/);
    assert.match(description, /adsutil/);
  });

  test('site: AppRoot follows the Location through the same placeholder', () => {
    for (const id of [undefined, '1234']) {
      const text = expand(bodyOf('site'), id ? { 1: id } : {});
      const site = /^<IIsWebServer\tLocation ="([^"]+)"/m.exec(text)![1]!;
      const rootLocation = /^<IIsWebVirtualDir\tLocation ="([^"]+)"/m.exec(text)![1]!;
      const appRoot = /^\t\tAppRoot="([^"]+)"/m.exec(text)![1]!;
      assert.equal(rootLocation, `${site}/ROOT`);
      assert.equal(appRoot, rootLocation);
      if (id) assert.equal(site, `/LM/W3SVC/${id}`);
      const { doc, problems } = validate(wrap([...W3SVC, ...POOLS, ...text.split('\n')]));
      assert.deepEqual(problems, []);
      const props = new Map(propertiesAt(doc, rootLocation));
      assert.equal(props.get('AppIsolated'), '2');
      assert.equal(props.get('AppPoolId'), 'DefaultAppPool');
      assert.equal(props.get('AccessFlags'), 'AccessRead | AccessScript');
      assert.ok(props.get('Path'));
      const server = new Map(propertiesAt(doc, site));
      assert.deepEqual([...server.keys()], ['ServerAutoStart', 'ServerBindings', 'ServerComment']);
    }
  });

  test('vdirapp: AppRoot follows the Location through the same placeholders', () => {
    const text = expand(bodyOf('vdirapp'), { 1: '1', 2: 'Orders' });
    const location = /^<IIsWebVirtualDir\tLocation ="([^"]+)"/m.exec(text)![1]!;
    assert.equal(location, '/LM/W3SVC/1/ROOT/Orders');
    const { doc, problems } = validate(wrap([...W3SVC, ...POOLS, ...SITE1, ...text.split('\n')]));
    assert.deepEqual(problems, []);
    const props = new Map(propertiesAt(doc, location));
    assert.equal(props.get('AppRoot'), location);
    assert.equal(props.get('AppIsolated'), '2');
    assert.equal(props.get('AppFriendlyName'), 'Orders');
  });

  test('the validation can fail: a site whose AppPoolId names a missing pool is reported', () => {
    // Guards the test set-up itself: the wrapper must not hide errors from the language service.
    const text = expand(bodyOf('site'), { 6: 'NoSuchPool' });
    assert.notDeepEqual(validate(wrap([...W3SVC, ...POOLS, ...text.split('\n')])).problems, []);
  });
});
