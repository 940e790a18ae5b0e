/**
 * Mutations as fast-check arbitraries. A mutant is a seed file plus either a few text operations
 * (delete / duplicate / swap / replace ranges, insert hostile tokens, truncate, change case or
 * line ends) or byte-level damage (encode, corrupt bytes, decode with decodeFileBytes as the CLI
 * does). Positions are drawn relative to structure (`<`, `"`, `=`, `>`, line ends) as well as
 * uniformly, so damage lands inside names, values, comments and the BOM.
 *
 * Applying a mutant also yields the LSP content changes that turn the seed into the mutant, in
 * the order an editor would send them, for the incremental-update check.
 */
import fc from 'fast-check';
import { decodeFileBytes } from '../../server/src/util/fileText';

// ---- tokens -----------------------------------------------------------------------------

/** Hostile and structural snippets inserted at random places. */
export const TOKENS: readonly string[] = [
  '<', '>', '"', "'", '&', '=', '/', '/>', '</', ']]>', '<!--', '-->', '--', '<![CDATA[', '<![CDATA[x]]>',
  '<!DOCTYPE x [<!ENTITY a "b">]>', '<!DOCTYPE configuration>', '<?pi?>', '<?xml version ="1.0"?>', '<?', '?>', '<!',
  '\0', '\uD800', '\uDFFF', '\uDBFF\uDC00', '\uFFFD', '\uFEFF', '\uFFFE', '\uFFFF', '\u0085', '\u2028', '\u2029', '\u00A0', '\u200B',
  '\r\n', '\r', '\n', '\n\r', '\t', ' ', '\v', '\f', '\x1B', '\x7F',
  '&amp;', '&lt;', '&quot;', '&#x0;', '&#0;', '&#xD800;', '&#65;', '&#x110000;', '&a;', '&lt', '&#', '&#x;',
  'Location ="', 'Location="/LM/W3SVC/1/ROOT"', 'AppPoolId="', 'AppPoolId="DefaultAppPool"', 'AppPoolId="Missing"',
  'AppRoot="/LM/W3SVC/1/ROOT"', 'AppIsolated="2"', 'IIs5IsolationModeEnabled="TRUE"', 'IIs5IsolationModeEnabled="FALSE"',
  'AspEnableParentPath="TRUE"', 'ServerAutoStart="ture"', 'AppPoolQueueLength="5"', 'AppPoolIdentityType="0"', 'MaxProcesses="4"',
  'AuthFlags="AuthNTLM | AuthBsic"', 'ServerBindings="1.2.3.4:80:\n\t\t\t:80:"', 'Path="C:\\x"', 'WAMUserPass="secret"',
  '</IIsWebVirtualDir>', '</IIsWebServer>', '</MBProperty>', '</configuration>', '</IIsApplicationPool>',
  '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/fz"\r\n\t\tAppRoot="/LM/W3SVC/1/ROOT/fz"\r\n\t>\r\n</IIsWebVirtualDir>\r\n',
  '<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/FzPool"\r\n\t>\r\n</IIsApplicationPool>\r\n',
  '<IIsApplicationPool Location="/LM/W3SVC/AppPools/DefaultAppPool"/>',
  '<IIsWebServer\tLocation ="/LM/W3SVC/1"\r\n\t\tServerBindings=":80:"\r\n\t>\r\n',
  '<IIsWebService Location="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE">',
  '<Custom\r\n\t\tName="x"\r\n\t\tID="1"\r\n\t\tValue="0"\r\n\t\tType="DWORD"\r\n\t/>',
  '<Custom Name="y" ID="9999" Type="MULTISZ" Value="a\nb"/>',
  '<IIsWebVirtualDir', '<IIsWe', '<IIsApplicationPool ', '<Foo Location="/LM/x">', '<MBProperty>', '<configuration>',
  '<!-- iis6-metabase-disable -->', '<!-- iis6-metabase-disable-next-line apppool-not-found -->', '<!-- iis6-metabase-disable unknown-property',
  'TRUE', 'FALSE', 'true', '0', '-1', '4294967295', '4294967296', '99999999999999999999', '0x10', '1e3', ' | ', '|', '/LM/W3SVC/1/ROOT', '/LM/W3SVC/AppPools/',
  '\u0130', '\u0131', 'K\u212A', '\uD83D\uDE00', 'é', 'e\u0301',
];

