/**
 * The isolation mode decides which settings matter: pools and AppPoolId only in worker process
 * isolation mode, AppIsolated only in IIS 5.0 isolation mode; process-level ASP settings only on
 * /LM/W3SVC.
 */
import { installValue } from '../data/installDefaults';
import { DEFAULT_APP_POOL, findAttr, parseBool, WEB_SERVICE_PATH, WEB_SERVICE_PREFIX, type MetabaseKey, type MetabaseModel } from '../model/metabaseModel';
import { parseDword, parseFlags } from '../model/typedValues';
import type { PropertyData } from '../schema/types';
import { effectiveNumber, entryRange, listSome } from './ruleHelpers';
import type { Rule, RuleContext } from './ruleTypes';

const MODES = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc728246(v=ws.10)';
const MODE_PROPERTY = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc740256(v=ws.10)';
const CLEAN_INSTALL = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc787765(v=ws.10)';
const LEVELS = 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524663(v=vs.90)';

export const isolationModeUnset: Rule = {
  meta: {
    id: 'isolation-mode-unset',
    defaultSeverity: 'information',
    description: 'IIs5IsolationModeEnabled is not written on /LM/W3SVC, so the isolation mode is ambiguous.',
    sources: [MODE_PROPERTY, CLEAN_INSTALL, 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc736863(v=ws.10)'],
  },
  reads: ['IIs5IsolationModeEnabled'],
  check(ctx) {
    const ws = ctx.model.webService();
    if (!ws || findAttr(ws.element, 'IIs5IsolationModeEnabled')) return;
    ctx.reportKey(ws, 'IIs5IsolationModeEnabled is not set here, so the isolation mode is a guess. The schema default is TRUE (IIS 5.0 isolation mode: no application pools), but a clean IIS 6.0 install writes FALSE and runs in worker process isolation mode; only upgrades from IIS 5.0 stay in IIS 5.0 mode. Write the value you mean; this tool shows both outcomes until then.');
  },
};

/** The value a property of `p` would have on a pool key that did not set it. */
function inheritedPoolValue(m: MetabaseModel, container: MetabaseKey | undefined, p: PropertyData): string | undefined {
  const fromContainer = container ? m.get(container, p.name) : undefined;
  return fromContainer ?? installValue(p) ?? p.schemaDefault;
}

/** Do two values of `p` mean the same to IIS (numbers, booleans and flag sets by what they say)? */
function sameValue(p: PropertyData, a: string, b: string): boolean {
  if (p.type === 'DWORD') {
    if (p.flags && p.flags.length > 0) {
      const x = parseFlags(a, p);
      const y = parseFlags(b, p);
      return x.unknown.length === 0 && y.unknown.length === 0 && x.value === y.value;
    }
    const x = parseDword(a);
    return x !== undefined && x === parseDword(b);
  }
  if (p.type === 'BOOL') {
    const x = parseBool(a);
    return x !== undefined && x === parseBool(b);
  }
  return a.trim() === b.trim();
}

/**
 * The properties a pool key sets to something other than what it would get anyway (from
 * /LM/W3SVC/AppPools, or what IIS setup writes, or the schema default): the settings someone chose.
 */
function chosenPoolSettings(m: MetabaseModel, pool: MetabaseKey, container: MetabaseKey | undefined): string[] {
  const out: string[] = [];
  for (const entry of m.propertyEntries(pool)) {
    const p = entry.prop;
    if (!p) continue;
    const otherwise = inheritedPoolValue(m, container, p);
    if (otherwise === undefined || !entry.hasValue || !sameValue(p, entry.value, otherwise)) out.push(entry.name);
  }
  return out;
}

/** "a, b, c and 997 more", without reading the Location of every application (runs on every validation). */
function appList(apps: readonly MetabaseKey[]): string {
  const shown = apps.slice(0, 3).map((a) => a.location);
  return apps.length > 3 ? `${shown.join(', ')} and ${apps.length - 3} more` : listSome(shown);
}

const NO_POOLS = 'That mode has no application pools (IIs5IsolationModeEnabled="TRUE" on /LM/W3SVC)';

export const ignoredInIis5Mode: Rule = {
  meta: {
    id: 'ignored-in-iis5-mode',
    defaultSeverity: 'warning',
    description:
      'Application pools and AppPoolId in IIS 5.0 isolation mode, where they do nothing. A warning where someone chose them: an AppPoolId on a site or application, a pool that applications name, a pool with settings of its own. Information for what IIS setup writes: the /LM/W3SVC/AppPools key, a DefaultAppPool with nothing of its own, AppPoolId="DefaultAppPool" on /LM/W3SVC and in the site templates.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc783369(v=ws.10)', MODES, 'http://www.microsoft.com/technet/prodtechnol/WindowsServer2003/Library/IIS/b6fc78f4-2dbb-4843-87e7-9f476ffa6a63.mspx'],
  },
  needs: ['AppPoolId'],
  checkKey(ctx, key) {
    const m = ctx.model;
    if (m.isolationMode() !== 'iis5') return;
    if (key.keyType === 'IIsApplicationPool' || key.keyType === 'IIsApplicationPools') return;
    const attr = findAttr(key.element, 'AppPoolId');
    if (!attr) return;
    const value = m.valueOf(key.element, attr).trim();
    // What setup writes: the service-wide default naming DefaultAppPool, and the templates.
    const stock = (key.path === WEB_SERVICE_PATH && value.toLowerCase() === DEFAULT_APP_POOL.toLowerCase()) || m.isTemplate(key);
    if (stock) {
      ctx.reportAttr(key, attr, 'AppPoolId has no effect in IIS 5.0 isolation mode, which has no application pools. AppIsolated decides which process runs each application. IIS setup writes this value; it matters only after a switch to worker process isolation mode.', {
        tags: ['unnecessary'],
        severity: 'information',
      });
      return;
    }
    const what = key.path === WEB_SERVICE_PATH ? 'the applications of this server' : m.isApplication(key) ? 'this application' : m.isSite(key) ? 'the applications of this site' : 'the applications below this key';
    ctx.reportAttr(key, attr, `AppPoolId has no effect: this server runs in IIS 5.0 isolation mode. ${NO_POOLS}, so ${what} will not run in a worker process of ${value ? `"${value}"` : 'a pool'}. AppIsolated chooses the process instead: Inetinfo.exe (0), a DLLHost.exe of the application's own (1) or the pooled DLLHost.exe (2). To use pools, set IIs5IsolationModeEnabled="FALSE".`, {
      tags: ['unnecessary'],
    });
  },
  // Pools: whether applications name a pool is document-wide, so this part runs on every
  // validation; in worker process isolation mode it returns at once.
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() !== 'iis5') return;
    const container = m.keyAt('/LM/W3SVC/AppPools');
    if (container && container.keyType === 'IIsApplicationPools' && m.propertyEntries(container).length > 0) {
      reportIgnoredSettings(ctx, container, 'pool defaults');
    }
    const byPool = m.applicationsByPool();
    for (const [id, pool] of m.pools()) {
      const name = m.poolName(pool);
      const apps = id === DEFAULT_APP_POOL.toLowerCase() ? [] : (byPool.get(id) ?? []);
      const chosen = chosenPoolSettings(m, pool, container);
      const entries = m.propertyEntries(pool).length;
      if (apps.length === 0 && chosen.length === 0) {
        if (entries === 0) continue;
        reportIgnoredSettings(ctx, pool, 'pool settings');
        continue;
      }
      const why: string[] = [];
      if (apps.length > 0) why.push(`${apps.length === 1 ? 'An application is assigned to it' : `${apps.length} applications are assigned to it`} by AppPoolId (${appList(apps)}), but none runs in it.`);
      if (chosen.length > 0) why.push(`Its own ${chosen.length === 1 ? 'setting' : 'settings'} ${listSome(chosen)} ${chosen.length === 1 ? 'does' : 'do'} nothing.`);
      ctx.report({
        start: pool.element.start + 1,
        end: pool.element.startTagEnd,
        key: pool,
        message: `Pool ${name} is never used: this server runs in IIS 5.0 isolation mode. ${why.join(' ')} ${NO_POOLS}: applications run in Inetinfo.exe or DLLHost.exe according to AppIsolated. To use pools, set IIs5IsolationModeEnabled="FALSE".`,
        tags: ['unnecessary'],
      });
    }
  },
};

