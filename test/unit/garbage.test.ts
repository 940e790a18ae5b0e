/**
 * The server's collector of dropped document texts (server/src/lsp/garbage.ts), with a counting
 * stand-in for V8's gc().
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { GarbageCollector } from '../../server/src/lsp/garbage';

function collector(budget = 100): { g: GarbageCollector; runs: () => number } {
  let n = 0;
  const g = new GarbageCollector(budget, () => n++, 5);
  return { g, runs: () => n };
}

describe('collecting the texts big documents leave behind', () => {
  test('nothing is collected before the budget of dropped text is spent', async () => {
    const { g, runs } = collector();
    g.drop(60);
    g.quiet();
    await sleep(20);
    assert.equal(runs(), 0);
  });

  test('past the budget, a quiet moment collects once, and the count starts again', async () => {
    const { g, runs } = collector();
    g.drop(60);
    g.drop(60);
    g.quiet();
    g.quiet();
    await sleep(20);
    assert.equal(runs(), 1);
    g.drop(60);
    g.quiet();
    await sleep(20);
    assert.equal(runs(), 1, 'budget not spent again yet');
  });

  test('a change during the quiet time postpones the collection; two budgets force it', async () => {
    const { g, runs } = collector();
    g.drop(120);
    g.quiet();
    g.drop(10); // typing goes on
    await sleep(20);
    assert.equal(runs(), 0, 'postponed while typing');
    g.drop(80); // 210 dropped: two budgets
    assert.equal(runs(), 1, 'forced');
  });

  test('in the real server process gc is reachable (V8 --expose-gc set at run time)', () => {
    const g = new GarbageCollector(10, undefined, 0);
    g.drop(5);
    assert.equal(g.collections, 0);
    g.drop(16); // two budgets: collects at once
    assert.equal(g.collections, 1);
  });
});
