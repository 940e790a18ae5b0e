/**
 * Shared test helpers: inline documents with a `|` cursor marker, the metabase wrapper, and one
 * factory for expected diagnostics so tests compare whole objects.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { getMetabaseLanguageService, type LanguageSettings, type MetabaseLanguageService } from '../server/src/languageService';
import type { MetabaseDocument } from '../server/src/metabaseDocument';
import { findSharedDir } from '../scripts/sharedDir';

export const repoRoot = path.resolve(__dirname, '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');

/** Wraps keys in the document skeleton IIS writes (CRLF line ends, like a real file). */
export function metabase(body: string, crlf = false): string {
  const text = `<?xml version ="1.0"?>\n<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">\n<MBProperty>\n${body.replace(/^\n/, '')}\n</MBProperty>\n</configuration>\n`;
  return crlf ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** Splits `text` at the `|` cursor marker. */
export function withCursor(textWithCursor: string): { text: string; offset: number } {
  const offset = textWithCursor.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in test document');
  return { text: textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1), offset };
}

export function service(settings: LanguageSettings = {}): MetabaseLanguageService {
  return getMetabaseLanguageService(settings);
}

export function parse(text: string, ls: MetabaseLanguageService = service()): MetabaseDocument {
  return ls.parse('file:///test/MetaBase.xml', 1, text);
}

export function diagnosticsOf(text: string, settings: LanguageSettings = {}): Diagnostic[] {
  const ls = service(settings);
  return ls.doValidation(parse(text, ls));
}

/** Diagnostics of one rule only. */
export function diagnosticsFor(code: string, text: string, settings: LanguageSettings = {}): Diagnostic[] {
  return diagnosticsOf(text, settings).filter((d) => d.code === code);
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The expected shape of a diagnostic (after yaml-language-server's createExpectedError). */
export function expectedDiagnostic(
  code: string,
  message: string,
  startLine: number,
  startCharacter: number,
  endLine: number,
  endCharacter: number,
  severity: keyof typeof SEVERITY,
  data: Record<string, unknown>,
): Diagnostic {
  return {
    range: { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } },
    severity: SEVERITY[severity],
    code,
    codeDescription: { href: `https://github.com/iis6-metabase/iis6-metabase/blob/main/docs/rules.md#${code}` },
    source: 'iis6-metabase',
    message,
    data,
  };
}

/** Line/character of the first occurrence of `needle` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" not found in test document`);
  const before = text.slice(0, at + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

/** A real-world file: from test/fixtures/realworld, else from the shared research folder. */
export function realWorld(name: string): string | undefined {
  const local = path.join(fixturesDir, 'realworld', name);
  if (existsSync(local)) return readFileSync(local, 'utf8');
  const shared = findSharedDir();
  const file = shared && path.join(shared, 'realworld', name);
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export { findSharedDir };
