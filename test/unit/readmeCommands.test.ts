/**
 * The commands the READMEs name are the ones the Command Palette shows: each `*Category: Title*`
 * or `` `Category: Title` `` in README.md (developers) and MARKETPLACE.md (the .vsix's details
 * page) is a contributed command's category and title, and the details page lists every command
 * a user can run from the palette.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers';

interface Manifest {
  contributes: { commands: Array<{ command: string; title: string; category?: string }>; menus?: { commandPalette?: Array<{ command: string; when?: string }> } };
}

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const palette = new Map(manifest.contributes.commands.map((c) => [c.category ? `${c.category}: ${c.title}` : c.title, c.command]));
const hidden = new Set((manifest.contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));

/** Command titles a README names: emphasised or in code, starting with "IIS 6". */
function named(file: string): string[] {
  const text = readFileSync(path.join(repoRoot, file), 'utf8');
  return [...text.matchAll(/[*`](IIS 6[^*`\n]*?: [^*`\n]+?)[*`]/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
}

describe('command titles in the READMEs', () => {
  for (const file of ['README.md', 'MARKETPLACE.md']) {
    test(`${file} names commands exactly as the Command Palette shows them`, () => {
      const names = named(file);
      assert.ok(names.length > 0, `${file} names no command`);
      for (const n of names) assert.ok(palette.has(n), `${file}: "${n}" is not in the palette (${[...palette.keys()].join(' | ')})`);
    });
  }

  test('the details page lists every command of the palette', () => {
    const names = new Set(named('MARKETPLACE.md'));
    const missing = [...palette].filter(([, id]) => !hidden.has(id)).map(([title]) => title).filter((t) => !names.has(t));
    assert.deepEqual(missing, []);
  });
});