/** Units repeated into long runs. */
const RUN_UNITS: readonly string[] = ['<', '>', '"', "'", '=', ' ', '\t', '\n', '\r', '\r\n', 'a', '/', '&', '\0', '\uFFFD', '\uD800', '-', '<a ', '<a>', '</a>', '<!--', '-->', 'x="', 'x="1" ', '<![CDATA[', '|'];

export interface RunOptions {
  /** Longest run of one unit, in characters. */
  maxRun: number;
}

const controlChar = fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c));
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const asciiPrintable = fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c));

export function insertText(opts: RunOptions): fc.Arbitrary<string> {
  const run = fc
    .record({ unit: fc.constantFrom(...RUN_UNITS), chars: fc.integer({ min: 16, max: Math.max(16, opts.maxRun) }) })
    .map(({ unit, chars }) => unit.repeat(Math.max(1, Math.floor(chars / unit.length))));
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...TOKENS) },
    { weight: 4, arbitrary: fc.array(fc.constantFrom(...TOKENS), { minLength: 2, maxLength: 6 }).map((a) => a.join('')) },
    { weight: 3, arbitrary: controlChar },
    { weight: 2, arbitrary: fc.string({ unit: anyCodeUnit, minLength: 1, maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: asciiPrintable, minLength: 1, maxLength: 20 }) },
    { weight: 1, arbitrary: run },
  );
}

// ---- positions and operations -----------------------------------------------------------

export type Anchor = 'any' | '<' | '"' | '=' | '>' | '\n' | 'start' | 'end';

/** A position: the n-th (modulo) occurrence of an anchor character, moved by delta. */
export interface Pos {
  anchor: Anchor;
  n: number;
  delta: number;
}

export type TextOp =
  | { k: 'insert'; at: Pos; s: string }
  | { k: 'delete'; at: Pos; len: number }
  | { k: 'replace'; at: Pos; len: number; s: string }
  | { k: 'duplicate'; at: Pos; len: number; to: Pos }
  | { k: 'swap'; a: Pos; lenA: number; b: Pos; lenB: number }
  | { k: 'truncate'; at: Pos }
  | { k: 'case'; at: Pos; len: number; upper: boolean }
  | { k: 'eol'; to: '\n' | '\r\n' | '\r' };

export type ByteOp =
  | { k: 'set'; at: number; v: number }
  | { k: 'flip'; at: number; bit: number }
  | { k: 'truncate'; at: number }
  | { k: 'insert'; at: number; bytes: number[] }
  | { k: 'delete'; at: number; len: number };

export interface ByteMutation {
  encoding: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';
  ops: ByteOp[];
}

export type ChangeMode = 'single' | 'sequence' | 'steps' | 'full';

export interface Mutant {
  /** Picks the seed file (by weight, modulo). */
  seedPick: number;
  body: { kind: 'text'; ops: TextOp[] } | { kind: 'bytes'; mutation: ByteMutation };
  /** How the change reaches doc.update(): one range, the ops in one notification, one update per op, or the whole text. */
  changeMode: ChangeMode;
  /** Seeds the choice of cursor positions and of quick fixes to apply. */
  rng: number;
}

const pos: fc.Arbitrary<Pos> = fc.record({
  anchor: fc.constantFrom<Anchor>('any', 'any', 'any', '<', '"', '"', '=', '>', '\n', 'start', 'end'),
  n: fc.nat(),
  delta: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -40, max: 40 }) }),
});

const len = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }) },
);

