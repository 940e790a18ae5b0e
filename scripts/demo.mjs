// npm run demo: the CLI on the bundled example metabase (lint, then the process model).
import { spawnSync } from 'node:child_process';

const example = 'examples/MetaBase.xml';
for (const args of [['lint', example], ['processes', example]]) {
  console.log(`\n$ iis6-metabase ${args.join(' ')}`);
  spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
}
