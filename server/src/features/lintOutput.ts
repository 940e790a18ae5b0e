/**
 * The text output of `iis6-metabase lint`, one line per diagnostic:
 *
 *   FILE:LINE:COLUMN SEVERITY RULE MESSAGE
 *
 * (1-based line and column, severity error|warning|information|hint). The CLI prints it, the
 * extension's lint task (client/src/lintTask.ts) writes the same lines, and the problem matcher
 * `$iis6-metabase` (package.json) reads them back into the Problems panel.
 */
import type { Diagnostic } from 'vscode-languageserver-types';

export const SEVERITY_NAMES = ['error', 'warning', 'information', 'hint'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export function severityName(d: Pick<Diagnostic, 'severity'>): SeverityName {
  return SEVERITY_NAMES[(d.severity ?? 1) - 1] ?? 'error';
}

/** One diagnostic as a line; a message never spans lines (a matcher reads one line at a time). */
export function lintLine(file: string, d: Pick<Diagnostic, 'range' | 'severity' | 'code' | 'message'>): string {
  const message = (typeof d.message === 'string' ? d.message : d.message.value).replace(/\s*[\r\n]+\s*/g, ' ');
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severityName(d)} ${String(d.code)} ${message}`;
}

export type SeverityCounts = Record<SeverityName, number>;

export function countSeverities(diagnostics: Iterable<Pick<Diagnostic, 'severity'>>, counts: SeverityCounts = { error: 0, warning: 0, information: 0, hint: 0 }): SeverityCounts {
  for (const d of diagnostics) counts[severityName(d)]++;
  return counts;
}

/** The last line: "2 files: 1 error(s), 3 warning(s), 0 information, 0 hint(s)". */
export function lintSummary(files: number, c: SeverityCounts): string {
  return `${files} file${files === 1 ? '' : 's'}: ${c.error} error(s), ${c.warning} warning(s), ${c.information} information, ${c.hint} hint(s)`;
}
