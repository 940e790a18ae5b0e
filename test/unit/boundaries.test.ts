/**
 * The layers the compiler and the linter keep (issue 16, item 3): a server module cannot use the
 * extension API (server/tsconfig.json), the language service does not speak LSP (only server.ts
 * and lsp/ may import vscode-languageserver), and the client reaches the server only through
 * protocol.ts (eslint.config.mjs). Each check compiles or lints a small module placed where it
 * would live, and the same module where it is allowed, so a check that accepts everything fails.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';
import { ESLint } from 'eslint';
import ts from 'typescript';

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * Type-checks one module alone with a project's compiler options, as if it were a file of that
 * project (it is served from memory at <project>/src/, so 'vscode' resolves as it would there).
 * The error codes.
 */
function compileWith(project: 'server' | 'client', source: string): number[] {
  const configPath = path.join(repoRoot, project, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(configPath));
  const options = { ...parsed.options, noEmit: true };
  const file = path.join(repoRoot, project, 'src', '__boundary_check__.ts');
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === file || fileExists.call(host, f);
  host.readFile = (f) => (f === file ? source : readFile.call(host, f));
  host.getSourceFile = (f, lang, onError, create) => (f === file ? ts.createSourceFile(f, source, lang) : getSourceFile.call(host, f, lang, onError, create));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => d.code);
}

test('a server module that uses the VS Code API does not compile; the same module compiles in the client', () => {
  const source = "import { window } from 'vscode';\nexport const shown = window.activeTextEditor;\n";
  assert.ok(compileWith('server', source).length > 0, 'the server project accepted an import of vscode');
  assert.deepEqual(compileWith('client', source), []);
});

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: repoRoot }).lintText(source, { filePath: path.join(repoRoot, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('only server.ts and lsp/ import vscode-languageserver; the language service uses its types package', async () => {
  const lsp = "import { createConnection } from 'vscode-languageserver/node';\nexport const c = createConnection;\n";
  assert.equal((await restrictedImports('server/src/features/newFeature.ts', lsp)).length, 1);
  assert.equal((await restrictedImports('server/src/languageService.ts', lsp)).length, 1);
  assert.deepEqual(await restrictedImports('server/src/lsp/newHandler.ts', lsp), []);
  assert.deepEqual(await restrictedImports('server/src/server.ts', lsp), []);
  const types = "import type { Hover } from 'vscode-languageserver-types';\nexport type H = Hover;\n";
  assert.deepEqual(await restrictedImports('server/src/features/newFeature.ts', types), []);
  const editor = "import * as vscode from 'vscode';\nexport const v = vscode.version;\n";
  assert.equal((await restrictedImports('server/src/lsp/newHandler.ts', editor)).length, 1);
});

test('the client imports of the server only protocol.ts', async () => {
  const inner = "import { describe } from '../../server/src/features/describe';\nexport const d = describe;\n";
  assert.equal((await restrictedImports('client/src/newView.ts', inner)).length, 1);
  const protocol = "import { LINT_REQUEST } from '../../server/src/protocol';\nexport const r = LINT_REQUEST;\n";
  assert.deepEqual(await restrictedImports('client/src/newView.ts', protocol), []);
});
