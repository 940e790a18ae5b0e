// Renders the extension's icon, media/icon.svg (drawn for this project), to media/icon.png at
// 128x128, the size the Marketplace and VS Code's extension views use.
//   node scripts/make-icon.mjs [--check]   (--check: exit 1 when media/icon.png is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { Resvg } from '@resvg/resvg-js';

export function renderIcon() {
  const svg = readFileSync(new URL('../media/icon.svg', import.meta.url), 'utf8');
  return new Resvg(svg, { fitTo: { mode: 'width', value: 128 }, font: { loadSystemFonts: false } }).render().asPng();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const png = renderIcon();
  const target = new URL('../media/icon.png', import.meta.url);
  if (process.argv.includes('--check')) {
    const same = Buffer.compare(readFileSync(target), png) === 0;
    console.log(same ? 'media/icon.png is up to date' : 'media/icon.png is out of date: run node scripts/make-icon.mjs');
    process.exit(same ? 0 : 1);
  }
  writeFileSync(target, png);
  console.log(`media/icon.png: ${png.length} bytes`);
}
