import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeXmlValue, scan } from '../../server/src/parser/scanner';
import type { XmlDocument, XmlElement } from '../../server/src/parser/xmlTypes';
import { metabase } from '../helpers';

function value(text: string, el: XmlElement, name: string): string | undefined {
  const a = el.attributes.find((x) => x.name === name);
  if (!a || a.valueStart < 0) return undefined;
  return text.slice(el.start + a.valueStart, el.start + a.valueEnd);
}

function keys(doc: XmlDocument): XmlElement[] {
  return doc.elements.filter((e) => e.name.startsWith('IIs'));
}

function line(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** A clean three-site document in IIS's layout; the broken variants below damage site 2. */
function sites(): string {
  const site = (n: number): string =>
    [
      `<IIsWebServer\tLocation ="/LM/W3SVC/${n}"`,
      `\t\tAnonymousUserName="IUSR_WEB${n}"`,
      `\t\tServerBindings=":80:site${n}.example.com`,
      `\t\t\t:8080:site${n}.example.com"`,
      `\t\tServerComment="Site ${n}"`,
      `\t\tServerSize="1"`,
      `\t>`,
      `</IIsWebServer>`,
      `<IIsWebVirtualDir\tLocation ="/LM/W3SVC/${n}/ROOT"`,
      `\t\tAppRoot="/LM/W3SVC/${n}/ROOT"`,
      `\t\tPath="D:\\Sites\\S${n}"`,
      `\t>`,
      `</IIsWebVirtualDir>`,
    ].join('\r\n');
  return metabase([site(1), site(2), site(3)].join('\r\n'), true);
}

function locations(doc: XmlDocument, text: string): string[] {
  return keys(doc).map((e) => value(text, e, 'Location') ?? '?');
}

const ALL_LOCATIONS = ['/LM/W3SVC/1', '/LM/W3SVC/1/ROOT', '/LM/W3SVC/2', '/LM/W3SVC/2/ROOT', '/LM/W3SVC/3', '/LM/W3SVC/3/ROOT'];

describe('scanner: a clean document', () => {
  const text = sites();
  const doc = scan(text);

  test('reports nothing and finds every key', () => {
    assert.deepEqual(doc.problems, []);
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
  });

  test('keys are children of MBProperty, which is a child of configuration', () => {
    assert.deepEqual(doc.roots.map((r) => r.name), ['configuration']);
    const mb = doc.roots[0].children[0];
    assert.equal(mb.name, 'MBProperty');
    assert.equal(mb.children.length, 6);
    assert.ok(mb.children.every((c) => c.parent === mb));
  });

  test('records exact offsets of element names, attribute names and values', () => {
    const el = keys(doc)[2];
    assert.equal(text.slice(el.start, el.nameEnd), '<IIsWebServer');
    const a = el.attributes.find((x) => x.name === 'ServerComment')!;
    assert.equal(text.slice(el.start + a.nameStart, el.start + a.nameEnd), 'ServerComment');
    assert.equal(text.slice(el.start + a.valueStart, el.start + a.valueEnd), 'Site 2');
    assert.equal(text.slice(el.endTagStart, el.end), '</IIsWebServer>');
    assert.equal(text[el.startTagEnd - 1], '>');
  });

  test('keeps the line breaks of a MULTISZ value (one entry per line)', () => {
    assert.equal(value(text, keys(doc)[0], 'ServerBindings'), ':80:site1.example.com\r\n\t\t\t:8080:site1.example.com');
  });

  test('tab-separated `Location ="..."` as IIS writes it', () => {
    const el = keys(doc)[0];
    const a = el.attributes[0];
    assert.equal(a.name, 'Location');
    assert.equal(text.slice(el.start + a.nameEnd, el.start + a.valueStart), ' ="');
  });

  test('interns names: equal names are the same string, not slices of the document', () => {
    const [a, b] = [keys(doc)[0], keys(doc)[2]];
    assert.equal(a.name, b.name);
    assert.equal(a.attributes[0].name, b.attributes[0].name);
  });
});

describe('scanner: recovery keeps every key after the damage', () => {
  const clean = sites();
  const site2 = clean.indexOf('/LM/W3SVC/2"');

  function broken(from: string, to: string): { text: string; doc: XmlDocument } {
    const at = clean.indexOf(from, site2);
    assert.ok(at > 0, `"${from}" not in site 2`);
    const text = clean.slice(0, at) + to + clean.slice(at + from.length);
    return { text, doc: scan(text) };
  }

  test('missing closing quote of the first attribute', () => {
    const { text, doc } = broken('AnonymousUserName="IUSR_WEB2"', 'AnonymousUserName="IUSR_WEB2');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    const el = keys(doc)[2];
    assert.equal(value(text, el, 'AnonymousUserName'), 'IUSR_WEB2');
    assert.equal(value(text, el, 'ServerComment'), 'Site 2');
    assert.equal(value(text, el, 'ServerSize'), '1');
    assert.deepEqual(doc.problems.map((p) => [p.kind, line(text, p.start)]), [['missing-quote', line(text, text.indexOf('AnonymousUserName="IUSR_WEB2'))]]);
  });

  test('missing closing quote of the last attribute (runs into `\\t>`)', () => {
    const { text, doc } = broken('ServerSize="1"', 'ServerSize="1');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    assert.equal(value(text, keys(doc)[2], 'ServerSize'), '1');
    assert.deepEqual(doc.problems.map((p) => p.kind), ['missing-quote']);
  });

  test('start tag without its `\\t>` line', () => {
    const { text, doc } = broken('ServerSize="1"\r\n\t>', 'ServerSize="1"');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    assert.equal(value(text, keys(doc)[2], 'ServerSize'), '1');
    assert.deepEqual(doc.problems.map((p) => [p.kind, text.slice(p.start, p.end)]), [['unclosed-start-tag', 'IIsWebServer']]);
  });

  test('missing end tag: the next key ends it, and the error is on the unclosed key', () => {
    const { text, doc } = broken('\t>\r\n</IIsWebServer>', '\t>');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    const mb = doc.roots[0].children[0];
    assert.equal(mb.children.length, 6, 'later keys are not nested inside the unclosed one');
    assert.equal(doc.problems.length, 1);
    assert.equal(doc.problems[0].kind, 'unclosed-element');
    assert.equal(line(text, doc.problems[0].start), line(text, text.indexOf('/LM/W3SVC/2"')));
  });

  test('`<` inside a value is kept and reported', () => {
    const { text, doc } = broken('Site 2', 'A<B Corp');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    assert.equal(value(text, keys(doc)[2], 'ServerComment'), 'A<B Corp');
    assert.deepEqual(doc.problems.map((p) => p.kind), ['lt-in-value']);
  });

  test('bare `&` inside a value is kept and reported', () => {
    const { text, doc } = broken('Site 2', 'Smith & Sons');
    assert.equal(value(text, keys(doc)[2], 'ServerComment'), 'Smith & Sons');
    assert.deepEqual(doc.problems.map((p) => [p.kind, text.slice(p.start, p.end)]), [['bad-entity', '&']]);
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
  });

  test('half-typed attribute `AppIsolated=` with no value', () => {
    const { text, doc } = broken('\t\tAnonymousUserName', '\t\tAppIsolated=\r\n\t\tAnonymousUserName');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    const el = keys(doc)[2];
    assert.ok(el.attributes.some((a) => a.name === 'AppIsolated' && a.valueStart === -1));
    assert.equal(value(text, el, 'AnonymousUserName'), 'IUSR_WEB2');
    assert.deepEqual(doc.problems.map((p) => [p.kind, text.slice(p.start, p.end)]), [['missing-value', 'AppIsolated=']]);
  });

  test('truncated inside a value keeps everything before the cut', () => {
    const cut = clean.indexOf('D:\\Sites\\S2') + 4;
    const text = clean.slice(0, cut);
    const doc = scan(text);
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS.slice(0, 4));
    assert.equal(value(text, keys(doc)[3], 'Path'), 'D:\\S');
    assert.deepEqual(
      doc.problems.map((p) => p.kind),
      ['missing-quote', 'unclosed-start-tag', 'unclosed-element', 'unclosed-element', 'unclosed-element'],
    );
  });

  test('a stray `<` between keys', () => {
    const { text, doc } = broken('</IIsWebServer>', '</IIsWebServer>\r\n< ');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    assert.deepEqual(doc.problems.map((p) => p.kind), ['stray-lt']);
  });

  test('an end tag that closes nothing is reported and ignored', () => {
    const { text, doc } = broken('</IIsWebServer>', '</IIsWebServer>\r\n</IIsWebFile>');
    assert.deepEqual(locations(doc, text), ALL_LOCATIONS);
    assert.deepEqual(doc.problems.map((p) => [p.kind, text.slice(p.start, p.end)]), [['unexpected-end-tag', '</IIsWebFile>']]);
  });

  test('typographic closing quote pasted from a document', () => {
    const text = metabase('<IIsWebVirtualDir Location= "/LM/W3SVC/1/Root/Out" AccessFlags="AccessRead | AccessScript\u201d AppFriendlyName="Output" >\n</IIsWebVirtualDir>');
    const doc = scan(text);
    const el = keys(doc)[0];
    assert.equal(value(text, el, 'AccessFlags'), 'AccessRead | AccessScript\u201d');
    assert.equal(value(text, el, 'AppFriendlyName'), 'Output');
    assert.deepEqual(doc.problems.map((p) => p.kind), ['missing-quote']);
  });

  test('elisions such as `... many lines here ...` are one problem, and the attributes around them stay', () => {
    const text = metabase('<IIsWebService    Location ="/LM/W3SVC"\n      ... many lines here ...\n    AuthFlags="AuthAnonymous"\n    >\n</IIsWebService>');
    const doc = scan(text);
    assert.equal(value(text, keys(doc)[0], 'AuthFlags'), 'AuthAnonymous');
    assert.deepEqual(doc.problems.map((p) => [p.kind, text.slice(p.start, p.end)]), [['stray-text-in-tag', '... many lines here ...']]);
  });
});

