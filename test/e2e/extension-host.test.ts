/**
 * node --test wrapper around run-extension-tests.ts: runs the mocha suite (test/e2e/suite) inside a
 * real VS Code extension host, then reports every mocha test as a node:test subtest, so the closing
 * "# pass N / # fail N" lines count the real tests (plus this parent test).
 *
 *   node --import tsx --test test/e2e/extension-host.test.ts
 *
 * The run happens inside a test (not at import time), so that editors.test.ts really runs the
 * extension host, Neovim and the UI test one after the other: two workbenches and browsers at once
 * fight over the CPU and make timing-sensitive UI steps flaky.
 */
import { test } from 'node:test';
import { runExtensionTests } from './run-extension-tests';

function fail(message: string): never {
  const e = new Error(message);
  e.stack = message;
  throw e;
}

test('VS Code extension host (mocha suite)', async (t) => {
  // Mocha's spec report goes to stderr, so it does not mix with the test runner's own output.
  const run = await runExtensionTests({ onOutput: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`[e2e] extension host timings: ${Object.entries(run.timings).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  for (const r of run.tests) {
    const name = `[VS Code] ${r.fullTitle}`;
    if (r.state === 'pending') await t.test(name, { skip: true }, () => undefined);
    else if (r.state === 'failed') await t.test(name, () => fail(r.error ?? 'failed'));
    else await t.test(name, () => undefined);
  }
  const failed = run.tests.some((r) => r.state === 'failed');
  if (run.tests.length === 0 || (run.exitCode !== 0 && !failed)) {
    fail(`the workbench reported exit code ${run.exitCode} after ${run.tests.length} test(s); last log lines:\n${run.log.slice(-40).join('\n')}`);
  }
});
