/**
 * Helpers for extension tests that run inside the real VS Code extension host (see index.ts).
 * The workspace is a temp copy of examples/MetaBase.xml (plus whatever the runner was asked to add).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
// Types only (erased when compiling): the suite talks to the extension through its exported API.
import type { ExtensionApi } from '../../../client/src/extension';
import type { Topology } from '../../../server/src/protocol';

export type { ExtensionApi, Topology };

/** Repository root: this file runs as out/e2e/suite/helpers.js. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
/** publisher.name from package.json. */
export const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;
export const LANGUAGE_ID = 'iis-metabase';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` until it returns something other than undefined/false/null, and returns that.
 * On timeout, fails with `message` (a function is called then, to describe the state at the end) and
 * the last probe error (if it threw).
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  message: string | (() => string),
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (true) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms: ${typeof message === 'function' ? message() : message}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** URI of a file in the (first) workspace folder. */
export function workspaceUri(relativePath = 'MetaBase.xml'): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split('/'));
}

/**
 * Opens a workspace file (default MetaBase.xml) and shows it in an editor. For an iis-metabase
 * document it also waits for the extension to activate, i.e. for the language client to have started:
 * before that, hover/completion/code action requests return nothing.
 */
export async function openDoc(relativePath = 'MetaBase.xml', show = true): Promise<{ doc: vscode.TextDocument; editor?: vscode.TextEditor }> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  const editor = show ? await vscode.window.showTextDocument(doc, { preview: false }) : undefined;
  if (doc.languageId === LANGUAGE_ID) await activateExtension();
  return { doc, editor };
}

/** Opens an untitled document with the given content and language (and waits like openDoc). */
export async function openUntitled(content: string, language = LANGUAGE_ID): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  await vscode.window.showTextDocument(doc, { preview: false });
  if (doc.languageId === LANGUAGE_ID) await activateExtension();
  return doc;
}

/**
 * Reverts every unsaved document and closes all editors (use in teardown after edits). Each dirty
 * document is shown and reverted in turn: `workbench.action.files.revert` only reverts the active
 * editor, and closing a dirty editor would open a "Save changes?" dialog that nobody answers.
 */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isUntitled)) {
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert').then(undefined, () => undefined);
  }
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.isUntitled)) {
    // Untitled documents cannot be reverted; emptying them makes them closable without a prompt.
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The extension under test, activated. */
export async function activateExtension(): Promise<vscode.Extension<ExtensionApi>> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}

/** What the extension's activate() returns: `{ client, tree }` (client/src/extension.ts). */
export async function extensionApi(): Promise<ExtensionApi> {
  const api = (await activateExtension()).exports;
  assert.ok(api?.client && api.tree, 'activate() did not return { client, tree }');
  return api;
}

/**
 * Shows the "IIS Metabase" view and waits until its tree shows the topology of `doc` (the tree follows the active
 * editor and asks the server after a short delay) and returns it.
 */
export async function topologyOf(doc: vscode.TextDocument, timeoutMs = 15_000): Promise<Topology> {
  const { tree } = await extensionApi();
  // The tree asks the server only while it is visible: show it (once the server knows the document).
  if (!tree.view?.visible) {
    await waitFor(async () => (await vscode.commands.getCommands(true)).includes('iis6Metabase.topology.focus') && (await vscode.commands.executeCommand('iis6Metabase.topology.focus').then(() => tree.view?.visible, () => false)), 'the IIS Metabase view to show', { timeoutMs });
  }
  return waitFor(() => {
    const t = tree.current;
    return t && t.uri === doc.uri.toString() && t.version === doc.version ? t : undefined;
  }, () => `the topology of ${doc.uri.toString()} (version ${doc.version}); tree.current is ${JSON.stringify(tree.current?.uri)} v${tree.current?.version}`, { timeoutMs });
}

/** The diagnostic code as a string (codes may be string, number or { value, target }). */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** One line per diagnostic, for assertion messages: `190:20 error invalid-value message`. */
export function describeDiagnostics(diags: readonly vscode.Diagnostic[]): string {
  const sev = ['error', 'warning', 'information', 'hint'];
  return diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${sev[d.severity]} ${codeOf(d)} ${d.message}`).join('\n');
}

