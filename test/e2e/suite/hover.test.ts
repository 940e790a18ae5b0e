import assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import type * as vscode from 'vscode';
import { hoverText, hoversAt, openDoc, positionOf } from './helpers';

suite('Hover', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
  });

  test('a property name: MaxProcesses (in IntranetPool) is explained with its type', async () => {
    const hovers = await hoversAt(doc, positionOf(doc, 'MaxProcesses="2"', { offset: 3 }));
    const text = hoverText(hovers);
    assert.match(text, /MaxProcesses/);
    assert.match(text, /DWORD/);
    // The value in effect on this key, not just the schema text.
    assert.match(text, /AppPools\/IntranetPool/, text);
    // The server answers with a range: the attribute name.
    assert.equal(doc.getText(hovers[0]!.range), 'MaxProcesses');
  });

  test('an AppPoolId value: IntranetPool is described as a web garden of 2 worker processes', async () => {
    const hovers = await hoversAt(doc, positionOf(doc, 'AppPoolId="IntranetPool"', { offset: 'AppPoolId="'.length + 3 }));
    const text = hoverText(hovers);
    assert.match(text, /Application pool IntranetPool/, text);
    assert.match(text, /web garden of \**2\** W3wp\.exe/i, text);
    // Both applications of the pool are listed.
    assert.match(text, /2 applications/, text);
  });

  test('an AppPoolId value naming a missing pool warns that it does not exist', async () => {
    const text = hoverText(await hoversAt(doc, positionOf(doc, 'AppPoolId="ShopPool"', { offset: 'AppPoolId="'.length + 1 })));
    assert.match(text, /No application pool `ShopPool` exists/, text);
  });

  test('no hover between keys', async () => {
    // Just after a key's end tag is content between elements: nothing to explain.
    const end = positionOf(doc, '</IIsApplicationPool>');
    const hovers = await hoversAt(doc, end.translate(0, '</IIsApplicationPool>'.length));
    assert.equal(hoverText(hovers), '');
  });
});
