/**
 * Which process serves each application, following IIS 6.0's documentation of the two isolation
 * modes (https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc728246(v=ws.10)):
 *
 * - worker process isolation mode: the W3wp.exe of the application's pool (AppPoolId, inherited,
 *   default DefaultAppPool), as many as the pool's MaxProcesses (a web garden); a missing pool is
 *   shown as failing, never silently mapped;
 * - IIS 5.0 isolation mode: AppIsolated (inherited, default 2) — 0 Inetinfo.exe, 1 a DLLHost.exe
 *   of its own, 2 the one shared pooled DLLHost.exe; ASP.NET code runs in aspnet_wp.exe, and the
 *   InProcessIsapiApps always run in Inetinfo.exe;
 * - mode not written: both outcomes, each entry labelled with its mode.
 */
import { DEFAULT_APP_POOL, effectiveBool, effectiveNumber, type IsolationMode, type MetabaseKey, type MetabaseModel } from '../model/metabaseModel';
import { parseDword } from '../model/typedValues';
import { runSteps, SliceClock, type Steps } from '../util/slices';
import { count } from '../util/words';

export type ProcessImage = 'w3wp.exe' | 'inetinfo.exe' | 'dllhost.exe';
export type Hosting = 'pool' | 'in-process' | 'pooled' | 'isolated';
export type ConcreteMode = 'worker' | 'iis5';

export interface OffsetRange {
  start: number;
  end: number;
}

export interface PoolSettings {
  recycling: string;
  health: string;
  rapidFail: string;
  idleTimeout: string;
  queueLength: string;
}

export interface ProcessEntry {
  /** Stable id within one result (for the webview and the tree). */
  id: string;
  mode: ConcreteMode;
  image: ProcessImage;
  pool: string | null;
  hosting: Hosting;
  /** Number of processes (a web garden has several W3wp.exe). */
  instances: number;
  identity: string;
  applications: string[];
  /** Recycling / health summary of a pool (worker mode only). */
  settings: PoolSettings | null;
  /** Where the pool (or the application, for an isolated DLLHost) is defined. */
  range: OffsetRange | null;
}

export interface ApplicationEntry {
  mode: ConcreteMode;
  location: string;
  site: string | null;
  name: string | null;
  image: ProcessImage | null;
  hosting: Hosting;
  pool: string | null;
  /** The process entry id, null when the application cannot run. */
  process: string | null;
  problem: string | null;
  notes: string[];
  range: OffsetRange;
}

export interface ProcessModel {
  /** The mode the document sets ('unset' when IIs5IsolationModeEnabled is missing). */
  isolationMode: IsolationMode;
  /** The modes shown: the document's, both when unset, or the one asked for as a preview. */
  modes: ConcreteMode[];
  processes: ProcessEntry[];
  applications: ApplicationEntry[];
}

const IDENTITIES = ['LocalSystem', 'LocalService', 'NetworkService'];

function keyRange(key: MetabaseKey): OffsetRange {
  return { start: key.element.start, end: key.element.startTagEnd };
}

export function poolIdentity(m: MetabaseModel, pool: MetabaseKey): string {
  const type = effectiveNumber(m, pool, 'AppPoolIdentityType').value ?? 2;
  if (type === 3) {
    const user = m.effective(pool, 'WAMUserName').value?.trim();
    return user ? user : 'a configured account (WAMUserName missing)';
  }
  return IDENTITIES[type] ?? `identity type ${type}`;
}

function minutes(n: number): string {
  if (n % 60 === 0 && n >= 120) return `${n / 60} h`;
  return `${n} min`;
}

