/**
 * Custom requests between the extension and the language server, declared once for both sides
 * (after vscode-eslint's customMessages.ts). Only names and shapes live here, no runtime
 * dependency, so each side uses its own LSP library.
 *
 * Ranges are LSP ranges (0-based lines, UTF-16 characters).
 */

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface DocumentParams {
  textDocument: { uri: string };
}

// ---- iis6Metabase/topology --------------------------------------------------------------

export const TOPOLOGY_REQUEST = 'iis6Metabase/topology';

export type TopologyNodeKind = 'pool' | 'site' | 'application' | 'virtualDirectory' | 'directory' | 'file' | 'missingPool';

export interface TopologyNode {
  /** Stable within a document version: the normalised Location (or pool name). */
  id: string;
  kind: TopologyNodeKind;
  label: string;
  /** Short text shown after the label (serving process, site comment, ...). */
  description?: string;
  location: string | null;
  /** The start tag of the key (where "reveal" goes). */
  range: LspRange | null;
  /** The whole key, start tag to end tag (to find the item of the key under the cursor). */
  extent: LspRange | null;
  /** For applications: the serving process, e.g. "w3wp.exe ×2 (IntranetPool)". */
  process?: string;
  /** A problem to show (missing pool, ...). */
  problem?: string;
  children: TopologyNode[];
}

export interface Topology {
  uri: string;
  version: number;
  isolationMode: 'worker' | 'iis5' | 'unset';
  pools: TopologyNode[];
  sites: TopologyNode[];
}

export type TopologyResult = Topology | null;

/** The isolation mode alone, for the status bar (cheap, unlike the topology); null as for the topology. */
export const ISOLATION_MODE_REQUEST = 'iis6Metabase/isolationMode';

export type IsolationModeResult = Pick<Topology, 'uri' | 'version' | 'isolationMode'> | null;

// ---- iis6Metabase/processModel ----------------------------------------------------------

export const PROCESS_MODEL_REQUEST = 'iis6Metabase/processModel';

export interface ProcessModelParams extends DocumentParams {
  /** Preview another mode ("what would change if I switched?"); omitted: the document's mode. */
  mode?: 'worker' | 'iis5';
}

export interface ProcessModelProcess {
  id: string;
  mode: 'worker' | 'iis5';
  image: 'w3wp.exe' | 'inetinfo.exe' | 'dllhost.exe';
  pool: string | null;
  hosting: 'pool' | 'in-process' | 'pooled' | 'isolated';
  instances: number;
  identity: string;
  applications: string[];
  settings: { recycling: string; health: string; rapidFail: string; idleTimeout: string; queueLength: string } | null;
  range: LspRange | null;
}

export interface ProcessModelApplication {
  mode: 'worker' | 'iis5';
  location: string;
  site: string | null;
  name: string | null;
  image: 'w3wp.exe' | 'inetinfo.exe' | 'dllhost.exe' | null;
  hosting: 'pool' | 'in-process' | 'pooled' | 'isolated';
  pool: string | null;
  process: string | null;
  problem: string | null;
  notes: string[];
  range: LspRange;
}

export interface ProcessModelResponse {
  uri: string;
  version: number;
  isolationMode: 'worker' | 'iis5' | 'unset';
  modes: Array<'worker' | 'iis5'>;
  processes: ProcessModelProcess[];
  applications: ProcessModelApplication[];
  /** Diagnostics of error severity, for the problems list of the preview. */
  problems: Array<{ message: string; code: string; range: LspRange }>;
}

export type ProcessModelResult = ProcessModelResponse | null;

// ---- iis6Metabase/lint ------------------------------------------------------------------

/**
 * Client -> server: every diagnostic of a file's text, as `iis6-metabase lint` reports it (no
 * maxDiagnostics cut), with the editor's settings and schema. The text need not be open in the
 * editor; the extension's lint task sends the files of the workspace one by one.
 */
export const LINT_REQUEST = 'iis6Metabase/lint';

export interface LintParams extends DocumentParams {
  text: string;
}

export interface LintDiagnostic {
  range: LspRange;
  /** 1 error, 2 warning, 3 information, 4 hint (LSP's DiagnosticSeverity). */
  severity: 1 | 2 | 3 | 4;
  code: string;
  message: string;
}

export type LintResult = LintDiagnostic[];

// ---- notifications ----------------------------------------------------------------------

/** Server -> client: a result was cut by a limit (shown once per document). */
export const LIMIT_NOTIFICATION = 'iis6Metabase/limitReached';

export interface LimitReachedParams {
  uri: string;
  what: 'diagnostics' | 'symbols' | 'foldingRanges';
  shown: number;
  total: number;
  setting: string;
}

/**
 * Server -> client: a document parsed in slices (a big one) can now be asked about. Until then
 * the custom requests (topology, process model) answer null for it; a client asks again on this.
 */
export const DOCUMENT_READY_NOTIFICATION = 'iis6Metabase/documentReady';

export interface DocumentReadyParams {
  uri: string;
  version: number;
}

// ---- iis6Metabase/processView -----------------------------------------------------------

/**
 * The process-model preview of a big server: a summary first, then one group per process (a web
 * garden is one group), each with its applications, so the preview draws the summary and the
 * group titles at once and a group's applications only when it is opened.
 */
export const PROCESS_VIEW_REQUEST = 'iis6Metabase/processView';

export type ProcessViewParams = ProcessModelParams;

export interface ProcessViewApplication {
  location: string;
  name: string | null;
  site: string | null;
  line: number;
  character: number;
  problem: string | null;
  notes: string[];
}

export interface ProcessViewGroup {
  id: string;
  mode: 'worker' | 'iis5';
  /** null for the applications that have no process (a missing pool). */
  image: 'w3wp.exe' | 'inetinfo.exe' | 'dllhost.exe' | null;
  pool: string | null;
  hosting: 'pool' | 'in-process' | 'pooled' | 'isolated' | 'none';
  instances: number;
  identity: string | null;
  settings: string[] | null;
  /** Where the pool (or the isolated application) is defined. */
  line: number | null;
  character: number | null;
  applications: ProcessViewApplication[];
  /** Applications of the group with a problem. */
  problems: number;
}

export interface ProcessViewSummary {
  mode: 'worker' | 'iis5';
  /** Processes that start, web-garden members counted: W3wp.exe, Inetinfo.exe, DLLHost.exe. */
  processes: { 'w3wp.exe': number; 'inetinfo.exe': number; 'dllhost.exe': number };
  pools: number;
  /** Pools without an application (their W3wp.exe never starts). */
  idlePools: number;
  webGardens: Array<{ pool: string; instances: number }>;
  identities: Array<{ identity: string; processes: number }>;
  applications: number;
  /** Applications that cannot run (no process). */
  failing: number;
  /** Applications with a problem or a note worth reading. */
  withProblems: number;
}

export interface ProcessViewResponse {
  uri: string;
  version: number;
  isolationMode: 'worker' | 'iis5' | 'unset';
  modes: Array<'worker' | 'iis5'>;
  summaries: ProcessViewSummary[];
  groups: ProcessViewGroup[];
  /** Errors of the last validation published for this version (the Problems panel's), at most 200. */
  problems: Array<{ message: string; code: string; line: number; character: number }>;
  /** Errors in that validation in all. */
  problemCount: number;
}

export type ProcessViewResult = ProcessViewResponse | null;
