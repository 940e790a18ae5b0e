/**
 * Hover and completion documentation are Markdown, and editors render it without HTML: VS Code
 * (MarkdownString.supportHtml false, what vscode-languageclient makes of MarkupContent) removes
 * every tag it finds. So `<IIsWebServer>` or `/LM/W3SVC/<n>` written as text vanish, and `&lt;`
 * turns into `<`. These tests render with markdown-it (CommonMark with tables) and drop what it
 * parses as HTML, then compare the text a user would read with what we meant to say.
 *
 * (markdown-it's own `html: false` would not do: it shows tags as text instead of dropping them.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver-types';
import { describeKeyType, describeProperty } from '../../server/src/features/describe';
import { mdCode, mdProse, mdText } from '../../server/src/features/markdown';
import { getDefaultCatalog } from '../../server/src/schema/catalog';
import { metabase, parse, service, withCursor } from '../helpers';

const renderer = new MarkdownIt({ html: true });
renderer.renderer.rules.html_inline = () => '';
renderer.renderer.rules.html_block = () => '';

function decodeEntities(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** What a user reads: the rendered Markdown without its tags, blanks collapsed. */
function shown(markdown: string): string {
  const html = renderer.render(markdown).replace(/<\/?(p|li|ul|ol|table|thead|tbody|tr|td|th|h\d|hr|br|blockquote|pre)\b[^>]*>/g, ' ');
  return oneLine(decodeEntities(html.replace(/<[^>]*>/g, '')));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Our documentation texts as a reader should see them: their code spans without the backticks. */
function plain(docText: string): string {
  return oneLine(docText.replace(/`([^`\n]+)`/g, '$1'));
}

function includes(haystack: string, needle: string, what: string): void {
  assert.ok(haystack.includes(needle), `${what}: "${needle}" is not in what the editor shows:\n${haystack}`);
}

const catalog = getDefaultCatalog();
const ls = service();

function hoverAt(textWithCursor: string): string {
  const { text, offset } = withCursor(textWithCursor);
  const doc = parse(text, ls);
  const h = ls.doHover(doc, doc.lines.positionAt(offset));
  assert.ok(h, `no hover in ${textWithCursor}`);
  return (h.contents as MarkupContent).value;
}

function completionAt(textWithCursor: string): CompletionItem[] {
  const { text, offset } = withCursor(textWithCursor);
  const doc = parse(text, ls);
  return ls.doComplete(doc, doc.lines.positionAt(offset)).items;
}

function documentation(item: CompletionItem): string {
  const d = item.documentation;
  return d === undefined ? '' : typeof d === 'string' ? d : d.value;
}

describe('every catalog entry survives Markdown rendering', () => {
  test('each key type: its name with brackets and its description, in the hover', () => {
    for (const name of catalog.allKeyTypeNames()) {
      const md = hoverAt(metabase(`<${name.slice(0, 1)}|${name.slice(1)} Location ="/LM/Somewhere" >\n</${name}>`));
      const text = shown(md);
      includes(text, `<${name}> — metabase key type`, name);
      includes(text, plain(describeKeyType(catalog, name)!.summary), name);
    }
  });

  test('each property: its name, description, note and value meanings, in the hover', () => {
    for (const name of catalog.allPropertyNames()) {
      const p = catalog.property(name)!;
      const keyType = p.keyTypes[0] ?? 'IIsObject';
      const md = hoverAt(metabase(`<${keyType} Location ="/LM/W3SVC/1/ROOT" ${name.slice(0, 1)}|${name.slice(1)}="1" >\n</${keyType}>`));
      const text = shown(md);
      const d = describeProperty(catalog, p);
      includes(text, `${name} — ${d.type}`, name);
      includes(text, plain(d.summary), name);
      if (d.note) includes(text, plain(d.note), name);
      for (const v of d.values) includes(text, plain(v.meaning ?? ''), `${name} ${v.name}`);
      includes(text, `Valid on: ${d.keyTypes.join(', ')}`.replace(/Valid on: $/, ''), name);
    }
  });

  test('completion documentation: every key type and every property', () => {
    const keyTypes = completionAt(metabase('<|'));
    assert.ok(keyTypes.length > 30);
    for (const item of keyTypes) includes(shown(documentation(item)), `<${item.label}> — metabase key type`, `key type item ${item.label}`);
    // A generic key is offered every property.
    const properties = completionAt(metabase('<IIsObject Location ="/LM/X" | >\n</IIsObject>')).filter((i) => i.label !== 'Location');
    assert.ok(properties.length > 400);
    for (const item of properties) {
      const d = describeProperty(catalog, catalog.property(item.label)!);
      const text = shown(documentation(item));
      includes(text, `${item.label} — ${d.type}`, `property item ${item.label}`);
      includes(text, plain(d.summary), `property item ${item.label}`);
    }
  });

  test('completion of values: the meaning of every flag and enumeration value', () => {
    for (const name of catalog.allPropertyNames()) {
      const p = catalog.property(name)!;
      const options = catalog.valueOptions(p);
      if (options.length === 0) continue;
      const keyType = p.keyTypes[0] ?? 'IIsObject';
      const items = completionAt(metabase(`<${keyType} Location ="/LM/W3SVC/1/ROOT" ${name}="|" >\n</${keyType}>`));
      for (const o of options) {
        if (!o.meaning) continue;
        const item = items.find((i) => i.textEdit?.newText === o.text);
        assert.ok(item, `${name}: no item inserts ${o.text}`);
        includes(shown(documentation(item)), plain(o.meaning), `${name} ${o.name}`);
      }
    }
  });
});

describe('text from the file survives Markdown rendering', () => {
  const SITE = `<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" >\n</IIsWebService>
<IIsApplicationPools Location ="/LM/W3SVC/AppPools" >\n</IIsApplicationPools>
<IIsApplicationPool Location ="/LM/W3SVC/AppPools/R&amp;D_&lt;1&gt;" AppPoolIdentityType="3" WAMUserName="LAB\\*svc*" >\n</IIsApplicationPool>
<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="R&amp;D &lt;Intranet&gt; *beta* [x](y) &amp;lt;" ServerBindings="10.0.0.1:80:a_b.example.com" >\n</IIsWebServer>
<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppPoolId="R&amp;D_&lt;1&gt;" >\n</IIsWebVirtualDir>`;

  test('a site\'s ServerComment, a pool\'s name and identity', () => {
    includes(shown(hoverAt(metabase(SITE.replace('<IIsWebServer', '<IIsWeb|Server')))), '— R&D <Intranet> *beta* [x](y) &lt;', 'ServerComment');
    const pool = shown(hoverAt(metabase(SITE.replace('AppPoolId="R', 'AppPoolId="|R'))));
    includes(pool, 'Application pool R&D_<1> (/LM/W3SVC/AppPools/R&D_<1>)', 'pool');
    includes(pool, 'running as LAB\\*svc*', 'identity');
    includes(shown(hoverAt(metabase(SITE.replace('<IIsWebVirtualDir', '<IIsWeb|VirtualDir')))), 'of pool R&D_<1>, running as LAB\\*svc*', 'application');
  });

  test('a binding\'s host header', () => {
    includes(shown(hoverAt(metabase(SITE.replace('a_b.example', 'a_|b.example')))), 'Host header: a_b.example.com', 'binding');
  });

  test('a note about ASP.NET in IIS 5.0 isolation mode names <processModel>', () => {
    const md = hoverAt(metabase(`<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="TRUE" >\n</IIsWebService>
<IIsWeb|VirtualDir Location ="/LM/W3SVC/1/ROOT" AppRoot="/LM/W3SVC/1/ROOT" AppIsolated="2" ScriptMaps=".aspx,c:\\windows\\microsoft.net\\framework\\v2.0.50727\\aspnet_isapi.dll,1,GET" >\n</IIsWebVirtualDir>`));
    includes(shown(md), 'configured by <processModel> in machine.config', 'note');
  });
});

describe('the escaping functions', () => {
  const nasty = ['<IIsWebServer>', '/LM/W3SVC/<n>', 'a & b &amp; &lt;', '*x* _y_ __z__ **w**', '`tick`', '[l](u) ![i](u)', 'a | b', '~~s~~ ~t~', 'C:\\PROGRA~1\\*.dll \\<', 'IIS_MD_UT_SERVER _lead trail_', '# not a heading', '<!-- c -->'];
  test('mdText: shown as written in a line', () => {
    for (const s of nasty) assert.equal(shown(`Text: ${mdText(s)}`), oneLine(`Text: ${s}`), s);
  });
  test('mdProse: shown as written as a paragraph', () => {
    for (const s of [...nasty, '1. not a list', '- not an item', '=== not a heading']) assert.equal(shown(mdProse(s.replace(/`/g, "'"))), oneLine(s.replace(/`/g, "'")), s);
  });
  test('mdText in a table cell', () => {
    for (const s of nasty) assert.equal(shown(`| a |\n|---|\n| ${mdText(s)} |`), oneLine(`a ${s}`), s);
  });
  test('mdProse: code spans kept, the rest shown as written', () => {
    assert.equal(shown(mdProse('At /LM/W3SVC/<n> set `<Custom>` & `a|b`, not *that*.')), 'At /LM/W3SVC/<n> set <Custom> & a|b, not *that*.');
  });
  test('mdCode: any value in a code span, an empty one said in words', () => {
    assert.equal(shown(mdCode('a`b <c> &amp;')), "a'b <c> &amp;");
    assert.equal(shown(mdCode('')), '(empty)');
  });
});
