/**
 * Child processes in their own process group (setsid via `detached`), so the whole tree (server,
 * extension host, language server) can be killed at once; plus temp dirs. Everything registered here
 * is cleaned up on exit, Ctrl+C and SIGTERM, also when a test throws.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { cpSync, createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepTemp, resultsDir } from './env';

const groups = new Set<number>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

function killGroupSync(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function cleanupSync(): void {
  for (const pgid of groups) killGroupSync(pgid, 'SIGKILL');
  groups.clear();
  for (const dir of tempDirs) {
    if (keepTemp) console.error(`[e2e] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  tempDirs.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupSync();
      process.exit(128 + (os.constants.signals[sig] ?? 1));
    });
  }
}

/** A fresh temp dir under os.tmpdir(), removed on exit unless IIS6_E2E_KEEP=1. */
export function makeTempDir(prefix = 'iis6-e2e-'): string {
  installHooks();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Copies the *.log files of a run's temp root (server, browser console, workbench automation log and
 * VS Code's own logs, including the language client's output channel "IIS 6 Metabase.log") to
 * test-results/e2e-logs/<name>/, for post-mortems after the temp root is gone. Returns that dir.
 */
export function saveLogs(root: string, name: string): string {
  const target = path.join(resultsDir, 'e2e-logs', name);
  rmSync(target, { recursive: true, force: true });
  const skip = new Set(['chromium-profile', 'home', 'workspace', 'extensions', 'tmp', 'node_modules']);
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && !skip.has(e.name)) walk(full);
      else if (e.isFile() && e.name.endsWith('.log')) cpSync(full, path.join(target, path.relative(root, full)));
    }
  };
  try {
    walk(root);
  } catch (e) {
    console.error(`[e2e] could not save logs: ${String(e)}`);
  }
  return target;
}

/** Removes logs that saveLogs() kept from an earlier failed run (call when a run passes). */
export function discardSavedLogs(name: string): void {
  rmSync(path.join(resultsDir, 'e2e-logs', name), { recursive: true, force: true });
}

export interface GroupProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr lines so far (also written to logFile). */
  readonly lines: string[];
  /** Resolves with the exit code (or the signal name) when the group leader exits. */
  readonly exited: Promise<number | string>;
  /** Resolves with the first match of `re` in the output; rejects on timeout or exit. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM the whole group, then SIGKILL whatever is left after `graceMs`. */
  kill(graceMs?: number): Promise<void>;
}

/** Spawns `command` as the leader of a new process group; output goes to `logFile` and `lines`. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions & { logFile: string; echo?: boolean }): GroupProcess {
  installHooks();
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  groups.add(pid);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const onData = (buf: Buffer): void => {
    log.write(buf);
    const text = buf.toString('utf8');
    if (options.echo) process.stderr.write(text);
    lines.push(...text.split(/\r?\n/).filter((l) => l.length > 0));
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const l of listeners) l();
      resolve(code ?? signal ?? -1);
    });
    child.on('error', (err) => {
      lines.push(`spawn error: ${err.message}`);
      resolve(-1);
    });
  });
  let exitCode: number | string | undefined;
  void exited.then((c) => (exitCode = c));

  const waitForOutput = (re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        for (const l of lines) {
          const m = l.match(re);
          if (m) return done(() => resolve(m));
        }
        if (exitCode !== undefined) {
          done(() => reject(new Error(`${path.basename(command)} exited (${exitCode}) before printing ${re}:\n${lines.slice(-30).join('\n')}`)));
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re} from ${path.basename(command)}:\n${lines.slice(-30).join('\n')}`))),
        timeoutMs,
      );
      const done = (f: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });

  const kill = async (graceMs = 3000): Promise<void> => {
    if (!groups.has(pid)) return;
    killGroupSync(pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
    // The leader may be gone while its children (extension host, language server) still run.
    killGroupSync(pid, 'SIGKILL');
    groups.delete(pid);
    await new Promise<void>((r) => log.end(r));
  };

  return { child, pid, lines, exited, waitForOutput, kill };
}

/** Runs a command to completion (not in a group); resolves with its exit code and output. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** Milliseconds since `start` (from performance.now()), formatted. */
export function since(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}
