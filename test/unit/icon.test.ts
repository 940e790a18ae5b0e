/**
 * The extension's icon: media/icon.png is what scripts/make-icon.mjs renders from media/icon.svg,
 * 128x128 as the Marketplace wants it, and package.json points at it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers';

test('media/icon.png is the 128x128 rendering of media/icon.svg, and package.json names it', async () => {
  const { renderIcon } = (await import(path.join(repoRoot, 'scripts', 'make-icon.mjs'))) as { renderIcon: () => Buffer };
  const committed = readFileSync(path.join(repoRoot, 'media', 'icon.png'));
  // PNG: the IHDR chunk holds width and height right after the signature and the chunk header.
  assert.deepEqual([committed.readUInt32BE(16), committed.readUInt32BE(20)], [128, 128]);
  assert.ok(Buffer.compare(committed, renderIcon()) === 0, 'media/icon.png is out of date: run node scripts/make-icon.mjs');
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { icon?: string; galleryBanner?: { color?: string } };
  assert.equal(manifest.icon, 'media/icon.png');
  assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
});
