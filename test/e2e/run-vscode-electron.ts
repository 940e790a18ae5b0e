/**
 * `npm run test:vscode`: the same mocha suite as the code-server route (test/e2e/suite, compiled by
 * buildSuite) run in VS Code desktop through @vscode/test-electron's runTests, the way VS Code
 * extensions are tested where VS Code can be downloaded or is installed:
 *
 *   VSCODE_EXECUTABLE=/path/to/code npm run test:vscode   # an installed VS Code (or Insiders)
 *   npm run test:vscode                                   # downloads the stable VS Code first
 *
 * The extension under test is this repository with its dist/ (npm run build first), the workspace a
 * fresh copy of the suite's files, the profile a fresh user-data dir with the suite's quiet
 * settings. IIS6_E2E_GREP and IIS6_E2E_TEST_MS reach the suite as in the code-server route. Exits
 * with the suite's result. CI, which cannot download VS Code, runs the suite in code-server
 * (test/e2e/run-extension-tests.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot, requireBuiltExtension } from './lib/env';
import { quietSettings } from './lib/editorServer';
import { makeTempDir } from './lib/processes';
import { createWorkspace } from './lib/workspace';
import { buildSuite, suiteWorkspaceFiles } from './run-extension-tests';

async function main(): Promise<number> {
  requireBuiltExtension();
  // (IIS6_E2E_SUITE_OUT: compile elsewhere than out/e2e/suite, which the code-server route uses.)
  const extensionTestsPath = await buildSuite(process.env.IIS6_E2E_SUITE_OUT || undefined);
  const root = makeTempDir('iis6-vscode-');
  const workspace = createWorkspace(root, suiteWorkspaceFiles);
  const userDataDir = path.join(root, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(quietSettings, null, 2));
  const env: Record<string, string> = {};
  for (const k of ['IIS6_E2E_GREP', 'IIS6_E2E_TEST_MS']) if (process.env[k]) env[k] = process.env[k]!;
  return runTests({
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: env,
    launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', path.join(root, 'extensions'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`test:vscode: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
