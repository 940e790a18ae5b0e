/**
 * node --test wrapper around run-extension-tests.ts: runs the mocha suite (test/e2e/suite) inside a
 * real VS Code extension host, then reports every mocha test as a node:test test, so the closing
 * "# pass N / # fail N" lines count the real tests.
 *
 *   node --import tsx --test test/e2e/extension-host.test.ts
 */
import { test } from 'node:test';
import { runExtensionTests, type ExtensionTestRun } from './run-extension-tests';

function fail(message: string): never {
  const e = new Error(message);
  e.stack = message;
  throw e;
}

void (async () => {
  let run: ExtensionTestRun;
  try {
    // Mocha's spec report goes to stderr, so it does not mix with the test runner's own output.
    run = await runExtensionTests({ onOutput: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    test('VS Code extension host run', () => {
      throw e;
    });
    return;
  }
  process.stderr.write(`[e2e] extension host timings: ${Object.entries(run.timings).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  for (const t of run.tests) {
    const name = `[VS Code] ${t.fullTitle}`;
    if (t.state === 'pending') test(name, { skip: true }, () => undefined);
    else if (t.state === 'failed') test(name, () => fail(t.error ?? 'failed'));
    else test(name, () => undefined);
  }
  const failed = run.tests.some((t) => t.state === 'failed');
  if (run.tests.length === 0 || (run.exitCode !== 0 && !failed)) {
    test('VS Code extension host run', () =>
      fail(`the workbench reported exit code ${run.exitCode} after ${run.tests.length} test(s); last log lines:\n${run.log.slice(-40).join('\n')}`),
    );
  }
})();
