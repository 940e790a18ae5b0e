/**
 * The "IIS Metabase" tree view, through the extension's exported API ({ client, tree }) and its
 * commands. The status bar item that shows the isolation mode has no API to read it: ui.test.ts
 * checks it in the workbench.
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TopologyNode } from '../../../server/src/protocol';
import { closeAllEditors, extensionApi, openDoc, positionOf, topologyOf, waitFor, type ExtensionApi } from './helpers';

type TreeElement = ReturnType<ExtensionApi['tree']['getChildren']>[number];
type NodeElement = Extract<TreeElement, { node: TopologyNode }>;

suite('IIS Metabase tree', () => {
  let doc: vscode.TextDocument;
  let api: ExtensionApi;

  /** The tree element of the group ('pools' | 'sites') child labelled `label`. */
  const element = (group: 'pools' | 'sites', label: string): NodeElement => {
    const g = api.tree.getChildren().find((e) => 'group' in e && e.group === group);
    assert.ok(g, `no ${group} group; roots: ${JSON.stringify(api.tree.getChildren().map((e) => ('group' in e ? e.group : e.node.label)))}`);
    const el = api.tree.getChildren(g).find((e): e is NodeElement => 'node' in e && e.node.label === label);
    assert.ok(el, `no "${label}" under ${group}`);
    return el;
  };

  suiteSetup(async () => {
    ({ doc } = await openDoc('MetaBase.xml'));
    api = await extensionApi();
    await topologyOf(doc);
  });

  suiteTeardown(closeAllEditors);

  test('tree.current lists the pools, the missing ShopPool, and the sites', () => {
    const t = api.tree.current!;
    assert.equal(t.isolationMode, 'worker');
    assert.deepEqual(t.pools.map((p) => [p.label, p.kind]), [
      ['DefaultAppPool', 'pool'],
      ['IntranetPool', 'pool'],
      ['LegacyPool', 'pool'],
      ['ShopPool', 'missingPool'],
    ]);
    assert.deepEqual(t.sites.map((s) => s.label), ['Default Web Site', 'Intranet', 'Shop', 'Shop (staging)']);

    const intranet = t.pools.find((p) => p.label === 'IntranetPool')!;
    assert.deepEqual(intranet.children.map((a) => a.location), ['/LM/W3SVC/1962875481/root', '/LM/W3SVC/1962875481/root/Reports']);
    assert.match(intranet.children[0]!.process ?? '', /w3wp\.exe ×2 \(IntranetPool\)/);
    const shop = t.pools.find((p) => p.label === 'ShopPool')!;
    assert.equal(shop.range, null);
    assert.match(shop.problem ?? '', /ShopPool/);
    assert.deepEqual(shop.children.map((a) => a.location), ['/LM/W3SVC/20/ROOT']);
  });

  test('tree items: groups with counts, pools that reveal their key', () => {
    const roots = api.tree.getChildren();
    const items = roots.map((r) => api.tree.getTreeItem(r));
    assert.deepEqual(items.map((i) => [i.label, i.description]), [
      ['Application Pools', '4'],
      ['Web Sites', '4'],
    ]);
    const legacy = api.tree.getTreeItem(element('pools', 'LegacyPool'));
    assert.equal(legacy.contextValue, 'pool');
    assert.equal(legacy.command?.command, 'iis6Metabase.revealKey');
    const missing = api.tree.getTreeItem(element('pools', 'ShopPool'));
    assert.equal(missing.contextValue, 'missingPool');
    assert.equal(missing.command, undefined, 'a missing pool has no key to reveal');
  });

  test('iis6Metabase.revealKey moves the selection to the key', async () => {
    for (const [group, label, text] of [
      ['pools', 'LegacyPool', 'Location ="/LM/W3SVC/AppPools/LegacyPool"'],
      ['sites', 'Intranet', 'Location ="/LM/W3SVC/1962875481"'],
    ] as const) {
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await vscode.commands.executeCommand('iis6Metabase.revealKey', element(group, label));
      const active = vscode.window.activeTextEditor;
      assert.equal(active?.document.uri.toString(), doc.uri.toString());
      const line = positionOf(doc, text).line;
      assert.equal(active.selection.active.line, line, `${label}: the cursor should be on line ${line + 1}`);
      // The extension host learns the new scroll position asynchronously.
      await waitFor(() => active.visibleRanges.some((r) => r.contains(new vscode.Position(line, 0))), `${label}: the key to be scrolled into view`);
    }
  });

  test('the view opens with iis6Metabase.topology.focus and follows the cursor', async () => {
    await vscode.commands.executeCommand('iis6Metabase.topology.focus');
    const view = api.tree.view;
    assert.ok(view, 'the provider has no view');
    await waitFor(() => view.visible, 'the IIS Metabase view to become visible');
    // Moving the cursor into a key selects its item in the view.
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const inKey = positionOf(doc, 'MaxProcesses="2"');
    editor.selection = new vscode.Selection(inKey, inKey);
    const selected = await waitFor(
      () => view.selection.find((e): e is NodeElement => 'node' in e && e.node.label === 'IntranetPool'),
      () => `IntranetPool to be selected in the view (selection: ${JSON.stringify(view.selection.map((e) => ('node' in e ? e.node.label : e.group)))})`,
    );
    assert.equal(selected.node.kind, 'pool');
  });

  test('applications are labelled by name, the Location beside it', () => {
    const intranet = element('pools', 'IntranetPool');
    const items = api.tree.getChildren(intranet).map((c) => api.tree.getTreeItem(c));
    assert.deepEqual(items.map((i) => i.label), ['Intranet', 'Reports']);
    assert.match(String(items[1]!.description), /\/LM\/W3SVC\/1962875481\/root\/Reports/);
    const site = element('sites', 'Intranet');
    assert.deepEqual(api.tree.getChildren(site).map((c) => api.tree.getTreeItem(c).label), ['Intranet']);
    // The same application under its pool and under its site: two items, two ids.
    const underSite = api.tree.getChildren(site)[0]!;
    assert.notEqual(api.tree.getTreeItem(underSite).id, items[0]!.id);
  });

  test('IIS 6: Filter Tree… keeps the matching items and their parents; Clear Tree Filter brings all back', async () => {
    try {
      await vscode.commands.executeCommand('iis6Metabase.filterTree', 'reports');
      const groups = api.tree.getChildren();
      assert.equal(groups.length, 2, 'both groups stay');
      const labels = (g: TreeElement) => api.tree.getChildren(g).map((c) => api.tree.getTreeItem(c).label);
      assert.deepEqual(labels(groups[0]!), ['IntranetPool']);
      assert.deepEqual(labels(groups[1]!), ['Intranet']);
      assert.deepEqual(labels(element('pools', 'IntranetPool')), ['Reports']);
      assert.match(api.tree.view?.message ?? '', /Filtered by "reports": 2 matches/);
      // By Location too.
      await vscode.commands.executeCommand('iis6Metabase.filterTree', '/LM/W3SVC/21');
      assert.deepEqual(labels(api.tree.getChildren()[1]!), ['Shop (staging)']);
    } finally {
      await vscode.commands.executeCommand('iis6Metabase.clearTreeFilter');
    }
    assert.equal(api.tree.getChildren(api.tree.getChildren()[1]!).length, 4);
    assert.equal(api.tree.view?.message, undefined);
  });

  test('a file of 1,000 sites: the tree appears without typing once the server has parsed it', async function () {
    this.timeout(90_000);
    // Opened first (the server starts parsing it), then shown: the tree asks while it is parsed,
    // as when a big file is the first one a user opens.
    const { doc: big } = await openDoc('big/1000-sites.metabase.xml', false);
    assert.ok(big.getText().length > 2_000_000, 'big enough to be parsed in slices');
    await new Promise((r) => setTimeout(r, 300));
    await vscode.window.showTextDocument(big, { preview: false });
    const t = await topologyOf(big, 60_000);
    assert.equal(t.sites.length, 1000);
    assert.equal(big.isDirty, false, 'nothing was typed');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('the tree follows edits: a new application pool appears', async () => {
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const before = doc.version;
    const at = positionOf(doc, '<IIsFilters\tLocation ="/LM/W3SVC/Filters"');
    const ok = await editor.edit((e) => e.insert(at, '<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/NewPool"\r\n\t>\r\n</IIsApplicationPool>\r\n'));
    assert.ok(ok);
    assert.ok(doc.version > before);
    const t = await topologyOf(doc);
    assert.ok(t.pools.some((p) => p.label === 'NewPool' && p.kind === 'pool'), JSON.stringify(t.pools.map((p) => p.label)));
  });
});
