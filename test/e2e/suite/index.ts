/**
 * Mocha entry point loaded by the real VS Code extension host (the payload's extensionTestsPath points
 * at the compiled out/e2e/suite/index.js). Runs every out/e2e/suite/*.test.js with the TDD interface
 * (suite/test/suiteSetup/...), prints the spec report, and one machine-readable RESULT_MARKER line per
 * test that test/e2e/run-extension-tests.ts turns into node --test subtests. Plain console.log output
 * of tests only shows with --verbose; use print() from here (re-exported by helpers) instead.
 *
 * Environment (passed through the server to the extension host):
 *   IIS6_E2E_GREP        only run tests whose full title matches this regular expression
 *   IIS6_E2E_TEST_MS     per-test timeout (default 30000)
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { OUTPUT_MARKER, RESULT_MARKER, type TestResult } from './protocol';

/** Prints a line that the runner shows (formatted like console.log). */
export function print(...args: unknown[]): void {
  console.log(`${OUTPUT_MARKER}${format(...args)}`);
}

/** Suite files that run after all others, in this order (both replace the language server). */
const RUN_LAST = ['serverCommands.test.js', 'recovery.test.js'];

function report(r: TestResult): void {
  console.log(`${RESULT_MARKER} ${JSON.stringify(r)}`);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.message}\n${err.stack ?? ''}`;
  return String(err);
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.IIS6_E2E_TEST_MS) || 30_000,
  });
  if (process.env.IIS6_E2E_GREP) mocha.grep(new RegExp(process.env.IIS6_E2E_GREP));
  // Alphabetical, except the tests that disturb everything else (recovery kills the language server) run last.
  const last = (f: string): number => RUN_LAST.indexOf(f);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => last(a) - last(b) || a.localeCompare(b));
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  // The extension host's console is not replaceable (its forwarder defines getters), so mocha's
  // reporter gets its own output function.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalConsoleLog = base.consoleLog;
  base.consoleLog = print;
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
      runner.on('pass', (t) => report({ fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('pending', (t) => report({ fullTitle: t.fullTitle(), state: 'pending' }));
      // Also fires for failing hooks ("before all" hook for ...), which then count as failed tests.
      runner.on('fail', (t, err) => report({ fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration, error: errorText(err) }));
    } catch (e) {
      reject(e);
    }
  }).finally(() => {
    base.consoleLog = originalConsoleLog;
  });
}
