import assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, LANGUAGE_ID, activateExtension, openDoc } from './helpers';

suite('Extension', () => {
  suiteSetup(async () => {
    await openDoc('MetaBase.xml');
  });

  test('MetaBase.xml gets the iis-metabase language id', async () => {
    const { doc } = await openDoc('MetaBase.xml');
    assert.equal(doc.languageId, LANGUAGE_ID);
  });

  test('the extension under development is loaded from this repository', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found`);
    assert.equal(ext.packageJSON.main, './dist/client.js');
  });

  test('the extension activates', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
  });

  test('a MetaBase.xml in another folder with other casing is also iis-metabase', async () => {
    const { doc } = await openDoc('sub/metabase.XML');
    assert.equal(doc.languageId, LANGUAGE_ID);
  });
});
