/**
 * The `iis6Metabase.*` settings: pulled with workspace/configuration when the client supports it,
 * otherwise taken from initializationOptions. Loads the user's MBSchema.xml when
 * `iis6Metabase.schemaPath` is set.
 */
import { readFile } from 'node:fs/promises';
import type { Connection, InitializeParams } from 'vscode-languageserver/node';
import type { LanguageSettings, MetabaseLanguageService } from '../languageService';
import type { SeveritySetting } from '../rules/ruleTypes';
import { loadMBSchema } from '../schema/mbschemaLoader';
import { decodeFileBytes } from '../util/fileText';

export interface ClientSettings {
  rules?: Record<string, SeveritySetting>;
  schemaPath?: string;
  maxDiagnostics?: number;
  maxSymbols?: number;
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function toLanguageSettings(raw: ClientSettings | undefined): LanguageSettings {
  const out: LanguageSettings = {};
  if (raw?.rules && typeof raw.rules === 'object') {
    out.rules = {};
    for (const [id, sev] of Object.entries(raw.rules)) if (typeof sev === 'string' && SEVERITIES.has(sev)) out.rules[id] = sev as SeveritySetting;
  }
  if (typeof raw?.maxDiagnostics === 'number' && raw.maxDiagnostics > 0) out.maxDiagnostics = raw.maxDiagnostics;
  if (typeof raw?.maxSymbols === 'number' && raw.maxSymbols > 0) out.maxSymbols = raw.maxSymbols;
  return out;
}

export class SettingsManager {
  private pull = false;
  private initOptions: ClientSettings | undefined;
  private schemaPath: string | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly ls: MetabaseLanguageService,
    private readonly onChange: () => void,
  ) {}

  initialize(params: InitializeParams): void {
    this.pull = params.capabilities.workspace?.configuration === true;
    this.initOptions = (params.initializationOptions as { settings?: ClientSettings } | undefined)?.settings;
    if (this.initOptions) this.ls.configure(toLanguageSettings(this.initOptions));
  }

  initialized(): void {
    void this.reload();
  }

  async reload(): Promise<void> {
    let raw: ClientSettings | undefined = this.initOptions;
    if (this.pull) {
      try {
        raw = (await this.connection.workspace.getConfiguration('iis6Metabase')) as ClientSettings | undefined;
      } catch {
        // Keep the settings we have.
      }
    }
    this.ls.configure(toLanguageSettings(raw));
    await this.loadSchema(raw?.schemaPath);
    this.onChange();
  }

  private async loadSchema(schemaPath: string | undefined): Promise<void> {
    const wanted = schemaPath && schemaPath.trim() !== '' ? schemaPath.trim() : undefined;
    if (wanted === this.schemaPath) return;
    this.schemaPath = wanted;
    if (!wanted) {
      this.ls.setSchemaExtension(undefined);
      return;
    }
    try {
      const ext = await loadMBSchema(decodeFileBytes(await readFile(wanted)));
      this.ls.setSchemaExtension(ext);
      this.connection.console.info(`iis6-metabase: loaded ${ext.properties.length} property definitions from ${wanted}`);
    } catch (err) {
      this.ls.setSchemaExtension(undefined);
      void this.connection.window.showWarningMessage(`IIS 6 Metabase: cannot use the schema ${wanted}: ${oneLine((err as Error).message)}. Using the built-in IIS 6.0 schema.`);
    }
  }
}

/** A parser message on one line, without the control characters a binary file puts in it. */
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
