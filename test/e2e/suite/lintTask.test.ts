/**
 * The task type `iis6-metabase` and the problem matcher `$iis6-metabase`: "iis6-metabase: lint"
 * runs in the task terminal and fills the Problems panel for a metabase that no editor has open
 * (so no language-server diagnostic can be there), with what `iis6-metabase lint` reports for it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, codeOf, describeDiagnostics, repoRoot, waitFor, waitForDiagnostics, workspaceUri } from './helpers';

const UNOPENED = 'History/MetaBase_0000000012_0000000000.xml';

interface CliDiagnostic {
  range: { start: { line: number; character: number } };
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

const SEVERITY: Record<CliDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Information,
};

suite('Lint task', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  test('"iis6-metabase: lint" is offered for the workspace folder, with the problem matcher $iis6-metabase', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'iis6-metabase' });
    const lint = tasks.find((t) => t.name === 'lint');
    assert.ok(lint, `no lint task among ${tasks.map((t) => t.name).join(', ')}`);
    assert.equal(lint.source, 'iis6-metabase');
    assert.equal((lint.scope as vscode.WorkspaceFolder).uri.toString(), vscode.workspace.workspaceFolders![0]!.uri.toString());
    assert.ok(lint.execution instanceof vscode.CustomExecution);
  });

  test('running it fills the Problems of a file no editor has open, as the CLI reports them', async () => {
    const uri = workspaceUri(UNOPENED);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), `${UNOPENED} must not be open`);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'no problems before the task runs');

    // What the command-line linter says about the same file (dist/cli.js of this repository).
    const cli = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', '--format', 'json', uri.fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    assert.equal(cli.status, 1, `the CLI should find an error: ${cli.stderr}`);
    const expected = (JSON.parse(cli.stdout) as Array<{ diagnostics: CliDiagnostic[] }>)[0]!.diagnostics;
    assert.ok(expected.some((d) => d.code === 'apppool-not-found'), cli.stdout);

    const task = (await vscode.tasks.fetchTasks({ type: 'iis6-metabase' })).find((t) => t.name === 'lint')!;
    let exitCode: number | undefined;
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.type !== 'iis6-metabase') return;
        exitCode = e.exitCode;
        sub.dispose();
        resolve();
      });
    });
    await vscode.tasks.executeTask(task);
    await waitFor(() => ended.then(() => true), 'the lint task to end', { timeoutMs: 30_000 });
    assert.equal(exitCode, 1, 'the task fails as the CLI does when an error is found');

    const describe = (d: { line: number; column: number; severity: vscode.DiagnosticSeverity; code: string | undefined; message: string }): string => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
    const want = expected.map((d) => describe({ line: d.range.start.line, column: d.range.start.character, severity: SEVERITY[d.severity], code: d.code, message: d.message })).sort();
    const diags = await waitForDiagnostics(uri, (ds) => ds.length >= want.length, 20_000);
    const got = diags.map((d) => describe({ line: d.range.start.line, column: d.range.start.character, severity: d.severity, code: codeOf(d), message: d.message })).sort();
    assert.deepEqual(got, want, describeDiagnostics(diags));
    assert.ok(diags.every((d) => d.source === 'iis6-metabase'), 'the matcher names its source');
  });
});
