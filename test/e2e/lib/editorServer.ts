/**
 * Starts a real VS Code (1.100.3, from code-server 4.100.3) on 127.0.0.1 with a fresh profile, in its
 * own process group:
 *   * startVSCodeServer: the bundled VS Code server (lib/vscode/out/server-main.js) with
 *     --enable-smoke-test-driver, which makes the workbench honour the URL `payload`
 *     (extensionDevelopmentPath / extensionTestsPath) used to run mocha inside the extension host;
 *   * startCodeServer: code-server itself, for UI tests of an installed .vsix.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { codeServerDir, envMs } from './env';
import { run, spawnGroup, type GroupProcess } from './processes';

/** User settings for a quiet, offline, deterministic workbench (no walkthroughs, no network calls). */
export const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.reduceMotion': 'on',
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'json.schemaDownload.enable': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
  'editor.hover.delay': 200,
};

export interface EditorServer {
  /** http://127.0.0.1:PORT */
  readonly baseUrl: string;
  readonly port: number;
  /** Authority of vscode-remote:// URIs for this server. */
  readonly authority: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly process: GroupProcess;
  /** Workbench URL that opens `folder`, optionally with a smoke-test payload. */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** vscode-remote:// URI string for a path on this machine. */
  remoteUri(fsPath: string): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Temp root for this run: profile dirs and logs go below it. */
  root: string;
  /** Extra or overriding user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server; the extension host and language server inherit it. */
  env?: NodeJS.ProcessEnv;
  /** Print server output to stderr as it arrives. */
  echo?: boolean;
}

function profileDirs(root: string, settings: Record<string, unknown> | undefined) {
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const serverDataDir = path.join(root, 'server-data');
  const all = JSON.stringify({ ...quietSettings, ...settings }, null, 2);
  for (const dir of [path.join(userDataDir, 'User'), path.join(userDataDir, 'Machine'), path.join(serverDataDir, 'data', 'Machine')]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'settings.json'), all);
  }
  mkdirSync(extensionsDir, { recursive: true });
  return { userDataDir, extensionsDir, serverDataDir };
}

function serverEnv(root: string, extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const tmp = path.join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    // code-server writes ~/.config/code-server/config.yaml otherwise, and VS Code a device id to
    // ~/.cache/Microsoft.
    XDG_CONFIG_HOME: path.join(root, 'xdg'),
    XDG_CACHE_HOME: path.join(root, 'cache'),
    // No gallery: stops open-vsx.org queries.
    EXTENSIONS_GALLERY: '{}',
    // vscode-ipc-*.sock files land here instead of /tmp (keep the socket path short).
    ...(tmp.length < 60 ? { TMPDIR: tmp } : {}),
    ...extra,
  };
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not reachable after ${timeoutMs} ms: ${last}`);
}

function makeServer(proc: GroupProcess, port: number, dirs: { userDataDir: string; extensionsDir: string }): EditorServer {
  const baseUrl = `http://127.0.0.1:${port}`;
  const authority = `127.0.0.1:${port}`;
  const remoteUri = (fsPath: string): string => `vscode-remote://${authority}${fsPath.split(path.sep).map(encodeURIComponent).join('/')}`;
  return {
    baseUrl,
    port,
    authority,
    ...dirs,
    process: proc,
    remoteUri,
    workbenchUrl(folder, payload) {
      let url = `${baseUrl}/?folder=${encodeURIComponent(folder)}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    stop: () => proc.kill(),
  };
}

/** The bundled VS Code server with --enable-smoke-test-driver (for extension tests via the payload). */
export async function startVSCodeServer(options: StartOptions): Promise<EditorServer> {
  const dirs = profileDirs(options.root, options.settings);
  const serverMain = path.join(codeServerDir(), 'lib', 'vscode', 'out', 'server-main.js');
  const proc = spawnGroup(
    process.execPath,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', '0',
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-workspace-trust',
      '--server-data-dir', dirs.serverDataDir,
      '--user-data-dir', dirs.userDataDir,
      '--extensions-dir', dirs.extensionsDir,
    ],
    { cwd: options.root, env: serverEnv(options.root, options.env), logFile: path.join(options.root, 'server.log'), echo: options.echo },
  );
  try {
    const m = await proc.waitForOutput(/Extension host agent listening on (\d+)/, envMs('IIS6_E2E_SERVER_START_MS', 30_000));
    const server = makeServer(proc, Number(m[1]), dirs);
    await waitForHttp(`${server.baseUrl}/`, 10_000);
    return server;
  } catch (e) {
    await proc.kill();
    throw e;
  }
}

function codeServerEntry(): string {
  return path.join(codeServerDir(), 'out', 'node', 'entry.js');
}

/** code-server itself (auth none), e.g. with a .vsix installed by installVsix(). */
export async function startCodeServer(options: StartOptions): Promise<EditorServer> {
  const dirs = profileDirs(options.root, options.settings);
  const proc = spawnGroup(
    process.execPath,
    [
      codeServerEntry(),
      '--bind-addr', '127.0.0.1:0',
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', dirs.userDataDir,
      '--extensions-dir', dirs.extensionsDir,
    ],
    { cwd: options.root, env: serverEnv(options.root, options.env), logFile: path.join(options.root, 'code-server.log'), echo: options.echo },
  );
  try {
    const m = await proc.waitForOutput(/HTTP server listening on http:\/\/[^:]+:(\d+)/, envMs('IIS6_E2E_SERVER_START_MS', 30_000));
    const server = makeServer(proc, Number(m[1]), dirs);
    await waitForHttp(`${server.baseUrl}/healthz`, 10_000);
    return server;
  } catch (e) {
    await proc.kill();
    throw e;
  }
}

/** Installs a .vsix into the profile that startCodeServer({ root }) will use. */
export async function installVsix(root: string, vsix: string): Promise<string> {
  const dirs = profileDirs(root, undefined);
  const { code, output } = await run(
    process.execPath,
    [codeServerEntry(), '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix],
    { cwd: root, env: serverEnv(root, undefined) },
  );
  if (code !== 0 || !/successfully installed/i.test(output)) throw new Error(`installing ${vsix} failed (exit ${code}):\n${output}`);
  return output.trim();
}
