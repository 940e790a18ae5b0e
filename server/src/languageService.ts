/**
 * The transport-free metabase language service. The LSP server (server.ts) and the CLI (cli.ts)
 * both call it; nothing in here knows about connections, files or processes.
 *
 *   const ls = getMetabaseLanguageService();
 *   const doc = ls.parse(uri, version, text);
 *   ls.doValidation(doc); ls.doHover(doc, position); ...
 */
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  FoldingRange,
  Hover,
  Location,
  Position,
  Range,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import { doCodeActions } from './features/codeActions';
import { diffDocuments, type MetabaseDiff } from './features/diff';
import { doComplete } from './features/completion';
import { doHover } from './features/hover';
import { doRename, documentSymbolSteps, findDefinition, findDocumentSymbols, findReferences, getCodeLenses, getFoldingRanges, prepareRename, referenceSteps, type SymbolsResult } from './features/navigation';
import { getTopology, topologySteps } from './features/topology';
import { validate, validateInSlices, type ValidationResult, type ValidationSettings } from './features/validation';
import { MetabaseDocument } from './metabaseDocument';
import { computeProcessModel, processModelSteps, type ConcreteMode, type ProcessModel } from './process/processModel';
import type { Topology } from './protocol';
import { getDefaultCatalog, type SchemaCatalog } from './schema/catalog';
import type { LoadedSchema } from './schema/mbschemaLoader';
import type { Steps } from './util/slices';

export interface LanguageSettings extends ValidationSettings {
  /** At most this many document symbols and folding ranges (default 5000). */
  maxSymbols?: number;
}

export const DEFAULT_MAX_SYMBOLS = 5000;

export interface MetabaseLanguageService {
  configure(settings: LanguageSettings): void;
  readonly settings: LanguageSettings;
  /** Use the definitions of a user's MBSchema.xml on top of the bundled schema (undefined: bundled only). */
  setSchemaExtension(extension: LoadedSchema | undefined): void;
  readonly catalog: SchemaCatalog;
  parse(uri: string, version: number, text: string): MetabaseDocument;
  /** The same parse in slices, `pause` giving other work a turn between them (huge documents). */
  parseInSlices(uri: string, version: number, text: string, pause: () => Promise<void>): Promise<MetabaseDocument>;
  doValidation(doc: MetabaseDocument): Diagnostic[];
  /** Every diagnostic, whatever maxDiagnostics says (the CLI's and the lint task's report). */
  lint(doc: MetabaseDocument): Diagnostic[];
  /** Validation with the count of diagnostics cut by maxDiagnostics. */
  validate(doc: MetabaseDocument): ValidationResult;
  /** The same validation in slices; undefined when `stillWanted` turned false on the way. */
  validateInSlices(doc: MetabaseDocument, pause: () => Promise<void>, stillWanted: () => boolean): Promise<ValidationResult | undefined>;
  doHover(doc: MetabaseDocument, position: Position): Hover | null;
  doComplete(doc: MetabaseDocument, position: Position): CompletionList;
  doCodeActions(doc: MetabaseDocument, range: Range, diagnostics: Diagnostic[]): CodeAction[];
  findDefinition(doc: MetabaseDocument, position: Position): Location[];
  findReferences(doc: MetabaseDocument, position: Position, includeDeclaration: boolean): Location[];
  prepareRename(doc: MetabaseDocument, position: Position): { range: Range; placeholder: string } | null;
  doRename(doc: MetabaseDocument, position: Position, newName: string): WorkspaceEdit | null;
  findDocumentSymbols(doc: MetabaseDocument): SymbolsResult;
  getFoldingRanges(doc: MetabaseDocument): FoldingRange[];
  getCodeLenses(doc: MetabaseDocument): CodeLens[];
  getTopology(doc: MetabaseDocument): Topology;
  getProcessModel(doc: MetabaseDocument, mode?: ConcreteMode): ProcessModel;
  /** What changed from `oldDoc` to `newDoc`, compared as IIS reads them (features/diff.ts). */
  diffDocuments(oldDoc: MetabaseDocument, newDoc: MetabaseDocument): MetabaseDiff;
  /** The long requests as work that yields every `sliceMs` (the server answers them in slices: util/slices.ts). */
  readonly steps: {
    topology(doc: MetabaseDocument, sliceMs: number): Steps<Topology>;
    processModel(doc: MetabaseDocument, mode: ConcreteMode | undefined, sliceMs: number): Steps<ProcessModel>;
    documentSymbols(doc: MetabaseDocument, sliceMs: number): Steps<SymbolsResult>;
    references(doc: MetabaseDocument, position: Position, includeDeclaration: boolean, sliceMs: number): Steps<Location[]>;
  };
}

