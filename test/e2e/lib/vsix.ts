/**
 * Reads the files of a .vsix (a zip archive) into memory, to check what the package ships: the
 * central directory lists the entries, each one stored or deflated (the two methods vsce writes).
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { repoRoot } from './env';

/** What `npm run package` reads (the build's sources and the package's files), copied into `dir`; node_modules is linked. */
export function copyForPackaging(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', '.vscodeignore', 'MARKETPLACE.md', 'README.md', 'CHANGELOG.md', 'LICENSE', 'language-configuration.json', 'scripts', 'client', 'server', 'syntaxes', 'snippets', 'docs', 'media']) {
    try {
      cpSync(path.join(repoRoot, f), path.join(dir, f), { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

export function readVsix(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  // End of central directory: the last record with its signature (a comment may follow it).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + compressed);
    if (method === 0) files.set(name, Buffer.from(data));
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`${file}: ${name} uses compression method ${method}`);
  }
  return files;
}
