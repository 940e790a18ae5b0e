/**
 * `npm run test:vscode` (test/e2e/run-vscode-electron.ts) hands VS Code desktop what
 * @vscode/test-electron's runTests needs to run the shared mocha suite. No VS Code desktop can be
 * downloaded here, so VSCODE_EXECUTABLE names a stand-in that records how it was started and
 * answers like VS Code does after a passing or failing run: the test checks the launch (this
 * repository as the extension under development, the compiled suite's entry point, a workspace
 * with the suite's files, a fresh profile with quiet settings, the suite's environment) and that
 * the runner's exit status is VS Code's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suiteWorkspaceFiles } from '../e2e/run-extension-tests';
import { test } from 'node:test';
import { repoRoot } from '../helpers';

interface Launch {
  argv: string[];
  env: Record<string, string>;
  workspace: string[];
  settings: Record<string, unknown>;
  suite: string[];
}

function runWithStandIn(exitCode: number): { status: number | null; launch: Launch; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'iis6-fake-vscode-'));
  const record = path.join(dir, 'launch.json');
  const fake = path.join(dir, 'code');
  // The stand-in looks at what it was given while it exists (the runner removes its temp dirs after).
  const script = `
const fs = require('fs'), path = require('path');
const argv = process.argv.slice(2);
const arg = (n) => (argv.find((a) => a.startsWith('--' + n + '=')) || '').slice(n.length + 3);
const profile = argv[argv.indexOf('--user-data-dir') + 1];
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({
  argv, env: process.env,
  workspace: fs.readdirSync(argv[0], { recursive: true }).map(String).sort(),
  settings: JSON.parse(fs.readFileSync(path.join(profile, 'User', 'settings.json'), 'utf8')),
  suite: fs.readdirSync(path.dirname(arg('extensionTestsPath'))),
}));
process.exit(${exitCode});
`;
  writeFileSync(fake, `#!${process.execPath}\n${script}`);
  chmodSync(fake, 0o755);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'e2e', 'run-vscode-electron.ts')], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, VSCODE_EXECUTABLE: fake, IIS6_E2E_GREP: 'hover', IIS6_E2E_SUITE_OUT: path.join(dir, 'suite') },
  });
  return { status: r.status, launch: JSON.parse(readFileSync(record, 'utf8')), stderr: r.stderr };
}

test('test:vscode starts VS Code on the shared suite with this extension, a workspace and a fresh profile', () => {
  const { status, launch, stderr } = runWithStandIn(0);
  assert.equal(status, 0, stderr);
  const arg = (name: string): string | undefined => launch.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  assert.equal(arg('extensionDevelopmentPath'), repoRoot);
  assert.ok(arg('extensionTestsPath')!.endsWith(path.join('suite', 'index.js')));
  assert.ok(launch.suite.includes('index.js') && launch.suite.includes('hover.test.js'), `the suite compiled beside its entry point: ${launch.suite.join(', ')}`);
  // The same workspace as the code-server route: every file of the shared suite's workspace.
  assert.deepEqual(launch.workspace.filter((f) => f.toLowerCase().endsWith('.xml')), Object.keys(suiteWorkspaceFiles).map((f) => path.join(...f.split('/'))).sort());
  assert.equal(launch.settings['telemetry.telemetryLevel'], 'off');
  assert.ok(launch.argv.includes('--disable-extensions'));
  assert.equal(launch.env.IIS6_E2E_GREP, 'hover');
});

test("test:vscode fails when VS Code reports failing tests", () => {
  assert.notEqual(runWithStandIn(1).status, 0);
});
