/**
 * The words of "Compare with History…" (client/src/historyDiffItems.ts): the History copies newest
 * first with readable names, and each change of the Metabase Changes view as "property: old → new",
 * a list by its entries, a secure value never.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changeSide, changeText, groupByKey, historyVersions, versionLabel } from '../../client/src/historyDiffItems';
import type { DiffChange } from '../../server/src/protocol';

const change = (o: Partial<DiffChange>): DiffChange => ({ kind: 'property-changed', location: '/LM/W3SVC/1/ROOT', keyType: 'IIsWebVirtualDir', property: 'AppPoolId', old: null, new: null, secure: false, oldPosition: null, newPosition: null, ...o });

describe('Compare with History: the quick pick', () => {
  test('only MetaBase_<major>_<minor>.xml files, newest first, named by their version', () => {
    const v = historyVersions(['MetaBase_0000000009_0000000000.xml', 'notes.txt', 'MBSchema_0000000012_0000000000.xml', 'MetaBase_0000000012_0000000000.xml', 'metabase_0000000012_0000000003.XML', 'MetaBase_0000000010_0000000000.xml']);
    assert.deepEqual(v.map((x) => [x.name, versionLabel(x)]), [
      ['metabase_0000000012_0000000003.XML', 'Version 12.3'],
      ['MetaBase_0000000012_0000000000.xml', 'Version 12'],
      ['MetaBase_0000000010_0000000000.xml', 'Version 10'],
      ['MetaBase_0000000009_0000000000.xml', 'Version 9'],
    ]);
  });
});

describe('Compare with History: the changes view', () => {
  test('key → property, old → new; lists by entry; additions, removals; secure values never', () => {
    assert.deepEqual(changeText(change({ old: 'DefaultAppPool', new: 'ShopPool' })), { label: 'AppPoolId', description: '"DefaultAppPool" → "ShopPool"' });
    assert.deepEqual(changeText(change({ property: 'ServerBindings', old: [':80:', ':81:'], new: [':80:', ':8080:'] })), { label: 'ServerBindings', description: '+ ":8080:"  − ":81:"' });
    assert.deepEqual(changeText(change({ kind: 'property-added', property: 'AppPoolIdentityType', new: '2' })), { label: 'AppPoolIdentityType', description: 'added: "2"' });
    assert.deepEqual(changeText(change({ kind: 'property-removed', property: 'AspBufferingLimit', old: '4194304' })), { label: 'AspBufferingLimit', description: 'removed (was "4194304")' });
    assert.deepEqual(changeText(change({ property: 'WAMUserPass', secure: true })), { label: 'WAMUserPass', description: 'changed (secure value, not shown)' });
    assert.deepEqual(changeText(change({ kind: 'key-type-changed', property: null, old: 'IIsWebDirectory', new: 'IIsWebVirtualDir' })), { label: 'KeyType', description: 'IIsWebDirectory → IIsWebVirtualDir' });
  });

  test('changes grouped by key without regard to case; a removal opens in OLD, the rest in NEW', () => {
    const keys = groupByKey([
      change({ kind: 'key-added', location: '/LM/W3SVC/AppPools/ShopPool', keyType: 'IIsApplicationPool', property: null }),
      change({ kind: 'property-added', location: '/LM/W3SVC/AppPools/ShopPool', keyType: 'IIsApplicationPool', property: 'AppPoolIdentityType', new: '2' }),
      change({ location: '/LM/W3SVC/1/ROOT' }),
      change({ kind: 'property-removed', location: '/LM/W3SVC/1/Root', property: 'AspEnableParentPaths' }),
      change({ kind: 'key-removed', location: '/LM/W3SVC/1/ROOT/images', keyType: 'IIsWebDirectory', property: null }),
    ]);
    assert.deepEqual(keys.map((k) => [k.location, k.mark, k.changes.length]), [
      ['/LM/W3SVC/AppPools/ShopPool', 'added', 2],
      ['/LM/W3SVC/1/ROOT', 'changed', 2],
      ['/LM/W3SVC/1/ROOT/images', 'removed', 1],
    ]);
    assert.deepEqual(keys.flatMap((k) => k.changes.map(changeSide)), ['new', 'new', 'new', 'old', 'old']);
  });
});
