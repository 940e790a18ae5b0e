/**
 * Neovim (Debian's 0.7.2, headless) as a second LSP client: starts `node dist/server.js --stdio` on a
 * copy of examples/MetaBase.xml through test/e2e/neovim/lsp-check.lua and checks what it reports.
 *
 *   node --import tsx --test test/e2e/neovim.test.ts
 *
 * Needs `npm run build` and nvim (scripts/e2e/install-code-server.sh installs it).
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { envMs, exampleMetabase, nvimPath, repoRoot, requireBuiltExtension } from './lib/env';
import { discardSavedLogs, makeTempDir, run, saveLogs, spawnGroup, since } from './lib/processes';

const luaScript = path.join(repoRoot, 'test', 'e2e', 'neovim', 'lsp-check.lua');

interface NvimReport {
  exitCode: number | string;
  lines: string[];
  diagnostics: { line: number; column: number; severity: string; code: string; message: string }[];
  capabilities: Record<string, unknown>;
  hover?: string;
  result: string;
}

/** Environment that keeps nvim's logs (lsp.log) and state out of $HOME. */
function nvimEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CACHE_HOME: path.join(root, 'cache'),
    XDG_STATE_HOME: path.join(root, 'state'),
    XDG_DATA_HOME: path.join(root, 'data'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    ...extra,
  };
}

async function runNeovim(file: string, expect: string, expectCode: string): Promise<NvimReport> {
  const root = path.dirname(file);
  const proc = spawnGroup(nvimPath(), ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${luaScript}`], {
    cwd: root,
    env: nvimEnv(root, {
      IIS6_SERVER: path.join(repoRoot, 'dist', 'server.js'),
      IIS6_FILE: file,
      IIS6_EXPECT: expect,
      IIS6_EXPECT_CODE: expectCode,
      IIS6_TIMEOUT_MS: String(envMs('IIS6_E2E_NVIM_WAIT_MS', 20_000)),
    }),
    logFile: path.join(root, 'nvim.log'),
  });
  const timeoutMs = envMs('IIS6_E2E_NVIM_TIMEOUT_MS', 60_000);
  let timer: NodeJS.Timeout | undefined;
  const exitCode = await Promise.race([proc.exited, new Promise<string>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
  clearTimeout(timer);
  await proc.kill(500);
  const lines = proc.lines;
  const diagnostics = lines.flatMap((l) => {
    const m = l.match(/^DIAG (\d+):(\d+) (\S+) (\S+) (.*)$/);
    return m ? [{ line: Number(m[1]), column: Number(m[2]), severity: m[3]!, code: m[4]!, message: m[5]! }] : [];
  });
  const caps = lines.find((l) => l.startsWith('CAPS '));
  return {
    exitCode,
    lines,
    diagnostics,
    capabilities: caps ? (JSON.parse(caps.slice(5)) as Record<string, unknown>) : {},
    hover: lines.find((l) => l.startsWith('HOVER '))?.slice(6),
    result: lines.find((l) => l.startsWith('RESULT ')) ?? 'no RESULT line',
  };
}

describe('Neovim LSP client (headless, stdio)', () => {
  const expect = 'ServerAutoStart="ture"';
  const expectLine = readFileSync(exampleMetabase, 'utf8').split(/\r?\n/).findIndex((l) => l.includes(expect)) + 1;
  let report: NvimReport;

  before(async () => {
    requireBuiltExtension();
    const root = makeTempDir('iis6-e2e-nvim-');
    const version = await run(nvimPath(), ['--version'], { env: nvimEnv(root) });
    process.stderr.write(`[e2e nvim] ${version.output.split('\n')[0]}\n`);
    const file = path.join(root, 'MetaBase.xml');
    copyFileSync(exampleMetabase, file);
    const start = performance.now();
    report = await runNeovim(file, expect, 'invalid-value');
    if (report.result !== 'RESULT PASS') process.stderr.write(`[e2e nvim] logs saved to ${path.relative(repoRoot, saveLogs(root, 'neovim'))}\n`);
    else discardSavedLogs('neovim');
    process.stderr.write(`[e2e nvim] ran in ${since(start)}\n${report.lines.filter((l) => !l.startsWith('CAPS ')).map((l) => `  ${l}`).join('\n')}\n`);
  });

  test('nvim exits 0 and the check passes', () => {
    assert.equal(report.result, 'RESULT PASS', report.lines.join('\n'));
    assert.equal(report.exitCode, 0);
  });

  test('invalid-value diagnostic on the ServerAutoStart="ture" line', () => {
    const d = report.diagnostics.find((x) => x.code === 'invalid-value' && x.line === expectLine);
    assert.ok(d, `no invalid-value on line ${expectLine}; got:\n${report.diagnostics.map((x) => `${x.line} ${x.code}`).join('\n')}`);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /ServerAutoStart/);
  });

  test('the other example diagnostics arrive too', () => {
    const codes = new Set(report.diagnostics.map((d) => d.code));
    for (const c of ['value-out-of-range', 'unknown-property']) assert.ok(codes.has(c), `missing ${c}`);
  });

  test('hover on ServerAutoStart (when the server offers hover)', (t) => {
    if (!report.capabilities.hoverProvider) return t.skip('server has no hoverProvider yet');
    assert.ok(report.hover, 'no hover text');
    assert.match(report.hover, /ServerAutoStart/);
  });
});
