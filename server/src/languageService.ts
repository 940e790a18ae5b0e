/**
 * The transport-free metabase language service. The LSP server (server.ts) and the CLI (cli.ts)
 * both call it; nothing in here knows about connections, files or processes.
 *
 *   const ls = getMetabaseLanguageService();
 *   const doc = ls.parse(uri, version, text);
 *   ls.doValidation(doc); ls.doHover(doc, position); ...
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { MetabaseDocument } from './metabaseDocument';
import { validate, type ValidationResult, type ValidationSettings } from './features/validation';
import { getDefaultCatalog, type SchemaCatalog } from './schema/catalog';
import type { LoadedSchema } from './schema/mbschemaLoader';

export interface LanguageSettings extends ValidationSettings {
  /** At most this many document symbols / folding ranges (default 5000). */
  maxSymbols?: number;
}

export interface MetabaseLanguageService {
  configure(settings: LanguageSettings): void;
  readonly settings: LanguageSettings;
  /** Use the definitions of a user's MBSchema.xml on top of the bundled schema (undefined: bundled only). */
  setSchemaExtension(extension: LoadedSchema | undefined): void;
  readonly catalog: SchemaCatalog;
  parse(uri: string, version: number, text: string): MetabaseDocument;
  doValidation(doc: MetabaseDocument): Diagnostic[];
  /** Validation with the count of diagnostics cut by maxDiagnostics. */
  validate(doc: MetabaseDocument): ValidationResult;
}

export function getMetabaseLanguageService(initial: LanguageSettings = {}): MetabaseLanguageService {
  let settings: LanguageSettings = { ...initial };
  let catalog = getDefaultCatalog();
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
    parse(uri, version, text) {
      return MetabaseDocument.parse(uri, version, text, catalog);
    },
    doValidation(doc) {
      return validate(doc, settings).diagnostics;
    },
    validate(doc) {
      return validate(doc, settings);
    },
  };
}
