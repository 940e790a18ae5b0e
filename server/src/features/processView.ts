/**
 * The data of the process-model preview (iis6Metabase/processView): the process model of
 * process/processModel.ts cut into a summary per mode and one group per process, with line
 * numbers instead of offsets. Linear in the applications: grouped by process id in one pass.
 */
import type { MetabaseDocument } from '../metabaseDocument';
import type { ProcessModel } from '../process/processModel';
import type { ProcessViewGroup, ProcessViewResponse, ProcessViewSummary } from '../protocol';
import { runSteps, SliceClock, type Steps } from '../util/slices';

export function buildProcessView(doc: MetabaseDocument, pm: ProcessModel, problems: ProcessViewResponse['problems'] = [], problemCount = problems.length): ProcessViewResponse {
  return runSteps(processViewSteps(doc, pm, problems, problemCount));
}

/** The same, yielding whenever `sliceMs` have passed (the server runs it in slices: util/slices.ts). */
export function* processViewSteps(doc: MetabaseDocument, pm: ProcessModel, problems: ProcessViewResponse['problems'] = [], problemCount = problems.length, sliceMs = Infinity): Steps<ProcessViewResponse> {
  const clock = new SliceClock(sliceMs);
  const at = (offset: number) => doc.lines.positionAt(offset);
  const groups: ProcessViewGroup[] = [];
  const byId = new Map<string, ProcessViewGroup>();
  for (const p of pm.processes) {
    const pos = p.range ? at(p.range.start) : null;
    const g: ProcessViewGroup = {
      id: p.id,
      mode: p.mode,
      image: p.image,
      pool: p.pool,
      hosting: p.hosting,
      instances: p.instances,
      identity: p.identity,
      settings: p.settings ? [p.settings.recycling, p.settings.health, p.settings.rapidFail, p.settings.idleTimeout, p.settings.queueLength] : null,
      line: pos?.line ?? null,
      character: pos?.character ?? null,
      applications: [],
      problems: 0,
    };
    groups.push(g);
    byId.set(p.id, g);
  }
  const none = new Map<string, ProcessViewGroup>();
  for (const a of pm.applications) {
    let g = a.process ? byId.get(a.process) : undefined;
    if (!g) {
      g = none.get(a.mode);
      if (!g) {
        g = { id: `${a.mode}:none`, mode: a.mode, image: null, pool: null, hosting: 'none', instances: 0, identity: null, settings: null, line: null, character: null, applications: [], problems: 0 };
        none.set(a.mode, g);
      }
    }
    const pos = at(a.range.start);
    g.applications.push({ location: a.location, name: a.name, site: a.site, line: pos.line, character: pos.character, problem: a.problem, notes: a.notes });
    if (a.problem) g.problems++;
    if (clock.due()) yield;
  }
  groups.push(...none.values());
  const summaries = pm.modes.map((mode): ProcessViewSummary => {
    const mine = groups.filter((g) => g.mode === mode);
    const processes = { 'w3wp.exe': 0, 'inetinfo.exe': 0, 'dllhost.exe': 0 };
    const identities = new Map<string, number>();
    for (const g of mine) {
      if (!g.image) continue;
      // A pool without applications starts no W3wp.exe (IIS starts one on the first request).
      if (g.image === 'w3wp.exe' && g.applications.length === 0) continue;
      processes[g.image] += g.instances;
      if (g.identity) identities.set(g.identity, (identities.get(g.identity) ?? 0) + g.instances);
    }
    const apps = mine.reduce((n, g) => n + g.applications.length, 0);
    return {
      mode,
      processes,
      pools: mine.filter((g) => g.hosting === 'pool' && g.image).length,
      idlePools: mine.filter((g) => g.hosting === 'pool' && g.image && g.applications.length === 0).length,
      webGardens: mine.filter((g) => g.instances > 1 && g.pool).map((g) => ({ pool: g.pool!, instances: g.instances })),
      identities: [...identities].map(([identity, n]) => ({ identity, processes: n })).sort((a, b) => b.processes - a.processes),
      applications: apps,
      failing: mine.filter((g) => !g.image).reduce((n, g) => n + g.applications.length, 0),
      withProblems: mine.reduce((n, g) => n + g.problems, 0),
    };
  });
  return { uri: doc.uri, version: doc.version, isolationMode: pm.isolationMode, modes: pm.modes, summaries, groups, problems, problemCount };
}
