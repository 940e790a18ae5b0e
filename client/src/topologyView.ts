/**
 * The "IIS Metabase" tree, in a view container of its own (activity bar): Application Pools ->
 * their applications (with the serving process), Web Sites -> virtual directories and
 * applications, each labelled by its name with the Location beside it. The data comes from the
 * server's iis6Metabase/topology request for the active metabase editor; the tree follows the
 * active editor, refreshes as the document changes (and when the server says a big document is
 * ready), reveals the key under the cursor, and can be filtered by name or Location.
 *
 * An application appears twice, under its pool and under its site: the two items have distinct
 * ids (the group is part of the id) and their own parents, and following the cursor keeps the
 * item the user clicked instead of jumping to the other one.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TOPOLOGY_REQUEST, type Topology, type TopologyNode } from '../../server/src/protocol';

export const LANGUAGE_ID = 'iis-metabase';

type Group = { group: 'pools' | 'sites'; uri: string; children: NodeElement[] };
type NodeElement = { node: TopologyNode; parent: Element; uri: string; children: NodeElement[] };
type Element = Group | NodeElement;

const ICONS: Record<TopologyNode['kind'], string> = {
  pool: 'server-process',
  site: 'globe',
  application: 'package',
  virtualDirectory: 'folder-library',
  directory: 'folder',
  file: 'file',
  missingPool: 'error',
};

export class TopologyTreeProvider implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Element | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private topology: Topology | undefined;
  private groups: Group[] = [];
  /** Elements by lower-case Location, for revealing the key under the cursor (sites first). */
  private readonly byLocation = new Map<string, NodeElement[]>();
  /** The filter text (lower case), '' for none. */
  private filterText = '';
  /** Per element: whether it or a descendant matches the filter (computed once per filter). */
  private readonly matching = new Map<Element, boolean>();
  private pending: NodeJS.Timeout | undefined;
  /** A refresh came due while the view was hidden: it is done when the view shows (a hidden tree asks for nothing). */
  private stale = true;
  private readonly disposables: vscode.Disposable[] = [];
  view: vscode.TreeView<Element> | undefined;

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshSoon(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.document.languageId === LANGUAGE_ID) this.refreshSoon(400);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.revealAtCursor(e.textEditor)),
    );
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const d of this.disposables) d.dispose();
  }

  /** The topology shown now (for tests and the status bar). */
  get current(): Topology | undefined {
    return this.topology;
  }

  refreshSoon(delay: number): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    if (this.view && !this.view.visible) this.stale = true;
    else this.pending = setTimeout(() => void this.refresh(), delay);
  }

  /** The view became visible or hidden (TreeView.onDidChangeVisibility). */
  visibilityChanged(visible: boolean): void {
    if (visible && this.stale) this.refreshSoon(0);
  }

  async refresh(): Promise<void> {
    this.stale = false;
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID) {
      // Keep showing the last metabase while another kind of editor is active.
      if (!this.topology) this.changed.fire(undefined);
      return;
    }
    try {
      const t = await this.client.sendRequest<Topology | null>(TOPOLOGY_REQUEST, { textDocument: { uri: editor.document.uri.toString() } });
      this.topology = t ?? undefined;
    } catch (err) {
      // Cancelled, or the text changed meanwhile: the next refresh follows the change.
      if ([-32800, -32801].includes((err as { code?: number }).code ?? 0)) return;
      this.topology = undefined;
    }
    this.index();
    this.applyFilter();
    this.changed.fire(undefined);
    if (this.topology) await vscode.commands.executeCommand('setContext', 'iis6Metabase.hasTopology', true);
  }

  /** The server finished parsing a big document: its topology can be asked for now. */
  documentReady(uri: string): void {
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri) this.refreshSoon(0);
  }

  get filter(): string {
    return this.filterText;
  }

  /** Shows only the items whose name, Location or description contains `text` (and their parents). */
  async setFilter(text: string): Promise<void> {
    this.filterText = text.trim().toLowerCase();
    this.applyFilter();
    this.changed.fire(undefined);
    await vscode.commands.executeCommand('setContext', 'iis6Metabase.treeFiltered', this.filterText !== '');
  }

  private applyFilter(): void {
    this.matching.clear();
    const f = this.filterText;
    if (!f) {
      if (this.view) this.view.message = undefined;
      return;
    }
    let hits = 0;
    const visit = (el: NodeElement): boolean => {
      const n = el.node;
      const self = [n.label, n.location ?? '', n.description ?? ''].some((s) => s.toLowerCase().includes(f));
      if (self) hits++;
      let any = self;
      for (const c of el.children) if (visit(c)) any = true;
      this.matching.set(el, any);
      return any;
    };
    for (const g of this.groups) for (const c of g.children) visit(c);
    if (this.view) this.view.message = `Filtered by "${this.filterText}": ${hits === 0 ? 'nothing matches' : `${hits} match${hits === 1 ? '' : 'es'}`}.`;
  }

  private index(): void {
    this.byLocation.clear();
    const t = this.topology;
    if (!t) {
      this.groups = [];
      return;
    }
    const build = (node: TopologyNode, parent: Element): NodeElement => {
      const el: NodeElement = { node, parent, uri: t.uri, children: [] };
      el.children = node.children.map((c) => build(c, el));
      return el;
    };
    const pools: Group = { group: 'pools', uri: t.uri, children: [] };
    const sites: Group = { group: 'sites', uri: t.uri, children: [] };
    pools.children = t.pools.map((n) => build(n, pools));
    sites.children = t.sites.map((n) => build(n, sites));
    this.groups = [pools, sites];
    const register = (el: NodeElement): void => {
      const loc = el.node.location?.toLowerCase();
      if (loc) {
        const list = this.byLocation.get(loc);
        if (list) list.push(el);
        else this.byLocation.set(loc, [el]);
      }
      for (const c of el.children) register(c);
    };
    for (const el of sites.children) register(el);
    for (const el of pools.children) register(el);
  }

  getChildren(element?: Element): Element[] {
    const list = element ? element.children : this.groups;
    return this.filterText && element ? list.filter((c) => this.matching.get(c)) : list;
  }

  getParent(element: Element): Element | undefined {
    return 'group' in element ? undefined : element.parent;
  }

  getTreeItem(element: Element): vscode.TreeItem {
    if ('group' in element) {
      const t = this.topology;
      const count = element.group === 'pools' ? t?.pools.length ?? 0 : t?.sites.length ?? 0;
      const item = new vscode.TreeItem(element.group === 'pools' ? 'Application Pools' : 'Web Sites', vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${element.group}`;
      item.description = String(count);
      item.iconPath = new vscode.ThemeIcon(element.group === 'pools' ? 'server-environment' : 'globe');
      if (element.group === 'pools' && t?.isolationMode === 'iis5') item.description = `${count} — unused in IIS 5.0 isolation mode`;
      return item;
    }
    const n = element.node;
    const item = new vscode.TreeItem(n.label, n.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    if (this.filterText && n.children.length > 0 && !n.children.some((_, i) => this.matching.get(element.children[i]!))) item.collapsibleState = vscode.TreeItemCollapsibleState.None;
    item.id = `${topGroup(element).group}:${n.id}`;
    // Under its pool an application's process goes without saying (it is in the tooltip).
    const underPool = topGroup(element).group === 'pools' && n.kind === 'application';
    item.description = [underPool ? undefined : n.process, n.description].filter(Boolean).join(' · ') || undefined;
    item.iconPath = new vscode.ThemeIcon(n.problem ? 'error' : ICONS[n.kind], n.problem ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = n.kind;
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escape(n.label)}**`);
    if (n.location) tip.appendMarkdown(`  \n\`${escape(n.location)}\``);
    if (n.process) tip.appendMarkdown(`  \nServed by ${escape(n.process)}`);
    if (n.problem) tip.appendMarkdown(`  \n$(error) ${escape(n.problem)}`);
    tip.supportThemeIcons = true;
    item.tooltip = tip;
    if (n.range) {
      item.command = { command: 'iis6Metabase.revealKey', title: 'Go to Element', arguments: [element] };
    }
    return item;
  }

  /** Reveals the tree item of the key under the cursor (when the view is visible). */
  private revealAtCursor(editor: vscode.TextEditor): void {
    if (!this.view?.visible || editor.document.languageId !== LANGUAGE_ID || !this.topology) return;
    if (editor.document.uri.toString() !== this.topology.uri) return;
    const line = editor.selection.active.line;
    // The innermost key whose element spans the cursor's line (a key's tree item knows its extent).
    let best: NodeElement[] | undefined;
    for (const els of this.byLocation.values()) {
      const x = els[0]!.node.extent;
      if (!x || x.start.line > line || x.end.line < line) continue;
      if (!best || best[0]!.node.extent!.start.line < x.start.line) best = els;
    }
    if (!best) return;
    // The key's item the user clicked (under its pool, say) stays selected; otherwise the first
    // one shown: under its site, or under its pool when the filter hides the site's.
    const selected = this.view.selection[0];
    if (selected && !('group' in selected) && selected.node.location?.toLowerCase() === best[0]!.node.location?.toLowerCase()) return;
    const target = best.find((el) => this.isShown(el));
    if (target) void this.view.reveal(target, { select: true, focus: false, expand: false }).then(undefined, () => undefined);
  }

  private isShown(el: NodeElement): boolean {
    if (!this.filterText) return true;
    for (let e: Element = el; !('group' in e); e = e.parent) if (!this.matching.get(e)) return false;
    return true;
  }
}

function topGroup(el: Element): Group {
  let e: Element = el;
  while (!('group' in e)) e = e.parent;
  return e;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export type TopologyElement = Element;

/** Opens the document of `element` and selects its key's start tag. */
export async function revealElement(element: TopologyElement | undefined): Promise<void> {
  if (!element || 'group' in element || !element.node.range) return;
  const r = element.node.range;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(element.uri));
  const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
  const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
