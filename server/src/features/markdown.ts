/**
 * Text for Markdown (hover and completion documentation are MarkupContent). Editors render it
 * without HTML: VS Code drops every tag it finds, so `<IIsWebServer>` or `/LM/W3SVC/<n>` written
 * as text would vanish, and `&lt;` would turn into `<`. Everything that is text goes through
 * here; names with brackets go into code spans, where nothing is interpreted.
 */

/** ASCII punctuation: what a backslash escapes in CommonMark. */
const PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * Escapes text so that a Markdown renderer shows it as written: every `<`, `>` and `&`, the
 * characters that start emphasis, code spans, links, table cells and strikethrough, and a
 * backslash that would otherwise escape what follows it. An underscore inside a word
 * (IIS_MD_UT_SERVER) does nothing in CommonMark and is left alone; line breaks become spaces.
 * For text in the middle of a line (see mdProse for a paragraph).
 */
export function mdText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    switch (c) {
      case '<':
      case '>':
      case '&':
      case '*':
      case '`':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\' + c;
        break;
      case '_':
        out += /[A-Za-z0-9]/.test(s[i - 1] ?? '') && /[A-Za-z0-9]/.test(s[i + 1] ?? '') ? c : '\\_';
        break;
      case '\\':
        out += i + 1 >= s.length || PUNCTUATION.test(s[i + 1]) ? '\\\\' : c;
        break;
      case '\r':
        if (s[i + 1] !== '\n') out += ' ';
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/**
 * Our documentation texts: Markdown whose only markup is `code spans`. The code spans are kept,
 * everything between them is escaped as text, and what would start a heading or a list is
 * escaped at the start (they may stand as paragraphs of their own).
 */
export function mdProse(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(/`[^`\n]+`/g)) {
    out += mdText(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  out += mdText(s.slice(last));
  return out.replace(/^(\s*)([#+=-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/**
 * A code span of any text (a value from the file): backticks become quotes, line breaks spaces,
 * and a long value is cut. (Two backticks with nothing between them are no code span.)
 */
export function mdCode(s: string, max = 120): string {
  if (s === '') return '*(empty)*';
  const clean = s.replace(/`/g, "'").replace(/\r\n?|\n/g, ' ');
  return `\`${clean.length > max ? clean.slice(0, max - 3) + '…' : clean}\``;
}

/** Markdown escapes back to plain text (for the terminal). */
export function unescapeMarkdown(s: string): string {
  return s.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
