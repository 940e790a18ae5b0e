/**
 * The topology the extension's tree shows: application pools with their applications (and the
 * process serving each), web sites with their virtual directories, directories and applications.
 */
import type { MetabaseDocument } from '../metabaseDocument';
import type { MetabaseKey } from '../model/metabaseModel';
import { servingProcess, type ConcreteMode } from '../process/processModel';
import type { Topology, TopologyNode } from '../protocol';

const KIND: Record<string, TopologyNode['kind']> = {
  IIsWebVirtualDir: 'virtualDirectory',
  IIsWebDirectory: 'directory',
  IIsWebFile: 'file',
};

export function getTopology(doc: MetabaseDocument): Topology {
  const m = doc.model;
  const mode = m.isolationMode();
  const shownMode: ConcreteMode = mode === 'iis5' ? 'iis5' : 'worker';
  const range = (k: MetabaseKey) => doc.lines.range(k.element.start, k.element.startTagEnd);
  const extent = (k: MetabaseKey) => doc.lines.range(k.element.start, k.element.end);

  const processText = (app: MetabaseKey): { process?: string; problem?: string } => {
    const sp = servingProcess(m, app, shownMode);
    if (!sp.image) return { problem: sp.problem ?? undefined };
    const count = sp.instances > 1 ? ` ×${sp.instances}` : '';
    const where = sp.hosting === 'pool' ? `${sp.image}${count} (${sp.pool})` : sp.hosting === 'in-process' ? 'inetinfo.exe (in process)' : sp.hosting === 'isolated' ? 'dllhost.exe (isolated)' : 'dllhost.exe (pooled)';
    return { process: mode === 'unset' ? `${where} if worker mode` : where, problem: sp.problem ?? undefined };
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

  const pools: TopologyNode[] = [];
  const byPool = m.applicationsByPool();
  for (const pool of m.pools().values()) {
    const name = m.poolName(pool);
    const apps = byPool.get(name.toLowerCase()) ?? [];
    pools.push({
      id: `pool:${name.toLowerCase()}`,
      kind: 'pool',
      label: name,
      description: `${apps.length} application${apps.length === 1 ? '' : 's'}`,
      location: pool.location,
      range: range(pool),
      extent: extent(pool),
      children: apps.map(appNode),
    });
  }
  if (shownMode === 'worker') {
    // Applications whose pool is missing are listed under it, as failing.
    for (const [name, apps] of byPool) {
      if (m.pool(name)) continue;
      const label = m.poolIdOf(apps[0]).name;
      pools.push({
        id: `missing:${name}`,
        kind: 'missingPool',
        label,
        description: 'does not exist',
        location: null,
        range: null,
        extent: null,
        problem: `No application pool "${label}" exists; its applications fail.`,
        children: apps.map(appNode),
      });
    }
  }

  const siteChild = (key: MetabaseKey): TopologyNode | undefined => {
    const kind = m.isApplication(key) ? 'application' : KIND[key.keyType];
    if (!kind) return undefined;
    const node = kind === 'application' ? appNode(key) : { id: `key:${key.path}`, kind, label: key.location, location: key.location, range: range(key), extent: extent(key), children: [] as TopologyNode[] };
    const segment = key.location.slice(key.location.lastIndexOf('/') + 1) || key.location;
    node.label = (kind === 'application' && m.get(key, 'AppFriendlyName')?.trim()) || segment;
    // Under its site the site's name goes without saying.
    if (kind === 'application') node.description = key.location;
    node.children = key.children.map(siteChild).filter((n): n is TopologyNode => !!n);
    return node;
  };
  const sites: TopologyNode[] = m.sites().map((site) => ({
    id: `site:${site.path}`,
    kind: 'site' as const,
    label: m.get(site, 'ServerComment') ?? site.location,
    description: site.location,
    location: site.location,
    range: range(site),
    extent: extent(site),
    children: site.children.map(siteChild).filter((n): n is TopologyNode => !!n),
  }));
  return { uri: doc.uri, version: doc.version, isolationMode: mode, pools, sites };
}
