/**
 * Keeps document text out of the LSP trace. With `iis6Metabase.trace.server` on, the language
 * client writes every message to the trace channel, parameters included, and the parameters of
 * didOpen and didChange are the document's text: passwords written in clear in MetaBase.xml would
 * land in the Output panel (and in every bug report that pastes it). The trace channel handed to
 * the client replaces that text with a note; every other message is traced as it is (the server's
 * answers never carry the value of a SECURE property; test/unit/secrets.test.ts checks that).
 */
import type * as vscode from 'vscode';

export const NOT_TRACED = '(document text not traced: it may contain passwords)';

const DOCUMENT_TEXT_MESSAGE = /'textDocument\/did(Open|Change)'/;

/** One trace entry with the text of didOpen / didChange replaced; other entries unchanged. */
export function redactTrace(entry: string): string {
  if (entry.startsWith('{')) return redactJsonEntry(entry);
  if (!DOCUMENT_TEXT_MESSAGE.test(entry)) return entry;
  // Text format: the first line names the message, the parameters follow.
  const nl = entry.indexOf('\n');
  return nl < 0 ? entry : `${entry.slice(0, nl)}\nParams: ${NOT_TRACED}`;
}

/** The JSON trace format (`trace.server.format: json`): one object per message. */
function redactJsonEntry(entry: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry);
  } catch {
    return entry.includes('textDocument/did') ? NOT_TRACED : entry;
  }
  const params = (parsed as { message?: { params?: { textDocument?: { text?: unknown }; contentChanges?: unknown } } } | null)?.message?.params;
  if (!params) return entry;
  let changed = false;
  if (params.textDocument && typeof params.textDocument.text === 'string') {
    params.textDocument.text = NOT_TRACED;
    changed = true;
  }
  if (Array.isArray(params.contentChanges)) {
    for (const c of params.contentChanges as Array<{ text?: unknown }>) {
      if (c && typeof c.text === 'string') {
        c.text = NOT_TRACED;
        changed = true;
      }
    }
  }
  return changed ? JSON.stringify(parsed) : entry;
}

/** A trace channel that writes through `channel` with document text redacted. */
export function redactingChannel(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const redacted = new Set<PropertyKey>(['trace', 'debug', 'info', 'append', 'appendLine']);
  return new Proxy(channel, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!redacted.has(prop)) return (value as (...a: unknown[]) => unknown).bind(target);
      return (message: unknown, ...rest: unknown[]) => (value as (...a: unknown[]) => unknown).call(target, typeof message === 'string' ? redactTrace(message) : message, ...rest);
    },
  });
}
