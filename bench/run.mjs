// npm run bench [-- --quick]: generates the benchmark files (if missing), bundles bench/bench.ts
// with esbuild and runs it in one Node process; the table goes to stdout and bench/out/results.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

mkdirSync('bench/out', { recursive: true });
for (const sites of [100, 1000, 10000]) {
  const file = `bench/out/sites-${sites}.xml`;
  if (existsSync(file)) continue;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/gen-metabase.ts', '--sites', String(sites), '--seed', '42', '--out', file], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (!existsSync('dist/server.js')) spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
await esbuild.build({ entryPoints: ['bench/bench.ts'], bundle: true, platform: 'node', target: 'node20', outfile: 'bench/out/bench.js', logLevel: 'error', external: ['vscode-languageserver-protocol'] });
const r = spawnSync(process.execPath, ['bench/out/bench.js', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
