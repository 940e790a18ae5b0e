import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateMetabase } from '../../bench/gen-metabase';
import { MAX_SYMBOL_DEPTH } from '../../server/src/features/navigation';
import { getTopology, topologySteps } from '../../server/src/features/topology';
import type { TopologyNode } from '../../server/src/protocol';
import { runInSlices } from '../../server/src/util/slices';
import { metabase, parse, service } from '../helpers';

describe('topology', () => {
  for (const levels of [3000, 10000]) {
    test(`a Location tree ${levels.toLocaleString('en-US')} levels deep: every key is in the tree, the deeper ones listed at the depth limit`, () => {
      const loc = (i: number) => `/LM/W3SVC/1/ROOT${'/a'.repeat(i)}`;
      const keys = Array.from({ length: levels }, (_, i) => `<IIsWebVirtualDir Location ="${loc(i)}"${i % 100 === 0 ? ` AppRoot="${loc(i)}"` : ''} />`).join('\n');
      const ls = service();
      const t = ls.getTopology(parse(metabase(`<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="Deep" />\n${keys}`), ls));
      assert.ok(t, 'a topology, not null');
      assert.equal(t.sites.length, 1);
      let count = 0;
      let depth = 0;
      const stack: Array<[TopologyNode, number]> = t.sites[0].children.map((n) => [n, 1]);
      for (let item = stack.pop(); item; item = stack.pop()) {
        count++;
        depth = Math.max(depth, item[1]);
        for (const c of item[0].children) stack.push([c, item[1] + 1]);
      }
      assert.equal(count, levels, 'every key under the site');
      assert.equal(depth, MAX_SYMBOL_DEPTH - 1, 'nested down to the limit');
      assert.equal(t.pools.flatMap((p) => p.children).length, levels / 100, 'every application under its pool');
      assert.doesNotThrow(() => JSON.stringify(t), 'the result can be sent');
    });
  }

  test('computed in slices, the tree is the one computed at once', async () => {
    const ls = service();
    const doc = parse(generateMetabase({ sites: 300 }).replace(/^\uFEFF/, ''), ls);
    let pauses = 0;
    const sliced = await runInSlices(topologySteps(doc, 0), async () => void pauses++, () => undefined);
    assert.ok(pauses > 10, `${pauses} slices`);
    assert.deepEqual(sliced, getTopology(doc));
  });
});