/**
 * Waits until the diagnostics of `uri` satisfy `predicate` (default: at least one diagnostic) and returns
 * them. Listens to onDidChangeDiagnostics and also polls.
 */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diags: vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  const check = (): vscode.Diagnostic[] | undefined => {
    const d = vscode.languages.getDiagnostics(uri);
    return predicate(d) ? d : undefined;
  };
  const now = check();
  if (now) return now;
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      sub.dispose();
      clearInterval(poll);
      clearTimeout(timer);
    };
    const attempt = (): void => {
      const d = check();
      if (d) {
        cleanup();
        resolve(d);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) attempt();
    });
    const poll = setInterval(attempt, 250);
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for diagnostics of ${uri.toString()}; current:\n${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`));
    }, timeoutMs);
  });
}

/** Waits for a diagnostic with `code` (and on the line containing `onLineWith`, if given). */
export async function waitForDiagnostic(doc: vscode.TextDocument, code: string, onLineWith?: string, timeoutMs?: number): Promise<vscode.Diagnostic> {
  const line = onLineWith === undefined ? undefined : positionOf(doc, onLineWith).line;
  const matches = (d: vscode.Diagnostic): boolean => codeOf(d) === code && (line === undefined || d.range.start.line === line);
  const diags = await waitForDiagnostics(doc.uri, (ds) => ds.some(matches), timeoutMs);
  return diags.find(matches)!;
}

/**
 * Position of the `occurrence`-th (0-based) `text` in the document, moved `offset` characters into it.
 * positionOf(doc, 'ServerAutoStart="ture"', { offset: 18 }) is inside the value.
 */
export function positionOf(doc: vscode.TextDocument, text: string, { occurrence = 0, offset = 0 }: { occurrence?: number; offset?: number } = {}): vscode.Position {
  const content = doc.getText();
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = content.indexOf(text, index + 1);
    if (index < 0) throw new Error(`"${text}" (occurrence ${occurrence}) not found in ${doc.uri.fsPath}`);
  }
  return doc.positionAt(index + offset);
}

/** Range covering the `occurrence`-th `text`. */
export function rangeOf(doc: vscode.TextDocument, text: string, occurrence = 0): vscode.Range {
  const start = positionOf(doc, text, { occurrence });
  return new vscode.Range(start, doc.positionAt(doc.offsetAt(start) + text.length));
}

/** Replaces the `occurrence`-th `text` in the document (an unsaved edit; closeAllEditors() reverts it). */
export async function replaceText(doc: vscode.TextDocument, text: string, replacement: string, occurrence = 0): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, rangeOf(doc, text, occurrence), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit failed');
}

// ---- Language feature wrappers, for hover / completion / code action tests ----

/** Hovers at `position` from all providers (vscode.executeHoverProvider). */
export async function hoversAt(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover[]> {
  return (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position)) ?? [];
}

/** The hovers' contents as plain text (Markdown source), joined. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

/** Completion items at `position` (vscode.executeCompletionItemProvider). */
export async function completionsAt(doc: vscode.TextDocument, position: vscode.Position, triggerCharacter?: string): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position, triggerCharacter);
  return list?.items ?? [];
}

/** A completion item's label as a string. */
export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** Code actions for `range` (vscode.executeCodeActionProvider), optionally of one kind (e.g. 'quickfix'). */
export async function codeActionsAt(doc: vscode.TextDocument, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, range, kind);
  // Providers may return bare Commands (whose `command` is a string id); keep the CodeActions.
  return (actions ?? []).filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
}

/** Applies a code action's edit and runs its command, like choosing it in the light bulb menu. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `applying "${action.title}" failed`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Whether a command is registered (e.g. one contributed by the extension). */
export async function hasCommand(id: string): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(id);
}

/** Processes whose parent is this extension host and whose command line runs dist/server.js (from /proc). */
export function serverProcessesOfThisHost(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((a) => /[/\\]dist[/\\]server\.js$/.test(a))) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed child stays a zombie until its parent reaps it.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export { print } from './index';