export function textOp(opts: RunOptions): fc.Arbitrary<TextOp> {
  const s = insertText(opts);
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ k: fc.constant('insert' as const), at: pos, s }) },
    { weight: 5, arbitrary: fc.record({ k: fc.constant('delete' as const), at: pos, len }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('replace' as const), at: pos, len, s }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('duplicate' as const), at: pos, len, to: pos }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('swap' as const), a: pos, lenA: len, b: pos, lenB: len }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('truncate' as const), at: pos }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('case' as const), at: pos, len, upper: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('eol' as const), to: fc.constantFrom<'\n' | '\r\n' | '\r'>('\n', '\r\n', '\r') }) },
  );
}

/** Byte offsets: the first bytes (BOM, declaration) often, anywhere otherwise. */
const bytePos = fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 3, arbitrary: fc.nat() });

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('set' as const), at: bytePos, v: fc.oneof(fc.constantFrom(0x00, 0x80, 0xbf, 0xc0, 0xc1, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xfe, 0xff), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('flip' as const), at: bytePos, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('truncate' as const), at: bytePos }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('insert' as const),
      at: bytePos,
      bytes: fc.oneof(
        fc.constantFrom<number[]>([0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf], [0xed, 0xa0, 0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x00, 0x3c], [0x3c, 0x00], [0xd8, 0x00]),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), at: bytePos, len: fc.integer({ min: 1, max: 4 }) }) },
);

export function mutantArbitrary(opts: RunOptions): fc.Arbitrary<Mutant> {
  const textBody = fc.record({ kind: fc.constant('text' as const), ops: fc.array(textOp(opts), { minLength: 1, maxLength: 4 }) });
  const byteBody = fc.record({
    kind: fc.constant('bytes' as const),
    mutation: fc.record({
      encoding: fc.constantFrom<ByteMutation['encoding']>('utf8', 'utf8', 'utf8-bom', 'utf16le', 'utf16be'),
      ops: fc.array(byteOp, { minLength: 1, maxLength: 5 }),
    }),
  });
  return fc.record({
    seedPick: fc.nat(),
    body: fc.oneof({ weight: 8, arbitrary: textBody }, { weight: 2, arbitrary: byteBody }),
    changeMode: fc.constantFrom<ChangeMode>('single', 'single', 'sequence', 'steps', 'full'),
    rng: fc.integer(),
  });
}

// ---- applying ---------------------------------------------------------------------------

/** One replacement in the text as it is before it (offsets in UTF-16 code units). */
export interface OffsetChange {
  start: number;
  end: number;
  text: string;
}

export interface Applied {
  text: string;
  /** The changes from the seed to `text`, each relative to the text after the previous one. */
  changes: OffsetChange[];
}

function resolve(text: string, p: Pos): number {
  let base: number;
  if (p.anchor === 'any') base = p.n % (text.length + 1);
  else if (p.anchor === 'start') base = p.n % Math.min(text.length + 1, 8);
  else if (p.anchor === 'end') base = text.length - (p.n % Math.min(text.length + 1, 8));
  else {
    const c = p.anchor.charCodeAt(0);
    let count = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === c) count++;
    if (count === 0) base = p.n % (text.length + 1);
    else {
      let want = p.n % count;
      base = 0;
      for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) === c && want-- === 0) {
          base = i;
          break;
        }
      }
    }
  }
  return Math.max(0, Math.min(text.length, base + p.delta));
}

/** The smallest single change that turns `a` into `b` (common prefix and suffix kept). */
export function diffChange(a: string, b: string): OffsetChange {
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  let start = p;
  let end = a.length - s;
  let bEnd = b.length - s;
  // No LSP position lies between a CR and its LF (one there means the end of the line, before
  // the CR): a change that starts or ends there takes that character in too, as an editor's would.
  if (start > 0 && a.charCodeAt(start - 1) === 13 && a.charCodeAt(start) === 10) start--;
  if (end > 0 && end < a.length && a.charCodeAt(end - 1) === 13 && a.charCodeAt(end) === 10) {
    end++;
    bEnd++;
  }
  return { start, end, text: b.slice(start, bEnd) };
}

