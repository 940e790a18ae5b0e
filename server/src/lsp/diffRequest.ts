/**
 * iis6Metabase/diff (protocol.ts): the language service's diff of two metabases, for the editor's
 * "Compare with History…" and "Copy Changes as adsutil Script" commands. Each side is the text the
 * client sends, or the open document of its uri. The answer carries positions in both files (for
 * the changes tree), the effects, the new errors, and the adsutil script and text of the CLI, so
 * that the editor shows and copies exactly what `iis6-metabase diff` prints.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { adsutilScript, diffText } from '../features/diffOutput';
import type { MetabaseLanguageService } from '../languageService';
import type { MetabaseDocument } from '../metabaseDocument';
import type { DiffParams, DiffResult, DiffSide } from '../protocol';
import type { DocumentStore } from './documentStore';
import { fileNameOf } from '../util/uris';

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `iis6Metabase/diff: ${message}`);
}

function checkSide(p: unknown, field: string): DiffSide {
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw invalid(`params.${field} must be an object {uri, text?}`);
  const s = p as Record<string, unknown>;
  if (typeof s.uri !== 'string') throw invalid(`params.${field}.uri must be a string`);
  if (s.text !== undefined && typeof s.text !== 'string') throw invalid(`params.${field}.text must be a string when given`);
  return { uri: s.uri, text: s.text as string | undefined };
}

export function diffRequest(ls: MetabaseLanguageService, store: DocumentStore, params: DiffParams | undefined): DiffResult {
  if (!params || typeof params !== 'object') throw invalid('params must be an object {old, new}');
  const sides = [checkSide(params.old, 'old'), checkSide(params.new, 'new')] as const;
  const docs = sides.map((s): MetabaseDocument | undefined => (s.text !== undefined ? ls.parse(s.uri, 0, s.text) : store.get(s.uri)));
  const [oldDoc, newDoc] = docs;
  if (!oldDoc || !newDoc) return null;
  const diff = ls.diffDocuments(oldDoc, newDoc);
  const at = (doc: MetabaseDocument, offset: number | null) => (offset === null ? null : doc.lines.positionAt(offset));
  const names = { oldName: fileNameOf(sides[0].uri), newName: fileNameOf(sides[1].uri) };
  // A name shared by both (History copies are all MetaBase_*.xml, but two exports may both be MetaBase.xml): say which is which.
  if (names.oldName === names.newName) names.oldName = `${names.oldName} (old)`;
  return {
    old: sides[0].uri,
    new: sides[1].uri,
    changes: diff.changes.map((c) => ({
      kind: c.kind,
      location: c.location,
      keyType: c.keyType,
      property: c.property,
      old: c.old,
      new: c.new,
      secure: c.secure,
      oldPosition: at(oldDoc, c.oldOffset),
      newPosition: at(newDoc, c.newOffset),
    })),
    effects: diff.effects,
    newErrors: diff.newErrors.map((e) => ({ code: e.code, message: e.message, location: e.location, position: { line: e.line - 1, character: 0 } })),
    adsutil: adsutilScript(diff, names),
    text: diffText(diff, names.oldName, names.newName),
  };
}