export function poolSettings(m: MetabaseModel, pool: MetabaseKey): PoolSettings {
  const num = (name: string): number | undefined => effectiveNumber(m, pool, name).value;
  const triggers: string[] = [];
  const time = num('PeriodicRestartTime');
  if (time) triggers.push(`every ${minutes(time)}`);
  const requests = num('PeriodicRestartRequests');
  if (requests) triggers.push(`after ${count(requests, 'request')}`);
  const memory = num('PeriodicRestartMemory');
  if (memory) triggers.push(`at ${Math.round(memory / 1024)} MB virtual memory`);
  const priv = num('PeriodicRestartPrivateMemory');
  if (priv) triggers.push(`at ${Math.round(priv / 1024)} MB private memory`);
  const schedule = (m.effective(pool, 'PeriodicRestartSchedule').value ?? '').trim();
  if (schedule) triggers.push(`at ${schedule.split(/\s*[\r\n]+\s*/).join(', ')}`);
  const pinging = effectiveBool(m, pool, 'PingingEnabled').value !== false;
  const rapid = effectiveBool(m, pool, 'RapidFailProtection').value !== false;
  const idle = num('IdleTimeout');
  const queue = num('AppPoolQueueLength');
  return {
    recycling: triggers.length > 0 ? `recycles ${triggers.join(', ')}` : 'never recycles',
    health: pinging ? `pinged every ${num('PingInterval') ?? 30} s, must answer within ${num('PingResponseTime') ?? 60} s` : 'pinging off',
    rapidFail: rapid ? `stopped after ${count(num('RapidFailProtectionMaxCrashes') ?? 5, 'crash', 'crashes')} in ${num('RapidFailProtectionInterval') ?? 5} min` : 'rapid-fail protection off',
    idleTimeout: idle ? `shuts down after ${idle} min idle` : 'never idles out',
    queueLength: `queue of ${count(queue ?? 1000, 'request')}`,
  };
}

function siteInfo(m: MetabaseModel, app: MetabaseKey): { site: string | null; name: string | null } {
  const site = m.siteOf(app);
  return { site: site ? (m.get(site, 'ServerComment') ?? site.location) : null, name: m.get(app, 'AppFriendlyName') ?? null };
}

function usesAspNet(m: MetabaseModel, app: MetabaseKey): string | undefined {
  const eff = m.effectiveScriptMaps(app);
  if (!eff) return undefined;
  for (const s of eff.maps) {
    const v = s.aspNet;
    if (v) return v.version;
  }
  return undefined;
}

export interface ServingProcess {
  mode: ConcreteMode;
  image: ProcessImage | null;
  hosting: Hosting;
  pool: string | null;
  poolKey: MetabaseKey | undefined;
  instances: number;
  identity: string | null;
  problem: string | null;
  notes: string[];
}

/** What every application of a pool shares, worked out once per pool (not once per application). */
interface PoolFacts {
  name: string;
  instances: number;
  identity: string;
}

export type PoolFactsCache = Map<MetabaseKey, PoolFacts>;

function poolFacts(m: MetabaseModel, pool: MetabaseKey, cache?: PoolFactsCache): PoolFacts {
  let f = cache?.get(pool);
  if (!f) {
    f = { name: m.poolName(pool), instances: Math.max(1, effectiveNumber(m, pool, 'MaxProcesses').value ?? 1), identity: poolIdentity(m, pool) };
    cache?.set(pool, f);
  }
  return f;
}

/** The process that serves one application in `mode` (cheap: no whole-model work). */
export function servingProcess(m: MetabaseModel, app: MetabaseKey, mode: ConcreteMode, pools?: PoolFactsCache): ServingProcess {
  const notes: string[] = [];
  const aspnet = usesAspNet(m, app);
  if (mode === 'worker') {
    const { name, from } = m.poolIdOf(app);
    const pool = m.pool(name);
    if (!pool) {
      const problem = m.hasPoolContainer()
        ? `application pool "${name}" does not exist${from ? '' : ` (no AppPoolId is set, so IIS uses ${DEFAULT_APP_POOL})`}: requests fail`
        : `application pool "${name}" is not in this file (an excerpt without /LM/W3SVC/AppPools)`;
      return { mode, image: null, hosting: 'pool', pool: name, poolKey: undefined, instances: 0, identity: null, problem, notes };
    }
    // Only an application that has a process gets told where its ASP.NET code runs.
    if (aspnet) notes.push(`ASP.NET ${aspnet} runs inside the pool's W3wp.exe`);
    const f = poolFacts(m, pool, pools);
    return { mode, image: 'w3wp.exe', hosting: 'pool', pool: f.name, poolKey: pool, instances: f.instances, identity: f.identity, problem: null, notes };
  }
  const ws = m.webService();
  const iwam = (ws && m.get(ws, 'WAMUserName')) || 'the IWAM_<computer> account';
  const level = parseDword(m.effective(app, 'AppIsolated').value ?? '2') ?? 2;
  if (aspnet) notes.push(`ASP.NET ${aspnet} code runs in aspnet_wp.exe (configured by <processModel> in machine.config), not in this process`);
  const inProc = ws ? inProcessIsapiNames(m.get(ws, 'InProcessIsapiApps') ?? '') : [];
  const mapped = level !== 0 ? mappedDllNames(m, app).filter((d) => inProc.includes(d)) : [];
  if (mapped.length > 0) notes.push(`requests handled by ${mapped.join(', ')} (listed in InProcessIsapiApps) still run in Inetinfo.exe`);
  const problem = level > 2 ? `AppIsolated="${level}" is not a documented value; IIS 5.0 mode knows 0, 1 and 2` : null;
  if (level === 0) return { mode, image: 'inetinfo.exe', hosting: 'in-process', pool: null, poolKey: undefined, instances: 1, identity: 'LocalSystem', problem, notes };
  if (level === 1) {
    return { mode, image: 'dllhost.exe', hosting: 'isolated', pool: null, poolKey: undefined, instances: 1, identity: m.effective(app, 'WAMUserName').value || iwam, problem, notes };
  }
  return { mode, image: 'dllhost.exe', hosting: 'pooled', pool: null, poolKey: undefined, instances: 1, identity: iwam, problem, notes };
}

