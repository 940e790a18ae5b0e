/**
 * Runs the mocha suite test/e2e/suite/*.test.ts inside a real VS Code extension host:
 *   1. compiles test/e2e/suite/*.ts with esbuild to out/e2e/suite/*.js;
 *   2. starts the VS Code 1.100.3 server bundled in code-server (--enable-smoke-test-driver) on a free
 *      port with a fresh profile, and a workspace with copies of examples/MetaBase.xml;
 *   3. opens the workbench in Debian chromium (playwright-core) with a URL payload that makes this
 *      repository the extension under development (using dist/) and out/e2e/suite/index.js its tests;
 *   4. relays the mocha output (window.codeAutomationLog) and resolves with the exit code that the
 *      workbench reports through window.codeAutomationExit.
 *
 * CLI:  node --import tsx test/e2e/run-extension-tests.ts [--grep <regexp>] [--verbose]
 * Exits with mocha's result (0 = all passed). Needs `npm run build` and scripts/e2e/install-code-server.sh.
 * Environment: IIS6_E2E_TIMEOUT_MS (whole run, default 180000), IIS6_E2E_TEST_MS (per test), see lib/env.ts.
 */
import { appendFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { launchBrowser } from './lib/browser';
import { envMs, exampleMetabase, repoRoot, requireBuiltExtension } from './lib/env';
import { startVSCodeServer } from './lib/editorServer';
import { discardSavedLogs, makeTempDir, saveLogs, since } from './lib/processes';
import { createWorkspace, type WorkspaceFiles } from './lib/workspace';
import { generateMetabase } from '../../bench/gen-metabase';
import { OUTPUT_MARKER, RESULT_MARKER, type TestResult } from './suite/protocol';

export const suiteSourceDir = path.join(repoRoot, 'test', 'e2e', 'suite');
export const suiteOutDir = path.join(repoRoot, 'out', 'e2e', 'suite');

/** The workspace the suite runs in. Tests find files with helpers.workspaceUri(relativePath). */
export const suiteWorkspaceFiles: WorkspaceFiles = {
  'MetaBase.xml': { copyFrom: exampleMetabase },
  'sub/metabase.XML': { copyFrom: exampleMetabase },
  // 2.6 MB: the server parses it in slices (tree.test.ts waits for its tree without typing).
  'big/1000-sites.metabase.xml': generateMetabase({ sites: 1000 }),
  // Never opened by a test: its Problems can only come from the lint task (lintTask.test.ts).
  'History/MetaBase_0000000012_0000000000.xml': { copyFrom: path.join(repoRoot, 'test', 'fixtures', 'misconfigs', '03-apppool-missing.xml') },
  // The same older version, for Compare with History (historyDiff.test.ts opens it).
  'History/MetaBase_0000000011_0000000000.xml': { copyFrom: path.join(repoRoot, 'test', 'fixtures', 'misconfigs', '03-apppool-missing.xml') },
};

export type MochaTestResult = TestResult;

export interface ExtensionTestRun {
  /** 0 when every test passed (as reported by the workbench); -1 on timeout. */
  exitCode: number;
  tests: MochaTestResult[];
  /** Everything the workbench logged (mocha's spec report included). */
  log: string[];
  timings: Record<string, string>;
  /** Where the logs were saved when the run failed (test-results/e2e-logs/extension-host). */
  logsDir?: string;
}

export interface RunOptions {
  /** Only tests whose full title matches (regular expression source). */
  grep?: string;
  /** Called for each line printed in the extension host during the run (mocha's report, console.*). */
  onOutput?: (line: string) => void;
  /** Print all workbench/server logs too. */
  verbose?: boolean;
  workspaceFiles?: WorkspaceFiles;
}

/** Compiles the suite (one .js per .ts, no bundling: helpers stay one module) to out/e2e/suite (or `outDir`). */
export async function buildSuite(outDir = suiteOutDir): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = readdirSync(suiteSourceDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(suiteSourceDir, f));
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}

function textOf(args: unknown): string {
  if (typeof args === 'string') return args;
  if (Array.isArray(args)) return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return JSON.stringify(args);
}

export async function runExtensionTests(options: RunOptions = {}): Promise<ExtensionTestRun> {
  const start = performance.now();
  const timings: Record<string, string> = {};
  requireBuiltExtension();
  const testsIndex = await buildSuite();
  timings.compile = since(start);

  const root = makeTempDir('iis6-e2e-exthost-');
  const workspace = createWorkspace(root, options.workspaceFiles ?? suiteWorkspaceFiles);
  const env: NodeJS.ProcessEnv = {};
  if (options.grep) env.IIS6_E2E_GREP = options.grep;
  const server = await startVSCodeServer({ root, env, echo: options.verbose });
  timings.serverUp = since(start);
  const log: string[] = [];
  const tests: MochaTestResult[] = [];
  const automationLog = path.join(root, 'automation.log');
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    browser = await launchBrowser(root);
    timings.browserUp = since(start);
    const { page } = browser;
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      exit(code);
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = textOf(args);
      appendFileSync(automationLog, `[${type}] ${text}\n`);
      log.push(...text.split(/\r?\n/));
      const result = text.indexOf(RESULT_MARKER);
      const out = text.indexOf(OUTPUT_MARKER);
      if (result >= 0) {
        try {
          tests.push(JSON.parse(text.slice(result + RESULT_MARKER.length)) as MochaTestResult);
        } catch {
          options.onOutput?.(text);
        }
      } else if (out >= 0) {
        // One message may hold several lines (mocha's failure list).
        for (const line of text.slice(out + OUTPUT_MARKER.length).split(/\r?\n/)) options.onOutput?.(line);
      } else if (options.verbose) {
        for (const line of text.split(/\r?\n/)) options.onOutput?.(`[workbench ${type}] ${line}`);
      }
    });
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(testsIndex)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(server.workbenchUrl(workspace, payload));
    const timeoutMs = envMs('IIS6_E2E_TIMEOUT_MS', 180_000);
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      exited,
      new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (exitCode === -1) log.push(`[e2e] timed out after ${timeoutMs} ms; logs in ${root} (set IIS6_E2E_KEEP=1 to keep them)`);
    timings.testsDone = since(start);
    return { exitCode, tests, log, timings };
  } finally {
    await browser?.close();
    await server.stop();
    timings.total = since(start);
    if (!tests.length || tests.some((t) => t.state === 'failed')) {
      const dir = saveLogs(root, 'extension-host');
      log.push(`[e2e] logs saved to ${path.relative(repoRoot, dir)}`);
      options.onOutput?.(`[e2e] logs saved to ${path.relative(repoRoot, dir)}`);
    } else {
      discardSavedLogs('extension-host');
    }
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const grepIndex = argv.indexOf('--grep');
  const grep = grepIndex >= 0 ? argv[grepIndex + 1] : undefined;
  const verbose = argv.includes('--verbose');
  const result = await runExtensionTests({ grep, verbose, onOutput: (l) => console.log(l) });
  const failed = result.tests.filter((t) => t.state === 'failed');
  console.log(`\n[e2e] ${result.tests.length} test(s): ${result.tests.filter((t) => t.state === 'passed').length} passed, ${failed.length} failed, ${result.tests.filter((t) => t.state === 'pending').length} pending; exit ${result.exitCode}`);
  console.log(`[e2e] timings: ${Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (result.exitCode === -1) console.log(result.log.slice(-40).join('\n'));
  process.exitCode = result.exitCode === 0 && failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