/** Information on a pool (or the pools' key) whose settings IIS 5.0 isolation mode ignores and nobody chose. */
function reportIgnoredSettings(ctx: RuleContext, key: MetabaseKey, what: 'pool defaults' | 'pool settings'): void {
  ctx.report({
    start: key.element.start + 1,
    end: key.element.startTagEnd,
    key,
    message: `These ${what} are ignored: the server runs in IIS 5.0 isolation mode. ${NO_POOLS}, so the recycling, health monitoring and identity settings of ${key.location} do nothing. Applications run in Inetinfo.exe or DLLHost.exe according to AppIsolated.`,
    tags: ['unnecessary'],
    severity: 'information',
  });
}

export const appIsolatedIgnored: Rule = {
  meta: {
    id: 'appisolated-ignored',
    defaultSeverity: 'warning',
    description: 'AppIsolated 0 or 1 (in-process, isolated) set in worker process isolation mode, where it decides nothing: the application runs in the worker process of its pool. IIS writes 2 on the applications it creates; 0 and 1 are choices someone made (often in IIS 5.0, kept through an upgrade).',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms525676(v=vs.90)', 'http://www.thenetworkencyclopedia.com/d2.asp?ref=11060 (application protection levels belong to IIS 5.0 isolation mode)'],
  },
  needs: ['AppIsolated'],
  checkKey(ctx, key) {
    const m = ctx.model;
    if (m.isolationMode() !== 'worker') return;
    const attr = findAttr(key.element, 'AppIsolated');
    if (!attr || key.path === WEB_SERVICE_PATH) return;
    // IIS itself writes AppIsolated="2" on every application: only 0 and 1 suggest that someone
    // expected this value to choose the process.
    const value = m.valueOf(key.element, attr).trim();
    if (value !== '0' && value !== '1') return;
    const meant = value === '0' ? 'in Inetinfo.exe (Low)' : 'in a DLLHost.exe of its own (High)';
    ctx.reportAttr(key, attr, `AppIsolated="${value}" decides nothing in worker process isolation mode. It would run this application ${meant} only in IIS 5.0 isolation mode; here it runs in the W3wp.exe of its pool (AppPoolId) whatever this says. ${value === '1' ? 'To isolate it, give it a pool of its own.' : 'No application runs in Inetinfo.exe in this mode.'} If the value came over from IIS 5.0, write 2, the value IIS gives applications in this mode.`, {
      data: { value },
    });
  },
};