describe('scanner: a metabase written on one line', () => {
  const oneLine = sites().replace(/>\s*\r\n\s*</g, '><').replace(/\r\n/g, ' ');

  test('a quote typed into a value spoils the rest of its start tag, not the keys after it', () => {
    const at = oneLine.indexOf('/LM/W3SVC/2"') + '/LM/W3'.length;
    const text = oneLine.slice(0, at) + '"' + oneLine.slice(at);
    assert.equal(text.split('\n').length, 1);
    const doc = scan(text);
    assert.deepEqual(locations(doc, text), ['/LM/W3SVC/1', '/LM/W3SVC/1/ROOT', '/LM/W3', '/LM/W3SVC/2/ROOT', '/LM/W3SVC/3', '/LM/W3SVC/3/ROOT']);
    // The rest of site 2's start tag, up to its '>', is one run of stray text.
    const tagEnd = text.indexOf('>', at);
    assert.deepEqual(doc.problems.map((p) => [p.kind, p.start, p.end]), [['stray-text-in-tag', at + 1, text.lastIndexOf('"', tagEnd) + 1]]);
    assert.equal(value(text, keys(doc)[3], 'AppRoot'), '/LM/W3SVC/2/ROOT');
  });
});

describe('scanner: names XML does not allow', () => {
  test('markdown left in a file (`**Name=`): an error at each forbidden character, and the key keeps its other properties', () => {
    const text = metabase('<IIsCompressionScheme\tLocation ="/LM/W3SVC/Filters/Compression/gzip"\n\t\t**HcScriptFileExtensions="asp"\n\t\tHcDynamicCompressionLevel="9"\n\t>\n</IIsCompressionScheme>');
    const doc = scan(text);
    const at = text.indexOf('**Hc');
    assert.deepEqual(
      doc.problems.map((p) => [p.kind, p.start - at, p.end - at, p.severity]),
      [
        ['malformed-name', 0, 1, 'error'],
        ['malformed-name', 1, 2, 'error'],
      ],
    );
    assert.match(doc.problems[0].message, /cannot start an attribute name/);
    assert.match(doc.problems[1].message, /not allowed in an attribute name/);
    assert.equal(value(text, keys(doc)[0], 'HcDynamicCompressionLevel'), '9');
    assert.equal(value(text, keys(doc)[0], '**HcScriptFileExtensions'), 'asp');
  });

  test('a digit or a hyphen cannot start a name but may follow; letters of other scripts, _ and : may start one', () => {
    const text = metabase('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\t1Comment="a"\n\t\t-Flag="b"\n\t\tServer-Size.2="c"\n\t\t_x:y="d"\n\t\tÉtat="e"\n\t\tNa#me="f"\n\t>\n</IIsWebServer>');
    const doc = scan(text);
    assert.deepEqual(
      doc.problems.map((p) => text.slice(p.start, p.end)),
      ['1', '-', '#'],
    );
  });

  test('an element name is checked the same way', () => {
    const text = metabase('<*IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t>\n</*IIsWebServer>');
    const doc = scan(text);
    assert.deepEqual(doc.problems.map((p) => [p.kind, text.slice(p.start, p.end)]), [['malformed-name', '*']]);
    assert.match(doc.problems[0].message, /cannot start an element name/);
  });

  test('the names of a clean file are all well-formed', () => {
    const text = sites();
    assert.deepEqual(scan(text).problems, []);
  });
});

