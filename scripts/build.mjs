// One esbuild script bundles the extension client, the language server and the CLI.
//   node scripts/build.mjs [--watch] [--minify] [--production]
// --production (the .vsix; `vscode:prepublish`): minified, without source maps, and without the
// CLI, which the extension does not use (npm users get it from `npm run build`).
import * as esbuild from 'esbuild';
import { readFileSync, chmodSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const minify = production || process.argv.includes('--minify');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify,
  logLevel: 'info',
  define: { __IIS6_METABASE_VERSION__: JSON.stringify(pkg.version) },
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } },
  ...(production ? [] : [{ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }]),
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  // A production build leaves no source maps of an earlier build behind for the .vsix to miss.
  if (production) for (const f of ['dist/client.js.map', 'dist/server.js.map']) rmSync(f, { force: true });
  await Promise.all(builds.map((b) => esbuild.build(b)));
  for (const b of builds) if (b.banner) chmodSync(b.outfile, 0o755);
}
