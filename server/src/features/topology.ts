/**
 * The topology the extension's tree shows: application pools with their applications (and the
 * process serving each), web sites with their virtual directories, directories and applications.
 *
 * Linear in the keys: each application's serving process is worked out once (it is shown under
 * its pool and under its site) with the pools' shared facts worked out once per pool; the site
 * trees are walked without recursion (a Location tree can be thousands of levels deep), and keys
 * deeper than MAX_SYMBOL_DEPTH are listed under their ancestor at that depth, as in the outline.
 * The work yields every few milliseconds (topologySteps), so the server answers other requests
 * while it computes the tree of a big server.
 */
import type { MetabaseDocument } from '../metabaseDocument';
import type { MetabaseKey } from '../model/metabaseModel';
import { servingProcess, type ConcreteMode, type PoolFactsCache } from '../process/processModel';
import type { Topology, TopologyNode } from '../protocol';
import { runSteps, SliceClock, type Steps } from '../util/slices';
import { MAX_SYMBOL_DEPTH } from './navigation';

const KIND: Record<string, TopologyNode['kind']> = {
  IIsWebVirtualDir: 'virtualDirectory',
  IIsWebDirectory: 'directory',
  IIsWebFile: 'file',
};

export function getTopology(doc: MetabaseDocument): Topology {
  return runSteps(topologySteps(doc));
}

/** The topology, yielding whenever `sliceMs` have passed (runInSlices). */
export function* topologySteps(doc: MetabaseDocument, sliceMs = Infinity): Steps<Topology> {
  const m = doc.model;
  const mode = m.isolationMode();
  const shownMode: ConcreteMode = mode === 'iis5' ? 'iis5' : 'worker';
  const range = (k: MetabaseKey) => doc.lines.range(k.element.start, k.element.startTagEnd);
  const extent = (k: MetabaseKey) => doc.lines.range(k.element.start, k.element.end);
  const clock = new SliceClock(sliceMs);
  const poolFacts: PoolFactsCache = new Map();
  const processes = new Map<MetabaseKey, { process?: string; problem?: string }>();

  const processText = (app: MetabaseKey): { process?: string; problem?: string } => {
    let known = processes.get(app);
    if (known) return known;
    const sp = servingProcess(m, app, shownMode, poolFacts);
    if (!sp.image) known = { problem: sp.problem ?? undefined };
    else {
      const count = sp.instances > 1 ? ` ×${sp.instances}` : '';
      const where = sp.hosting === 'pool' ? `${sp.image}${count} (${sp.pool})` : sp.hosting === 'in-process' ? 'inetinfo.exe (in process)' : sp.hosting === 'isolated' ? 'dllhost.exe (isolated)' : 'dllhost.exe (pooled)';
      known = { process: mode === 'unset' ? `${where} if worker mode` : where, problem: sp.problem ?? undefined };
    }
    processes.set(app, known);
    return known;
  };

  const appLabel = (app: MetabaseKey, site: MetabaseKey | undefined): string => {
    const friendly = m.get(app, 'AppFriendlyName')?.trim();
    if (friendly) return friendly;
    const rest = site ? app.location.slice(site.location.length).replace(/^\/+/, '') : '';
    const siteName = site ? (m.get(site, 'ServerComment')?.trim() || site.location.slice(site.location.lastIndexOf('/') + 1)) : '';
    if (site && rest) return `${siteName}/${rest}`;
    return app.location.slice(app.location.lastIndexOf('/') + 1) || app.location;
  };

  const appNode = (app: MetabaseKey): TopologyNode => {
    const site = m.siteOf(app);
    const { process, problem } = processText(app);
    return {
      id: `app:${app.path}`,
      kind: 'application',
      // The name first (a sidebar cuts long labels): the friendly name, or the last path segment
      // with its site's; the Location follows in the description.
      label: appLabel(app, site),
      description: [site && m.get(site, 'ServerComment'), app.location].filter(Boolean).join(' · ') || undefined,
      location: app.location,
      range: range(app),
      extent: extent(app),
      process,
      problem,
      children: [],
    };
  };

  const poolApps = (apps: MetabaseKey[], into: TopologyNode[]): Steps<void> =>
    (function* () {
      for (const app of apps) {
        into.push(appNode(app));
        if (clock.due()) yield;
      }
    })();

  const pools: TopologyNode[] = [];
  const byPool = m.applicationsByPool();
  for (const pool of m.pools().values()) {
    const name = m.poolName(pool);
    const apps = byPool.get(name.toLowerCase()) ?? [];
    const node: TopologyNode = {
      id: `pool:${name.toLowerCase()}`,
      kind: 'pool',
      label: name,
      description: `${apps.length} application${apps.length === 1 ? '' : 's'}`,
      location: pool.location,
      range: range(pool),
      extent: extent(pool),
      children: [],
    };
    pools.push(node);
    yield* poolApps(apps, node.children);
  }
  if (shownMode === 'worker') {
    // Applications whose pool is missing are listed under it, as failing.
    for (const [name, apps] of byPool) {
      if (m.pool(name)) continue;
      const label = m.poolIdOf(apps[0]).name;
      const node: TopologyNode = {
        id: `missing:${name}`,
        kind: 'missingPool',
        label,
        description: 'does not exist',
        location: null,
        range: null,
        extent: null,
        problem: `No application pool "${label}" exists; its applications fail.`,
        children: [],
      };
      pools.push(node);
      yield* poolApps(apps, node.children);
    }
  }

  /** The node of a key under a site, or undefined for a key the tree does not show (nor its subtree). */
  const siteChild = (key: MetabaseKey): TopologyNode | undefined => {
    const kind = m.isApplication(key) ? 'application' : KIND[key.keyType];
    if (!kind) return undefined;
    const node = kind === 'application' ? appNode(key) : { id: `key:${key.path}`, kind, label: key.location, location: key.location, range: range(key), extent: extent(key), children: [] as TopologyNode[] };
    const segment = key.location.slice(key.location.lastIndexOf('/') + 1) || key.location;
    node.label = (kind === 'application' && m.get(key, 'AppFriendlyName')?.trim()) || segment;
    // Under its site the site's name goes without saying.
    if (kind === 'application') node.description = key.location;
    return node;
  };
  const sites: TopologyNode[] = [];
  // Depth-first in document order with a stack of its own; below MAX_SYMBOL_DEPTH levels the keys
  // go into their ancestor's list at that depth.
  const stack: Array<{ key: MetabaseKey; into: TopologyNode[]; depth: number }> = [];
  for (const site of m.sites()) {
    const node: TopologyNode = {
      id: `site:${site.path}`,
      kind: 'site',
      label: m.get(site, 'ServerComment') ?? site.location,
      description: site.location,
      location: site.location,
      range: range(site),
      extent: extent(site),
      children: [],
    };
    sites.push(node);
    for (let i = site.children.length - 1; i >= 0; i--) stack.push({ key: site.children[i], into: node.children, depth: 1 });
    for (let item = stack.pop(); item; item = stack.pop()) {
      const child = siteChild(item.key);
      if (child) {
        item.into.push(child);
        const deeper = item.depth + 1 < MAX_SYMBOL_DEPTH;
        const into = deeper ? child.children : item.into;
        const depth = deeper ? item.depth + 1 : item.depth;
        const children = item.key.children;
        for (let i = children.length - 1; i >= 0; i--) stack.push({ key: children[i], into, depth });
      }
      if (clock.due()) yield;
    }
    if (clock.due()) yield;
  }
  return { uri: doc.uri, version: doc.version, isolationMode: mode, pools, sites };
}
