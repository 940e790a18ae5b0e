/**
 * The task type `iis6-metabase` (Terminal > Run Task > iis6-metabase: lint): lints the metabases of
 * a workspace folder, open or not, and writes the CLI's lines (`file:line:col severity rule
 * message`, declared in server/src/protocol.ts) to the task's terminal, where the problem matcher
 * `$iis6-metabase` turns them into entries of the Problems panel.
 *
 * The .vsix does not ship the CLI (dist/cli.js), so the task is a CustomExecution that asks the
 * running language server (request iis6Metabase/lint) with the editor's settings and schema. In
 * tasks.json:
 *
 *   { "type": "iis6-metabase", "files": ["backup/*.xml"], "problemMatcher": "$iis6-metabase" }
 *
 * `files` are glob patterns relative to the folder; without it, the files that open as
 * IIS 6 Metabase (the language's filenamePatterns).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { countSeverities, lintLine, lintSummary, LINT_REQUEST, type LintParams, type LintResult } from '../../server/src/protocol';

export const LINT_TASK_TYPE = 'iis6-metabase';

interface LintTaskDefinition extends vscode.TaskDefinition {
  files?: string[];
}

/** The glob patterns of the files that open as IIS 6 Metabase (package.json). */
function languagePatterns(extension: vscode.Extension<unknown>): string[] {
  const languages = (extension.packageJSON as { contributes?: { languages?: Array<{ id: string; filenamePatterns?: string[] }> } }).contributes?.languages ?? [];
  return languages.flatMap((l) => l.filenamePatterns ?? []);
}

class LintTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private closed = false;

  constructor(
    private readonly client: LanguageClient,
    private readonly folder: vscode.WorkspaceFolder,
    private readonly patterns: string[],
  ) {}

  open(): void {
    void this.run().then(
      (code) => this.finish(code),
      (err: unknown) => {
        this.line(`iis6-metabase: ${err instanceof Error ? err.message : String(err)}`);
        this.finish(2);
      },
    );
  }

  close(): void {
    this.closed = true;
  }

  private line(s: string): void {
    this.writeEmitter.fire(`${s}\r\n`);
  }

  private finish(code: number): void {
    this.closed = true;
    this.closeEmitter.fire(code);
  }

  /** Exit status as the CLI's: 0 no error, 1 an error found, 2 a file could not be read. */
  private async run(): Promise<number> {
    const found = await Promise.all(this.patterns.map((p) => vscode.workspace.findFiles(new vscode.RelativePattern(this.folder, p))));
    const byPath = new Map<string, vscode.Uri>();
    for (const uri of found.flat()) byPath.set(vscode.workspace.asRelativePath(uri, false), uri);
    const files = [...byPath].sort(([a], [b]) => a.localeCompare(b));
    if (!this.client.isRunning()) await this.client.start();
    const counts = countSeverities([]);
    let unreadable = 0;
    let linted = 0;
    for (const [shown, uri] of files) {
      if (this.closed) return 130;
      let text: string;
      try {
        // As the editor would open it: the byte order mark, else the files.encoding setting.
        text = await vscode.workspace.decode(await vscode.workspace.fs.readFile(uri), { uri });
      } catch (err) {
        this.line(`iis6-metabase: cannot read ${shown}: ${err instanceof Error ? err.message : String(err)}`);
        unreadable++;
        continue;
      }
      const params: LintParams = { textDocument: { uri: uri.toString() }, text };
      const diagnostics = await this.client.sendRequest<LintResult>(LINT_REQUEST, params);
      for (const d of diagnostics) this.line(lintLine(shown, d));
      countSeverities(diagnostics, counts);
      linted++;
    }
    this.line(lintSummary(linted, counts));
    if (unreadable > 0) return 2;
    return counts.error > 0 ? 1 : 0;
  }
}

function lintTask(client: LanguageClient, definition: LintTaskDefinition, folder: vscode.WorkspaceFolder, defaults: string[]): vscode.Task {
  const patterns = definition.files && definition.files.length > 0 ? definition.files : defaults;
  const task = new vscode.Task(definition, folder, 'lint', LINT_TASK_TYPE, new vscode.CustomExecution(() => Promise.resolve(new LintTerminal(client, folder, patterns))), ['$iis6-metabase']);
  task.group = vscode.TaskGroup.Build;
  task.detail = `Lints ${definition.files?.length ? patterns.join(', ') : 'the IIS 6 metabases'} in ${folder.name} (problem matcher $iis6-metabase)`;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
  return task;
}

export function registerLintTasks(client: LanguageClient, extension: vscode.Extension<unknown>): vscode.Disposable {
  const defaults = languagePatterns(extension);
  return vscode.tasks.registerTaskProvider(LINT_TASK_TYPE, {
    provideTasks: () => (vscode.workspace.workspaceFolders ?? []).map((f) => lintTask(client, { type: LINT_TASK_TYPE }, f, defaults)),
    resolveTask: (task) => {
      const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
      if (task.definition.type !== LINT_TASK_TYPE || !folder) return undefined;
      const resolved = lintTask(client, task.definition as LintTaskDefinition, folder, defaults);
      // The definition object must stay the one VS Code gave (tasks.json's own fields).
      return new vscode.Task(task.definition, folder, task.name, LINT_TASK_TYPE, resolved.execution, task.problemMatchers.length > 0 ? task.problemMatchers : ['$iis6-metabase']);
    },
  });
}
