/**
 * Runs the rule registry over a parsed document and turns findings into LSP diagnostics:
 * severities from settings, comment suppression, a cap on the number of diagnostics, and
 * diagnostic.data carrying the key, Location and property each finding is about (the CLI prints
 * them, quick fixes read them).
 */
import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import type { MetabaseDocument } from '../metabaseDocument';
import type { MetabaseKey } from '../model/metabaseModel';
import { allRules, ruleById } from '../rules/registry';
import type { Finding, RuleContext, Severity, SeveritySetting } from '../rules/ruleTypes';
import { SuppressionFilter } from '../rules/suppression';
import type { XmlAttribute } from '../parser/xmlTypes';

export const DIAGNOSTIC_SOURCE = 'iis6-metabase';

export interface ValidationSettings {
  /** Per-rule severity overrides. */
  rules?: Record<string, SeveritySetting>;
  /** At most this many diagnostics per file (default 1000). */
  maxDiagnostics?: number;
}

export interface DiagnosticData {
  keyType: string | null;
  location: string | null;
  property: string | null;
  [extra: string]: unknown;
}

export interface ValidationResult {
  diagnostics: Diagnostic[];
  /** How many diagnostics were left out because of maxDiagnostics. */
  truncated: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DEFAULT_MAX_DIAGNOSTICS = 1000;

export function collectFindings(doc: MetabaseDocument, enabled: (ruleId: string) => boolean): Finding[] {
  const model = doc.model;
  const findings: Finding[] = [];
  let current = '';
  const attrRange = (key: MetabaseKey, attr: XmlAttribute, part: 'all' | 'name' | 'value'): [number, number] => {
    const base = key.element.start;
    if (part === 'name' || (part === 'value' && attr.valueStart < 0)) return [base + attr.nameStart, base + attr.nameEnd];
    if (part === 'value') return [base + attr.valueStart, base + attr.valueEnd];
    const end = attr.valueEnd >= 0 ? base + attr.valueEnd + (attr.quote ? 1 : 0) : base + attr.nameEnd;
    return [base + attr.nameStart, Math.min(end, doc.text.length)];
  };
  const push = (f: Omit<Finding, 'rule'>): void => {
    findings.push({ ...f, rule: current });
  };
  const ctx: RuleContext = {
    model,
    catalog: doc.catalog,
    report: push,
    lineOf: (offset) => doc.lines.positionAt(offset).line + 1,
    reportAttr(key, attr, message, extra) {
      const [start, end] = attrRange(key, attr, 'all');
      push({ key, property: attr.name, ...extra, start, end, message });
    },
    reportName(key, attr, message, extra) {
      const [start, end] = attrRange(key, attr, 'name');
      push({ key, property: attr.name, ...extra, start, end, message });
    },
    reportValue(key, attr, message, extra) {
      const [start, end] = attrRange(key, attr, 'value');
      push({ key, property: attr.name, ...extra, start, end, message });
    },
    reportKey(key, message, extra) {
      push({ key, ...extra, start: key.element.start + 1, end: key.element.nameEnd, message });
    },
  };
  for (const rule of allRules) {
    if (!enabled(rule.meta.id)) continue;
    current = rule.meta.id;
    rule.check(ctx);
  }
  return findings;
}

export function severityOf(ruleId: string, finding: Finding | undefined, settings: ValidationSettings): SeveritySetting {
  const configured = settings.rules?.[ruleId];
  if (configured) return configured;
  return finding?.severity ?? ruleById.get(ruleId)?.meta.defaultSeverity ?? 'warning';
}

export function toDiagnostic(doc: MetabaseDocument, f: Finding, severity: Severity): Diagnostic {
  const data: DiagnosticData = {
    keyType: f.key?.keyType ?? null,
    location: f.key ? f.key.location || null : null,
    property: f.property ?? null,
    ...f.data,
  };
  const diagnostic: Diagnostic = {
    range: doc.lines.range(f.start, Math.max(f.start, f.end)),
    severity: SEVERITY[severity],
    code: f.rule,
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    data,
  };
  if (f.tags && f.tags.length > 0) {
    diagnostic.tags = f.tags.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated));
  }
  return diagnostic;
}

export function validate(doc: MetabaseDocument, settings: ValidationSettings = {}): ValidationResult {
  const enabled = (id: string): boolean => settings.rules?.[id] !== 'off';
  const findings = collectFindings(doc, enabled);
  const filter = new SuppressionFilter(doc.text, doc.xml, doc.lines);
  const kept: Array<{ f: Finding; sev: Severity }> = [];
  for (const f of findings) {
    const sev = severityOf(f.rule, f, settings);
    if (sev === 'off') continue;
    if (!filter.isEmpty && filter.suppressed(f.rule, f.start)) continue;
    kept.push({ f, sev });
  }
  kept.sort((a, b) => a.f.start - b.f.start || a.f.end - b.f.end);
  const max = settings.maxDiagnostics ?? DEFAULT_MAX_DIAGNOSTICS;
  const shown = kept.slice(0, max);
  return { diagnostics: shown.map(({ f, sev }) => toDiagnostic(doc, f, sev)), truncated: kept.length - shown.length };
}