/** File names of the ISAPI DLLs the application's effective script maps use. */
function mappedDllNames(m: MetabaseModel, app: MetabaseKey): string[] {
  const eff = m.effectiveScriptMaps(app);
  if (!eff) return [];
  return [...new Set(eff.maps.map((s) => s.dll.split('\\').pop()!.toLowerCase()))];
}

function inProcessIsapiNames(value: string): string[] {
  return value
    .split(/[\r\n]+/)
    .map((s) => s.trim().split('\\').pop()?.toLowerCase())
    .filter((s): s is string => !!s);
}

type ModeModel = { processes: ProcessEntry[]; applications: ApplicationEntry[] };

function* workerModel(m: MetabaseModel, clock: SliceClock): Steps<ModeModel> {
  const processes: ProcessEntry[] = [];
  const byPool = new Map<string, ProcessEntry>();
  const facts: PoolFactsCache = new Map();
  for (const pool of m.pools().values()) {
    const f = poolFacts(m, pool, facts);
    const name = f.name;
    const entry: ProcessEntry = {
      id: `worker:w3wp:${name.toLowerCase()}`,
      mode: 'worker',
      image: 'w3wp.exe',
      pool: name,
      hosting: 'pool',
      instances: f.instances,
      identity: f.identity,
      applications: [],
      settings: poolSettings(m, pool),
      range: keyRange(pool),
    };
    processes.push(entry);
    byPool.set(name.toLowerCase(), entry);
  }
  const applications: ApplicationEntry[] = [];
  for (const app of m.applications()) {
    if (m.isTemplate(app)) continue;
    const sp = servingProcess(m, app, 'worker', facts);
    const proc = sp.pool ? byPool.get(sp.pool.toLowerCase()) : undefined;
    if (proc) proc.applications.push(app.location);
    applications.push({
      mode: 'worker',
      location: app.location,
      ...siteInfo(m, app),
      image: sp.image,
      hosting: 'pool',
      pool: sp.pool,
      process: proc ? proc.id : null,
      problem: sp.problem,
      notes: sp.notes,
      range: keyRange(app),
    });
    if (clock.due()) yield;
  }
  return { processes, applications };
}

function* iis5Model(m: MetabaseModel, clock: SliceClock): Steps<ModeModel> {
  const shared = (id: string, image: ProcessImage, hosting: Hosting, identity: string): ProcessEntry => ({
    id, mode: 'iis5', image, pool: null, hosting, instances: 1, identity, applications: [], settings: null, range: null,
  });
  const ws = m.webService();
  const inetinfo = shared('iis5:inetinfo', 'inetinfo.exe', 'in-process', 'LocalSystem');
  const pooled = shared('iis5:dllhost:pooled', 'dllhost.exe', 'pooled', (ws && m.get(ws, 'WAMUserName')) || 'the IWAM_<computer> account');
  const isolated: ProcessEntry[] = [];
  const applications: ApplicationEntry[] = [];
  for (const app of m.applications()) {
    if (m.isTemplate(app)) continue;
    const sp = servingProcess(m, app, 'iis5');
    let proc: ProcessEntry;
    if (sp.hosting === 'in-process') proc = inetinfo;
    else if (sp.hosting === 'pooled') proc = pooled;
    else {
      proc = { ...shared(`iis5:dllhost:${app.path}`, 'dllhost.exe', 'isolated', sp.identity ?? ''), range: keyRange(app) };
      isolated.push(proc);
    }
    proc.applications.push(app.location);
    applications.push({
      mode: 'iis5',
      location: app.location,
      ...siteInfo(m, app),
      image: proc.image,
      hosting: sp.hosting,
      pool: null,
      process: proc.id,
      problem: sp.problem,
      notes: sp.notes,
      range: keyRange(app),
    });
    if (clock.due()) yield;
  }
  const processes = [inetinfo, ...(pooled.applications.length > 0 ? [pooled] : []), ...isolated];
  return { processes, applications };
}

