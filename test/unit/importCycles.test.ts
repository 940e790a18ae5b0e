/**
 * The modules of the server and the client import one way: no circle, type-only imports counted
 * too (a circle of types still ties two modules together for whoever changes one of them).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { repoRoot } from '../helpers';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** The relative modules a file imports or re-exports, as files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm)) {
    const spec = m[1] ?? m[2];
    const base = path.resolve(path.dirname(file), spec);
    const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(f));
    if (hit) out.push(hit);
  }
  return out;
}

/** Every circle found by a depth-first walk, each as the files around it. */
function circles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') found.push(stack.slice(stack.indexOf(g)).concat(g));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

test('the server and the client have no import circle', () => {
  const files = [...sources(path.join(repoRoot, 'server', 'src')), ...sources(path.join(repoRoot, 'client', 'src'))];
  assert.ok(files.length > 50, `${files.length} modules read`);
  // The walk sees imports at all: the language service imports its features.
  assert.ok(importsOf(path.join(repoRoot, 'server', 'src', 'languageService.ts')).length > 5);
  const rel = (f: string): string => path.relative(repoRoot, f);
  assert.deepEqual(circles(files).map((c) => c.map(rel).join(' -> ')), []);
});
