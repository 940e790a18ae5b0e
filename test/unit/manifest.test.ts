/**
 * What package.json promises VS Code: every setting says where it may be set (scope), and in an
 * untrusted workspace the extension works with the setting that reads a file left to the user.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
};

test('every setting has a scope', () => {
  const missing = Object.entries(manifest.contributes.configuration.properties).filter(([, p]) => !p.scope).map(([k]) => k);
  assert.deepEqual(missing, []);
});

test('untrusted workspaces: supported in part, the workspace may not name the schema file to read', () => {
  assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
  assert.deepEqual(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations, ['iis6Metabase.schemaPath']);
});