function applyTextOp(text: string, op: TextOp): OffsetChange {
  switch (op.k) {
    case 'insert': {
      const at = resolve(text, op.at);
      return { start: at, end: at, text: op.s };
    }
    case 'delete': {
      const at = resolve(text, op.at);
      return { start: at, end: Math.min(text.length, at + op.len), text: '' };
    }
    case 'replace': {
      const at = resolve(text, op.at);
      return { start: at, end: Math.min(text.length, at + op.len), text: op.s };
    }
    case 'duplicate': {
      const at = resolve(text, op.at);
      const piece = text.slice(at, at + op.len);
      const to = resolve(text, op.to);
      return { start: to, end: to, text: piece };
    }
    case 'swap': {
      let a = resolve(text, op.a);
      let b = resolve(text, op.b);
      let la = op.lenA;
      let lb = op.lenB;
      if (b < a) [a, b, la, lb] = [b, a, lb, la];
      la = Math.min(la, b - a);
      lb = Math.min(lb, text.length - b);
      if (la === 0 || lb === 0) return { start: a, end: a, text: '' };
      const next = text.slice(0, a) + text.slice(b, b + lb) + text.slice(a + la, b) + text.slice(a, a + la) + text.slice(b + lb);
      const c = diffChange(text.slice(a, b + lb), next.slice(a, a + (b + lb - a)));
      return { start: a + c.start, end: a + c.end, text: c.text };
    }
    case 'truncate': {
      const at = resolve(text, op.at);
      return { start: at, end: text.length, text: '' };
    }
    case 'case': {
      const at = resolve(text, op.at);
      const end = Math.min(text.length, at + op.len);
      const piece = text.slice(at, end);
      return { start: at, end, text: op.upper ? piece.toUpperCase() : piece.toLowerCase() };
    }
    case 'eol': {
      const next = text.replace(/\r\n|\r|\n/g, op.to);
      return diffChange(text, next);
    }
  }
}

function encode(text: string, encoding: ByteMutation['encoding']): Uint8Array {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.from('\uFEFF' + body, 'utf8');
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
    case 'utf16be': {
      const le = Buffer.from(body, 'utf16le');
      for (let i = 0; i + 1 < le.length; i += 2) {
        const x = le[i];
        le[i] = le[i + 1];
        le[i + 1] = x;
      }
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    }
  }
}

export function applyByteMutation(text: string, m: ByteMutation): string {
  let bytes = Array.from(encode(text, m.encoding));
  for (const op of m.ops) {
    const at = bytes.length === 0 ? 0 : op.at % (bytes.length + 1);
    switch (op.k) {
      case 'set':
        if (at < bytes.length) bytes[at] = op.v;
        break;
      case 'flip':
        if (at < bytes.length) bytes[at] ^= 1 << op.bit;
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'insert':
        bytes.splice(at, 0, ...op.bytes);
        break;
      case 'delete':
        bytes.splice(at, op.len);
        break;
    }
  }
  return decodeFileBytes(Uint8Array.from(bytes));
}

export function applyMutant(seedText: string, m: Mutant): Applied {
  if (m.body.kind === 'bytes') {
    const text = applyByteMutation(seedText, m.body.mutation);
    return { text, changes: [diffChange(seedText, text)] };
  }
  let text = seedText;
  const changes: OffsetChange[] = [];
  for (const op of m.body.ops) {
    const c = applyTextOp(text, op);
    changes.push(c);
    text = text.slice(0, c.start) + c.text + text.slice(c.end);
  }
  return { text, changes };
}

/** A short printable description of a mutant (strings cut, control characters escaped). */
export function describeMutant(m: Mutant): string {
  return JSON.stringify(m.body, (_k, v: unknown) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 40)}…(${v.length} chars)` : v));
}