export function getMetabaseLanguageService(initial: LanguageSettings = {}): MetabaseLanguageService {
  let settings: LanguageSettings = { ...initial };
  let catalog = getDefaultCatalog();
  const offset = (doc: MetabaseDocument, p: Position): number => doc.offsetAt(p);
  const maxSymbols = (): number => settings.maxSymbols ?? DEFAULT_MAX_SYMBOLS;
  return {
    get settings() {
      return settings;
    },
    get catalog() {
      return catalog;
    },
    configure(next) {
      settings = { ...next };
    },
    setSchemaExtension(extension) {
      catalog = extension ? getDefaultCatalog().withExtension(extension) : getDefaultCatalog();
    },
    parse: (uri, version, text) => MetabaseDocument.parse(uri, version, text, catalog),
    parseInSlices: (uri, version, text, pause) => MetabaseDocument.parseInSlices(uri, version, text, catalog, pause),
    doValidation: (doc) => validate(doc, settings).diagnostics,
    lint: (doc) => validate(doc, { ...settings, maxDiagnostics: Number.MAX_SAFE_INTEGER }).diagnostics,
    validate: (doc) => validate(doc, settings),
    validateInSlices: (doc, pause, stillWanted) => validateInSlices(doc, settings, pause, stillWanted),
    doHover: (doc, p) => doHover(doc, offset(doc, p)),
    doComplete: (doc, p) => doComplete(doc, offset(doc, p)),
    doCodeActions: (doc, range, diagnostics) => doCodeActions(doc, range, diagnostics),
    findDefinition: (doc, p) => findDefinition(doc, offset(doc, p)),
    findReferences: (doc, p, includeDeclaration) => findReferences(doc, offset(doc, p), includeDeclaration),
    prepareRename: (doc, p) => prepareRename(doc, offset(doc, p)),
    doRename: (doc, p, newName) => doRename(doc, offset(doc, p), newName),
    findDocumentSymbols: (doc) => findDocumentSymbols(doc, maxSymbols()),
    getFoldingRanges: (doc) => getFoldingRanges(doc, maxSymbols()),
    getCodeLenses: (doc) => getCodeLenses(doc),
    getTopology: (doc) => getTopology(doc),
    getProcessModel: (doc, mode) => computeProcessModel(doc.model, mode),
    steps: {
      topology: (doc, sliceMs) => topologySteps(doc, sliceMs),
      processModel: (doc, mode, sliceMs) => processModelSteps(doc.model, mode, sliceMs),
      documentSymbols: (doc, sliceMs) => documentSymbolSteps(doc, maxSymbols(), sliceMs),
      references: (doc, p, includeDeclaration, sliceMs) => referenceSteps(doc, offset(doc, p), includeDeclaration, sliceMs),
    },
    // Every error counts when telling which ones are new (not only the first maxDiagnostics).
    diffDocuments: (oldDoc, newDoc) => diffDocuments(oldDoc, newDoc, (doc, onlyRules) => validate(doc, { ...settings, maxDiagnostics: Number.MAX_SAFE_INTEGER, minimumSeverity: 'error' }, { onlyRules }).diagnostics),
  };
}
