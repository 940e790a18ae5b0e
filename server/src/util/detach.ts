/**
 * A copy of `s` that does not keep the document alive.
 *
 * V8 represents `text.slice(a, b)` of 13 characters or more as a view into `text` (a "sliced
 * string"), and a template string built from it keeps that view. Anything stored beyond one
 * version of a 25 MB document (key Locations, cached findings, parsed values) would then hold the
 * whole text of that version: ten keystrokes, ten texts. Concatenating and slicing again makes V8
 * flatten a new, small string first.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
