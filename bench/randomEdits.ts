/**
 * Random edits of a metabase for the reliability bench and tests: at a random offset, delete up
 * to 20 characters and/or insert one of a few fragments an editor session produces (a letter, a
 * quote, a '<', a line break, a whole attribute, a start tag, half an AppPoolId, a password value
 * that holds a quote). They break the file in every way typing does, on purpose.
 */
export const FRAGMENTS: readonly string[] = [
  'a',
  '"',
  '<',
  '>',
  '\n',
  ' ',
  'x="1"',
  'Pass',
  '/',
  'Location="/LM/W3SVC/5"',
  '<IIsWebVirtualDir Location="/LM/W3SVC/1/ROOT/z">',
  'AppPoolId="P',
  'AccessFlags="AccessRead | AccessScriptx"',
  '="Quote-Pa55"Foxtrot-Tail"',
];

export interface RandomEdit {
  start: number;
  end: number;
  text: string;
}

/** The next random edit of a text of `length` characters. */
export function randomEdit(rnd: () => number, length: number): RandomEdit {
  const start = Math.floor(rnd() * length);
  const del = rnd() < 0.4 ? Math.floor(rnd() * 20) : 0;
  const text = rnd() < 0.7 ? FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)] : '';
  return { start, end: Math.min(length, start + del), text };
}