export const processLevelIgnored: Rule = {
  meta: {
    id: 'process-level-ignored',
    defaultSeverity: 'warning',
    description: 'A process-level ASP property set where IIS does not read it (anywhere but /LM/W3SVC, or a site in IIS 5.0 isolation mode).',
    sources: [LEVELS],
  },
  checkKey(ctx, key) {
    const m = ctx.model;
    const mode = m.isolationMode();
    if (key.path === WEB_SERVICE_PATH || !key.path.startsWith(WEB_SERVICE_PREFIX)) return;
    for (const entry of m.propertyEntries(key)) {
      const p = entry.prop;
      if (!p || ctx.catalog.level(p) !== 'process' || !ctx.catalog.allowsProperty(key.keyType, p)) continue;
      const attr = entry.attr;
      if (m.isSite(key) && mode !== 'worker') continue; // honoured for isolated applications in IIS 5.0 mode
      const where = m.isSite(key)
        ? 'On a site it counts only in IIS 5.0 isolation mode, for an isolated (High) application, and this server runs in worker process isolation mode'
        : 'Below a site it is never read';
      ctx.reportAttr(key, attr, `IIS does not read ${attr.name} here: it is a process-level ASP setting. ${where}; set it on /LM/W3SVC.`, {
        tags: ['unnecessary'],
      });
    }
  },
};

export const wow64RequiresWorkerMode: Rule = {
  meta: {
    id: 'wow64-requires-worker-mode',
    defaultSeverity: 'error',
    description: 'Enable32BitAppOnWin64 (32-bit worker processes on x64) together with IIS 5.0 isolation mode.',
    sources: ['http://technet.microsoft.com/en-us/library/cc755457(v=ws.10).aspx', 'https://mskb.pkisolutions.com/kb/895976'],
  },
  reads: ['IIs5IsolationModeEnabled', 'Enable32BitAppOnWin64'],
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() !== 'iis5') return;
    const pools = m.keyAt('/LM/W3SVC/AppPools');
    const attr = pools && findAttr(pools.element, 'Enable32BitAppOnWin64');
    if (!pools || !attr || parseBool(m.valueOf(pools.element, attr)) !== true) return;
    ctx.reportAttr(pools, attr, 'Enable32BitAppOnWin64 does not work in IIS 5.0 isolation mode, the mode of this server. IIS runs 32-bit worker processes on 64-bit Windows only in worker process isolation mode.');
  },
};

function scriptMapsOf(ctx: RuleContext, key: MetabaseKey) {
  const maps = ctx.model.ownScriptMaps(key);
  const attr = maps && findAttr(key.element, 'ScriptMaps');
  return attr && maps ? { attr, maps } : undefined;
}

