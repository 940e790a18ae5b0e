/**
 * Parsing a huge document in slices: the scanner stops after each chunk and the next slice
 * resumes with the elements still open, so a 100 MB metabase never blocks the server for more
 * than one chunk at a time. The result is the same as one scan (tested).
 */
import { scan, type ScanResult } from './scanner';
import { NameTable, type XmlDocument, type XmlElement } from './xmlTypes';

export const SLICE_CHARS = 2_000_000;

export async function scanInSlices(text: string, pause: () => Promise<void>, sliceChars = SLICE_CHARS): Promise<XmlDocument> {
  const names = new NameTable();
  const doc = { elements: [] as XmlElement[], roots: [] as XmlElement[], comments: [] as XmlDocument['comments'], problems: [] as XmlDocument['problems'], length: text.length, names, namesAtParse: 0 };
  let from = 0;
  let open: XmlElement[] = [];
  for (;;) {
    const limit = from + sliceChars;
    const r: ScanResult = scan(text, {
      from,
      openElements: open,
      stopAfter: limit,
      stopAt: (lt) => lt >= limit,
      names,
    });
    for (const e of r.elements) doc.elements.push(e);
    for (const e of r.roots) doc.roots.push(e);
    for (const c of r.comments) doc.comments.push(c);
    for (const p of r.problems) doc.problems.push(p);
    if (r.stoppedAt >= text.length) {
      doc.namesAtParse = names.strings.length;
      break; // ran to the end (and closed what was open)
    }
    from = r.stoppedAt;
    open = r.openAtStop;
    await pause();
  }
  return doc;
}
