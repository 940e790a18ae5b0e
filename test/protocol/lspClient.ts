/**
 * A minimal LSP client for protocol tests: starts the bundled server (dist/server.js --stdio) and
 * speaks JSON-RPC to it through vscode-languageserver-protocol, as any editor would.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../helpers';

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcessWithoutNullStreams;
  /** Resolves with the next diagnostics published for `uri` (optionally for a given version). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams>;
  notifications: Array<{ method: string; params: unknown }>;
  stderr: string[];
  stop(): Promise<void>;
}

/** `capabilities` are merged into the client capabilities sent with initialize (e.g. `{ window: { workDoneProgress: true } }`). */
export async function startServer(initializationOptions: unknown = {}, capabilities: Record<string, unknown> = {}): Promise<TestClient> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting: Array<{ uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  const notifications: Array<{ method: string; params: unknown }> = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    for (let i = waiting.length - 1; i >= 0; i--) {
      const w = waiting[i];
      if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) {
        waiting.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  for (const method of ['iis6Metabase/limitReached', 'iis6Metabase/documentReady', 'window/showMessage', 'window/logMessage', '$/progress']) {
    connection.onNotification(method, (params: unknown) => {
      notifications.push({ method, params });
    });
  }
  connection.onRequest('workspace/configuration', () => [{}]);
  // Recorded among the notifications, in the order they came, as the method name.
  connection.onRequest('window/workDoneProgress/create', (params: unknown) => {
    notifications.push({ method: 'window/workDoneProgress/create', params });
    return null;
  });
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: true }, ...capabilities },
    initializationOptions,
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    notifications,
    stderr,
    diagnostics: (uri, version) => new Promise((resolve) => waiting.push({ uri, version, resolve })),
    async stop() {
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
        setTimeout(() => {
          child.kill();
          resolve();
        }, 3000).unref();
      });
      connection.dispose();
    },
  };
}