export const aspNet10RequiresIis5: Rule = {
  meta: {
    id: 'aspnet10-requires-iis5-mode',
    defaultSeverity: 'warning',
    description: 'ASP.NET 1.0 script maps on a server in worker process isolation mode.',
    sources: ['http://technet.microsoft.com/en-us/library/cc783640(v=ws.10).aspx', 'https://technet.microsoft.com/en-us/library/cc780259(v=ws.10).aspx'],
  },
  needs: ['ScriptMaps'],
  checkKey(ctx, key) {
    if (ctx.model.isolationMode() !== 'worker') return;
    const sm = scriptMapsOf(ctx, key);
    if (!sm) return;
    const entry = sm.maps.find((s) => s.aspNet?.version.startsWith('1.0'));
    if (!entry) return;
    const r = entryRange(key, sm.attr, entry.entry);
    ctx.report({ ...r, key, property: 'ScriptMaps', message: 'ASP.NET 1.0 needs IIS 5.0 isolation mode; this server runs in worker process isolation mode. This maps requests to ASP.NET 1.0 (v1.0.3705), which Microsoft supports side by side with 1.1 only in IIS 5.0 isolation mode. Move the application to ASP.NET 1.1 or later.' });
  },
};

export const bitnessMismatch: Rule = {
  meta: {
    id: 'bitness-mismatch',
    defaultSeverity: 'warning',
    description: 'ASP.NET script maps of the wrong bitness for the worker processes (Enable32BitAppOnWin64).',
    sources: ['http://technet.microsoft.com/en-us/library/cc755457(v=ws.10).aspx', 'https://mskb.pkisolutions.com/kb/895976'],
  },
  // Enable32BitAppOnWin64 and whether any map is 64-bit are part of the validation context.
  needs: ['ScriptMaps'],
  checkKey(ctx, key) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5') return;
    const sm = scriptMapsOf(ctx, key);
    if (!sm) return;
    const pools = m.keyAt('/LM/W3SVC/AppPools');
    const wow = pools ? parseBool(m.get(pools, 'Enable32BitAppOnWin64') ?? '') === true : false;
    const sees64 = m.has64BitScriptMaps();
    const seen = new Set<number>();
    for (const s of sm.maps) {
      const v = s.aspNet;
      if (!v || seen.has(v.bits)) continue;
      const wrong = wow ? v.bits === 64 : sees64 && v.bits === 32;
      if (!wrong) continue;
      seen.add(v.bits);
      const message = wow
        ? 'This maps to the 64-bit ASP.NET, which cannot load in the 32-bit worker processes. Enable32BitAppOnWin64 is TRUE on /LM/W3SVC/AppPools, so worker processes are 32-bit and these requests fail. Map to the 32-bit Framework folder.'
        : 'This maps to the 32-bit ASP.NET, which cannot load in the 64-bit worker processes. Other script maps here use the 64-bit ASP.NET (Framework64), so this is a 64-bit server, and Enable32BitAppOnWin64 is not TRUE. Map to the Framework64 folder.';
      ctx.report({ ...entryRange(key, sm.attr, s.entry), key, property: 'ScriptMaps', message });
    }
  },
};

export const anonymousPasswordSync: Rule = {
  meta: {
    id: 'anonymous-password-sync-ineffective',
    defaultSeverity: 'warning',
    description: 'AnonymousPasswordSync TRUE where it cannot work (worker processes not running as LocalSystem).',
    sources: ['http://ftp.zx.net.nz/pub/mirror/ftp.microsoft.com/MISC/KB/en-us/909/887.HTM', 'http://technet.microsoft.com/sv-se/library/cc779106(v=ws.10).aspx'],
  },
  reads: ['AnonymousPasswordSync', 'AppPoolId', 'AppPoolIdentityType'],
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5') return;
    for (const key of m.keysWith('AnonymousPasswordSync')) {
      const attr = findAttr(key.element, 'AnonymousPasswordSync');
      if (!attr || parseBool(m.valueOf(key.element, attr)) !== true) continue;
      const pool = m.pool(m.poolIdOf(key).name);
      if (pool && effectiveNumber(m, pool, 'AppPoolIdentityType').value === 0) continue;
      ctx.reportAttr(key, attr, 'AnonymousPasswordSync="TRUE" does not work here: the pool does not run as LocalSystem. IIS 6.0 keeps the anonymous account\'s password in sync only with Iissuba.dll registered and a pool running as LocalSystem. If the account\'s password changes, anonymous users get 401.1; re-enter the password in IIS Manager instead.');
    }
  },
};

export const modeRules: Rule[] = [
  isolationModeUnset,
  ignoredInIis5Mode,
  appIsolatedIgnored,
  processLevelIgnored,
  wow64RequiresWorkerMode,
  aspNet10RequiresIis5,
  bitnessMismatch,
  anonymousPasswordSync,
];
