/**
 * Custom requests between the extension and the language server, declared once for both sides
 * (after vscode-eslint's customMessages.ts). Names and shapes live here, and the CLI's lint line
 * (at the end), with no dependency, so each side uses its own LSP library. The client imports
 * nothing else of the server (eslint.config.mjs keeps it so).
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

// ---- iis6Metabase/diff ------------------------------------------------------------------

/**
 * Client -> server: what changed from one metabase to another (a History copy and the file open
 * in the editor), compared as IIS reads them (server/src/features/diff.ts). Each side is a uri
 * with its text; without a text, the open document of that uri. Secure values never appear.
 * Answered null when a side has neither text nor open document.
 */
export const DIFF_REQUEST = 'iis6Metabase/diff';

export interface DiffSide {
  uri: string;
  text?: string;
}

export interface DiffParams {
  old: DiffSide;
  new: DiffSide;
}

export interface DiffChange {
  kind: 'key-added' | 'key-removed' | 'key-type-changed' | 'property-added' | 'property-removed' | 'property-changed';
  location: string;
  keyType: string;
  /** null for a change of the key itself. */
  property: string | null;
  /** A value, a MULTISZ's entries, or null (absent, or secure). */
  old: string | string[] | null;
  new: string | string[] | null;
  secure: boolean;
  /** Where the change is in each file (null where it is absent). */
  oldPosition: LspPosition | null;
  newPosition: LspPosition | null;
}

export interface DiffResponse {
  old: string;
  new: string;
  changes: DiffChange[];
  /** What the changes do to the process model ("/LM/W3SVC/1/ROOT moves from DefaultAppPool to ShopPool"). */
  effects: string[];
  /** Errors in NEW that OLD did not have. */
  newErrors: Array<{ code: string; message: string; location: string | null; position: LspPosition }>;
  /** The changes as a Windows .cmd script of adsutil.vbs commands (secure values asked for, never written). */
  adsutil: string;
  /** The changes as `iis6-metabase diff` prints them. */
  text: string;
}

export type DiffResult = DiffResponse | null;

// ---- the lint line ------------------------------------------------------------------------
//
// The text output of `iis6-metabase lint`, one line per diagnostic:
//
//   FILE:LINE:COLUMN SEVERITY RULE MESSAGE
//
// (1-based line and column, severity error|warning|information|hint). The CLI prints it, the
// extension's lint task (client/src/lintTask.ts) writes the same lines, and the problem matcher
// `$iis6-metabase` (package.json) reads them back into the Problems panel: a format on the wire
// like the requests above, so it is declared here, once, without dependencies.

/** What a line needs of a diagnostic (an LSP Diagnostic or a LintDiagnostic). */
export interface LintSeverity {
  severity?: number;
}

export interface LintLineSource extends LintSeverity {
  range: LspRange;
  code?: string | number;
  message: string | { value: string };
}

export const SEVERITY_NAMES = ['error', 'warning', 'information', 'hint'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

export function severityName(d: LintSeverity): SeverityName {
  return SEVERITY_NAMES[(d.severity ?? 1) - 1] ?? 'error';
}

/** One diagnostic as a line; a message never spans lines (a matcher reads one line at a time). */
export function lintLine(file: string, d: LintLineSource): string {
  const message = (typeof d.message === 'string' ? d.message : d.message.value).replace(/\s*[\r\n]+\s*/g, ' ');
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severityName(d)} ${String(d.code)} ${message}`;
}

export type SeverityCounts = Record<SeverityName, number>;

export function countSeverities(diagnostics: Iterable<LintSeverity>, counts: SeverityCounts = { error: 0, warning: 0, information: 0, hint: 0 }): SeverityCounts {
  for (const d of diagnostics) counts[severityName(d)]++;
  return counts;
}

/** The last line: "2 files: 1 error(s), 3 warning(s), 0 information, 0 hint(s)". */
export function lintSummary(files: number, c: SeverityCounts): string {
  return `${files} file${files === 1 ? '' : 's'}: ${c.error} error(s), ${c.warning} warning(s), ${c.information} information, ${c.hint} hint(s)`;
}
