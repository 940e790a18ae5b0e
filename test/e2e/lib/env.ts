/**
 * Where things are for the real-editor (e2e) tests: the repository, the code-server install made by
 * scripts/e2e/install-code-server.sh, Debian's chromium and neovim, and test-results/.
 *
 * Environment:
 *   IIS6_E2E_CACHE            cache dir of the installer (default ~/.cache/iis6-metabase-e2e)
 *   IIS6_E2E_CODE_SERVER_DIR  a code-server package dir to use instead of the cached one
 *   IIS6_E2E_CHROMIUM         chromium binary (default /usr/bin/chromium)
 *   IIS6_E2E_NVIM             nvim binary (default nvim on PATH)
 *   IIS6_E2E_KEEP=1           keep the temporary profile/workspace dirs (their path is printed)
 *   IIS6_E2E_HEADED=1         show the browser (needs a display)
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const resultsDir = path.join(repoRoot, 'test-results');
export const screenshotsDir = path.join(resultsDir, 'screenshots');
export const exampleMetabase = path.join(repoRoot, 'examples', 'MetaBase.xml');
export const keepTemp = process.env.IIS6_E2E_KEEP === '1';
export const headed = process.env.IIS6_E2E_HEADED === '1';

export function cacheDir(): string {
  return process.env.IIS6_E2E_CACHE || path.join(os.homedir(), '.cache', 'iis6-metabase-e2e');
}

const installHint = 'run scripts/e2e/install-code-server.sh first';

/** The code-server npm package dir (contains lib/vscode/out/server-main.js and out/node/entry.js). */
export function codeServerDir(): string {
  const dir = process.env.IIS6_E2E_CODE_SERVER_DIR || path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
  if (!existsSync(path.join(dir, 'lib', 'vscode', 'out', 'server-main.js'))) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} not found in ${dir}: ${installHint}`);
  }
  return dir;
}

export function chromiumPath(): string {
  const p = process.env.IIS6_E2E_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`chromium not found at ${p}: ${installHint}`);
  return p;
}

export function nvimPath(): string {
  return process.env.IIS6_E2E_NVIM || 'nvim';
}

/** The extension must be built (npm run build): dist/client.js is its main, dist/server.js the server. */
export function requireBuiltExtension(): void {
  for (const f of ['dist/client.js', 'dist/server.js']) {
    if (!existsSync(path.join(repoRoot, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
}

/** Milliseconds from an environment variable, or the default. */
export function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
