/**
 * The shape of a request's params, checked before a handler reads them: a request without a
 * `textDocument`, with a position that is a string or a negative number, gets InvalidParams
 * (-32602) and a message that says which field is wrong, instead of an empty answer that hides
 * the client's mistake, or an internal error carrying a JavaScript exception.
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';

export interface ParamsShape {
  position?: boolean;
  range?: boolean;
  newName?: boolean;
  text?: boolean;
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function invalid(method: string, message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${message}`);
}

/** Non-negative integers (LSP's uinteger) for line and character. */
function positionProblem(p: unknown, field: string): string | undefined {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return `${field} must be an object {line, character}, not ${kind(p)}`;
  for (const k of ['line', 'character'] as const) {
    const v = (p as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `${field}.${k} must be a non-negative integer, not ${typeof v === 'number' ? String(v) : kind(v)}`;
  }
  return undefined;
}

/** Throws InvalidParams when `params` lacks what the request needs. */
export function checkParams(method: string, params: unknown, shape: ParamsShape = {}): void {
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw invalid(method, `params must be an object, not ${kind(params)}`);
  const p = params as Record<string, unknown>;
  const doc = p.textDocument;
  if (!doc || typeof doc !== 'object') throw invalid(method, `params.textDocument is missing (${kind(doc)})`);
  const uri = (doc as Record<string, unknown>).uri;
  if (typeof uri !== 'string') throw invalid(method, `params.textDocument.uri must be a string, not ${kind(uri)}`);
  if (shape.position) {
    const problem = positionProblem(p.position, 'params.position');
    if (problem) throw invalid(method, problem);
  }
  if (shape.range) {
    const r = p.range;
    if (!r || typeof r !== 'object') throw invalid(method, `params.range must be an object {start, end}, not ${kind(r)}`);
    const problem = positionProblem((r as Record<string, unknown>).start, 'params.range.start') ?? positionProblem((r as Record<string, unknown>).end, 'params.range.end');
    if (problem) throw invalid(method, problem);
  }
  if (shape.newName && typeof p.newName !== 'string') throw invalid(method, `params.newName must be a string, not ${kind(p.newName)}`);
  if (shape.text && typeof p.text !== 'string') throw invalid(method, `params.text must be a string, not ${kind(p.text)}`);
}
