/**
 * What the benchmark scripts share: reading a file's text the way the language service gets it,
 * and the peak memory of a process.
 */
import { readFileSync } from 'node:fs';
import { decodeFileBytes } from '../server/src/util/fileText';

/**
 * A file's text as the language service gets it: decoded like the CLI does, which drops the
 * byte-order mark, as VS Code and Neovim do before they hand a document to the server. (With the
 * mark, V8 would hold the whole text as a two-byte string: twice the memory for every copy.)
 */
export function readText(file: string): string {
  return decodeFileBytes(readFileSync(file));
}

/** Peak RSS so far of a process (VmHWM), in MB; 0 without /proc (not Linux). */
export function peakRss(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