describe('scanner: what real files contain', () => {
  test('UTF-8 BOM, XML declaration, comments, Custom children', () => {
    const text = '\ufeff' + metabase('<!-- saved by hand -->\n<IIsWebService\tLocation ="/LM/W3SVC"\n\t>\n\t<Custom\n\t\tName="UnknownName_2166"\n\t\tID="2166"\n\t\tValue="1"\n\t\tType="DWORD"\n\t/>\n</IIsWebService>');
    const doc = scan(text);
    assert.deepEqual(doc.problems, []);
    const ws = keys(doc)[0];
    assert.equal(ws.children.length, 1);
    assert.equal(ws.children[0].name, 'Custom');
    assert.equal(ws.children[0].selfClosing, true);
    assert.equal(doc.comments.length, 1);
  });

  test('no namespace, or the older V54 namespace, parse the same', () => {
    for (const root of ['<configuration>', '<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V54_0">']) {
      const text = `<?xml version ="1.0"?>\n${root}\n<MBProperty>\n<IIS_Global Location ="." ChangeNumber="1" >\n</IIS_Global>\n</MBProperty>\n</configuration>\n`;
      const doc = scan(text);
      assert.deepEqual(doc.problems, []);
      assert.equal(keys(doc).length, 0);
      assert.equal(doc.elements.find((e) => e.name === 'IIS_Global')?.attributes.length, 2);
    }
  });

  test('entity references are decoded only when asked, never expanded from a DTD', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="Smith &amp; Sons&#x0A;&#65;&lt;" >\n</IIsWebServer>');
    const doc = scan(text);
    assert.deepEqual(doc.problems, []);
    const raw = value(text, keys(doc)[0], 'ServerComment')!;
    assert.equal(raw, 'Smith &amp; Sons&#x0A;&#65;&lt;');
    assert.equal(decodeXmlValue(raw), 'Smith & Sons\nA<');
    assert.equal(decodeXmlValue('&lol;&amp;'), '&lol;&');
  });

  test('a DOCTYPE with internal entities is skipped, reported, and its entities stay unexpanded', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n' +
      metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="&lol2;" >\n</IIsWebServer>').replace('<?xml version ="1.0"?>\n', '');
    const doc = scan(text);
    assert.deepEqual(doc.problems.map((p) => p.kind), ['doctype', 'bad-entity']);
    assert.equal(value(text, keys(doc)[0], 'ServerComment'), '&lol2;');
  });

  test('a binary file yields one problem and no elements', () => {
    const text = 'MZ\u0090\u0000\u0003\u0000\u0000\u0000<IIsWebServer Location="x">'.repeat(50);
    const doc = scan(text);
    assert.deepEqual(doc.problems.map((p) => p.kind), ['binary-content']);
    assert.equal(doc.elements.length, 0);
  });

  test('a duplicated attribute is reported on the second occurrence', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerSize="1" ServerSize="2" >\n</IIsWebServer>');
    const doc = scan(text);
    assert.deepEqual(doc.problems.map((p) => [p.kind, p.start]), [['duplicate-attribute', text.lastIndexOf('ServerSize')]]);
  });

  test('an unclosed comment swallows the rest and says so', () => {
    const text = metabase('<!-- TODO\n<IIsWebServer Location ="/LM/W3SVC/1" >\n</IIsWebServer>');
    const doc = scan(text);
    assert.equal(doc.problems[0].kind, 'unclosed-comment');
    assert.equal(keys(doc).length, 0);
  });
});