/** The process model of the document's mode, or of `mode` to preview a switch. */
export function computeProcessModel(m: MetabaseModel, mode?: ConcreteMode): ProcessModel {
  return runSteps(processModelSteps(m, mode));
}

/** The same, yielding whenever `sliceMs` have passed (the server runs it in slices: util/slices.ts). */
export function* processModelSteps(m: MetabaseModel, mode?: ConcreteMode, sliceMs = Infinity): Steps<ProcessModel> {
  const clock = new SliceClock(sliceMs);
  const actual = m.isolationMode();
  const wanted: ConcreteMode[] = mode ? [mode] : actual === 'unset' ? ['worker', 'iis5'] : [actual];
  const processes: ProcessEntry[] = [];
  const applications: ApplicationEntry[] = [];
  for (const w of wanted) {
    const r = w === 'worker' ? yield* workerModel(m, clock) : yield* iis5Model(m, clock);
    processes.push(...r.processes);
    applications.push(...r.applications);
  }
  return { isolationMode: actual, modes: wanted, processes, applications };
}

const MODE_TITLE: Record<ConcreteMode, string> = {
  worker: 'worker process isolation mode',
  iis5: 'IIS 5.0 isolation mode',
};

/** A readable tree for `iis6-metabase processes --format text`. */
export function processModelText(pm: ProcessModel): string {
  const lines: string[] = [];
  const preview = pm.isolationMode !== 'unset' && !pm.modes.includes(pm.isolationMode);
  lines.push(
    pm.isolationMode === 'unset'
      ? 'Isolation mode: not set (IIs5IsolationModeEnabled is missing on /LM/W3SVC): both outcomes below.'
      : preview
        ? `Preview: the file says ${MODE_TITLE[pm.isolationMode]}; this is what ${MODE_TITLE[pm.modes[0]]} would do.`
        : `Isolation mode: ${MODE_TITLE[pm.isolationMode]}.`,
  );
  // Applications by mode and Location, looked up once each (a search per line was quadratic:
  // 78 s at 30,000 sites).
  const byLocation = new Map<string, ProcessModel['applications'][number]>();
  for (const a of pm.applications) {
    const k = `${a.mode}\u0000${a.location}`;
    if (!byLocation.has(k)) byLocation.set(k, a);
  }
  for (const mode of pm.modes) {
    if (pm.modes.length > 1) lines.push('', `If ${MODE_TITLE[mode]}:`);
    if (!pm.processes.some((x) => x.mode === mode) && !pm.applications.some((x) => x.mode === mode)) {
      lines.push(`  No web site or application in this file, so no ${mode === 'worker' ? 'worker process (W3wp.exe)' : 'application process'} starts.`);
      continue;
    }
    for (const p of pm.processes.filter((x) => x.mode === mode)) {
      const count = p.instances > 1 ? ` ×${p.instances} (web garden)` : '';
      const what = p.pool ? `pool ${p.pool}` : p.hosting === 'pooled' ? 'pooled applications' : p.hosting === 'isolated' ? 'isolated application' : 'IIS itself';
      lines.push(`  ${p.image}${count} — ${what}, runs as ${p.identity}`);
      if (p.settings) lines.push(`      ${p.settings.recycling}; ${p.settings.health}; ${p.settings.rapidFail}; ${p.settings.idleTimeout}`);
      for (const loc of p.applications) {
        const app = byLocation.get(`${mode}\u0000${loc}`)!;
        lines.push(`      ${loc}${app.site ? `  (${app.site})` : ''}`);
        for (const n of app.notes) lines.push(`        note: ${n}`);
      }
      if (p.applications.length === 0) lines.push('      (no applications)');
    }
    for (const a of pm.applications.filter((x) => x.mode === mode && x.problem && !x.process)) {
      lines.push(`  ✖ ${a.location}${a.site ? `  (${a.site})` : ''}: ${a.problem}`);
    }
  }
  return lines.join('\n');
}
