/**
 * Application pools: the pool an application names must exist; identity, health monitoring,
 * recycling and web gardens.
 */
import { APP_INFO_PROPERTIES, DEFAULT_APP_POOL, findAttr, parseBool } from '../model/metabaseModel';
import { appLabel, effectiveBool, effectiveNumber, listSome, OncePerAttribute, poolKeys, quoted } from './ruleHelpers';
import type { Rule } from './ruleTypes';
import { parseDword } from '../model/typedValues';

const APPPOOLID = 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524723(v=vs.90)';
const IDENTITY = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc736455(v=ws.10)';
const WEB_GARDEN_KB = 'https://support.microsoft.com/en-us/help/822171/iis-6.0-session-state-may-be-lost-if-you-use-web-gardens-with-asp-applications/';
const HEALTH = 'https://technet.microsoft.com/en-us/library/cc756810(v=ws.10).aspx';
const RECYCLING = 'https://technet.microsoft.com/en-us/library/cc780924(WS.10).aspx';

export const appPoolNotFound: Rule = {
  meta: {
    id: 'apppool-not-found',
    defaultSeverity: 'error',
    description: 'AppPoolId (set or inherited) names an application pool that does not exist; requests to the application fail.',
    sources: [APPPOOLID, 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc736325(v=ws.10)'],
  },
  // Where AppPoolId is set (the pool names are part of the validation context).
  needs: ['AppPoolId'],
  checkKey(ctx, key) {
    const m = ctx.model;
    // Only a whole metabase can tell: an excerpt or a site export carries no pools at all.
    if (!m.hasPoolContainer() || m.isolationMode() === 'iis5' || m.isTemplate(key)) return;
    const attr = findAttr(key.element, 'AppPoolId');
    if (!attr) return;
    const name = m.valueOf(key.element, attr).trim();
    if (name === '' || m.pool(name)) return;
    const existing = poolKeys(m).map((p) => m.poolName(p));
    ctx.reportValue(key, attr, `No application pool ${quoted(name)} exists, so requests to its applications fail (503). There is no key /LM/W3SVC/AppPools/${name}, and IIS logs an event. Create the pool or point AppPoolId at an existing one${existing.length > 0 ? ` (${listSome(existing)})` : ''}.`, {
      data: { pool: name, pools: existing },
    });
  },
  // On the applications that inherit a missing pool (or the missing default).
  reads: APP_INFO_PROPERTIES,
  check(ctx) {
    const m = ctx.model;
    if (!m.hasPoolContainer() || m.isolationMode() === 'iis5') return;
    let existing: string[] | undefined;
    // By pool: only the applications of pools that do not exist are looked at.
    for (const [poolId, apps] of m.applicationsByPool()) {
      if (m.poolById(poolId)) continue;
      for (const app of apps) {
        const info = m.appInfo(app);
        if (info.poolFrom === app) continue;
        existing ??= poolKeys(m).map((p) => m.poolName(p));
        if (info.poolFrom) {
          if (info.poolName.trim() === '') continue;
          ctx.reportKey(app, `The pool this application inherits, ${quoted(info.poolName)}, does not exist: its requests fail (503). It inherits AppPoolId from ${info.poolFrom.location}; create the pool or set AppPoolId on this application.`, {
            data: { pool: info.poolName, pools: existing, inheritedFrom: info.poolFrom.location },
          });
        } else {
          ctx.reportKey(app, `This application runs in ${DEFAULT_APP_POOL}, which does not exist: its requests fail (503). It sets no AppPoolId and inherits none, so IIS puts it in ${DEFAULT_APP_POOL}; create that pool or set AppPoolId.`, {
            data: { pool: info.poolName, pools: existing },
          });
        }
      }
    }
  },
};

export const webGardenSessionState: Rule = {
  meta: {
    id: 'web-garden-session-state',
    defaultSeverity: 'warning',
    description: 'A web garden (MaxProcesses > 1) serving applications that keep in-process session state.',
    sources: [WEB_GARDEN_KB, 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc757137(v=ws.10)', 'https://stackoverflow.com/questions/2147578/asp-net-session-state-and-multiple-worker-processes'],
  },
  reads: [...APP_INFO_PROPERTIES, 'MaxProcesses'],
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5') return;
    const once = new OncePerAttribute(ctx);
    const byPool = m.applicationsByPool();
    for (const pool of poolKeys(m)) {
      const { value: n, eff } = effectiveNumber(m, pool, 'MaxProcesses');
      if (n === undefined || n <= 1) continue;
      const apps = (byPool.get(m.poolName(pool).toLowerCase()) ?? []).filter((app) => m.appInfo(app).aspSession);
      if (apps.length === 0) continue;
      once.report(eff, pool, `MaxProcesses="${n}" makes ${m.poolName(pool)} a web garden, which loses in-process ASP sessions. ${listSome(apps.map(appLabel))} keep${apps.length === 1 ? 's' : ''} ASP session state in process (AspAllowSessionState is on); each of the ${n} worker processes has its own sessions and requests are spread across them, so users lose their session at random. Use MaxProcesses="1" or move session state out of process (ASP.NET state server or SQL Server).`, {
        data: { pool: m.poolName(pool), applications: apps.map(appLabel) },
      });
    }
  },
};

export const localSystemIdentity: Rule = {
  meta: {
    id: 'localsystem-identity',
    defaultSeverity: 'warning',
    description: 'An application pool that runs as LocalSystem (AppPoolIdentityType 0).',
    sources: [IDENTITY, 'https://technet.microsoft.com/en-us/library/cc780343(v=ws.10).aspx', 'https://docs.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc739233%28v%3Dws.10%29'],
  },
  reads: ['AppPoolIdentityType'],
  check(ctx) {
    const m = ctx.model;
    const once = new OncePerAttribute(ctx);
    const container = m.keyAt('/LM/W3SVC/AppPools');
    for (const pool of container ? [...poolKeys(m), container] : poolKeys(m)) {
      const { value, eff } = effectiveNumber(m, pool, 'AppPoolIdentityType');
      if (value !== 0 || !eff.from) continue;
      once.report(eff, pool, `AppPoolIdentityType="0" runs the worker processes as LocalSystem, the most powerful account. Whoever compromises any application of the pool owns the machine. Use NetworkService (2, the default) or a dedicated low-privilege account (3) and grant it only the rights it needs.`);
    }
  },
};

export const customIdentity: Rule = {
  meta: {
    id: 'custom-identity-no-username',
    defaultSeverity: 'error',
    description: 'AppPoolIdentityType 3 (a configured account) without a WAMUserName for the pool.',
    sources: [IDENTITY, 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524908(v=vs.90)', 'https://technet.microsoft.com/en-us/library/cc770665.aspx'],
  },
  reads: ['AppPoolIdentityType', 'WAMUserName'],
  check(ctx) {
    const m = ctx.model;
    for (const pool of poolKeys(m)) {
      const { value, eff } = effectiveNumber(m, pool, 'AppPoolIdentityType');
      if (value !== 3 || !eff.from || !eff.attr) continue;
      const user = m.effective(pool, 'WAMUserName').value?.trim();
      if (user) continue;
      ctx.reportAttr(eff.from, eff.attr, `${m.poolName(pool)} runs as a configured account (AppPoolIdentityType="3") but has no WAMUserName. Its worker processes cannot start, so requests fail with 503. Set the account (and its password) on the pool with IIS Manager or adsutil, or use NetworkService (2).`, {
        data: { pool: m.poolName(pool) },
      });
    }
  },
};

export const customIdentityReminder: Rule = {
  meta: {
    id: 'custom-identity-iis-wpg',
    defaultSeverity: 'information',
    description: 'A pool that runs as a configured account: the account must belong to IIS_WPG (the file cannot show group membership).',
    sources: ['https://technet.microsoft.com/en-us/library/cc770665.aspx', 'https://help.k2.com/kb000095'],
  },
  reads: ['AppPoolIdentityType', 'WAMUserName'],
  check(ctx) {
    const m = ctx.model;
    for (const pool of poolKeys(m)) {
      const attr = findAttr(pool.element, 'AppPoolIdentityType');
      if (!attr || parseDword(m.valueOf(pool.element, attr)) !== 3) continue;
      const user = m.effective(pool, 'WAMUserName').value?.trim();
      if (!user) continue;
      ctx.reportAttr(pool, attr, `${m.poolName(pool)} runs as ${user}, which must be a member of IIS_WPG. The account also needs the "Log on as a service" right; without them the worker process fails to start and the pool answers 503. (The file cannot show group membership.)`);
    }
  },
};

export const rapidFailDisabled: Rule = {
  meta: {
    id: 'rapid-fail-disabled',
    defaultSeverity: 'information',
    description: 'Rapid-fail protection turned off, or set to stop a pool after a single crash.',
    sources: [HEALTH, 'http://technet.microsoft.com/en-us/library/cc737381(v=ws.10).aspx', 'http://blogs.iis.net/brian-murphy-booth/archive/tags/iis+6+troubleshooting/default.aspx'],
  },
  keyTypes: ['IIsApplicationPool', 'IIsApplicationPools'],
  checkKey(ctx, key) {
    const m = ctx.model;
    const off = findAttr(key.element, 'RapidFailProtection');
    if (off && parseBool(m.valueOf(key.element, off)) === false) {
      ctx.reportAttr(key, off, 'Rapid-fail protection is off, so a pool whose worker process keeps crashing is never stopped. The process is restarted again and again, burning CPU, and no clear event says why. Turn it back on unless you are debugging the crashes.');
    }
    const crashes = findAttr(key.element, 'RapidFailProtectionMaxCrashes');
    if (crashes && parseDword(m.valueOf(key.element, crashes)) === 1) {
      ctx.reportAttr(key, crashes, 'RapidFailProtectionMaxCrashes="1" stops the pool after a single worker-process crash. Every request then gets 503 until an administrator starts the pool again.');
    }
  },
};

export const pingingDisabled: Rule = {
  meta: {
    id: 'pinging-disabled',
    defaultSeverity: 'warning',
    description: 'Health pinging turned off: hung worker processes are never detected.',
    sources: [HEALTH, 'https://technet.microsoft.com/en-us/library/cc737596(v=ws.10).aspx'],
  },
  keyTypes: ['IIsApplicationPool', 'IIsApplicationPools'],
  checkKey(ctx, key) {
    const m = ctx.model;
    const attr = findAttr(key.element, 'PingingEnabled');
    if (!attr || parseBool(m.valueOf(key.element, attr)) !== false) return;
    ctx.reportAttr(key, attr, 'Pinging is off, so a hung worker process is never noticed. Its requests queue until users give up. Keep PingingEnabled="TRUE" in production (turn it off only while a debugger is attached).');
  },
};

const RESTART_TRIGGERS = ['PeriodicRestartTime', 'PeriodicRestartRequests', 'PeriodicRestartMemory', 'PeriodicRestartPrivateMemory'];

export const noRecycling: Rule = {
  meta: {
    id: 'no-recycling',
    defaultSeverity: 'information',
    description: 'A pool with every recycling trigger turned off (time, requests, memory, schedule).',
    sources: [RECYCLING, 'http://technet.microsoft.com/en-us/library/cc736473(v=ws.10).aspx', 'http://technet.microsoft.com/en-us/library/cc780924(WS.10).aspx'],
  },
  reads: [...RESTART_TRIGGERS, 'PeriodicRestartSchedule'],
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5') return;
    for (const pool of poolKeys(m)) {
      const values = RESTART_TRIGGERS.map((name) => effectiveNumber(m, pool, name));
      if (values.some((v) => v.value === undefined || v.value !== 0)) continue;
      if ((m.effective(pool, 'PeriodicRestartSchedule').value ?? '').trim() !== '') continue;
      const time = values[0].eff;
      const message = `${m.poolName(pool)} never recycles: every recycling trigger is off. Elapsed time, request count, memory and schedule are all off, so a leaking application grows until it fails; consider at least a nightly PeriodicRestartSchedule or a memory limit.`;
      if (time.from === pool && time.attr) ctx.reportAttr(pool, time.attr, message, { data: { pool: m.poolName(pool) } });
      else ctx.reportKey(pool, message, { data: { pool: m.poolName(pool) } });
    }
  },
};

export const cpuLimit: Rule = {
  meta: {
    id: 'cpu-limit-inactive',
    defaultSeverity: 'warning',
    description: 'CPULimit set while CPUResetInterval is 0, which turns CPU monitoring off.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc783617(v=ws.10)', 'https://zcusa.951200.xyz/fr-fr/previous-versions/windows/it-pro/windows-server-2003/cc783617(v=ws.10)'],
  },
  reads: ['CPULimit', 'CPUResetInterval'],
  check(ctx) {
    const m = ctx.model;
    const once = new OncePerAttribute(ctx);
    for (const pool of poolKeys(m)) {
      const limit = effectiveNumber(m, pool, 'CPULimit');
      const interval = effectiveNumber(m, pool, 'CPUResetInterval');
      if (!limit.value || interval.value !== 0) continue;
      once.report(limit.eff, pool, `CPULimit="${limit.value}" has no effect: CPUResetInterval="0" turns CPU monitoring off. Set CPUResetInterval for ${m.poolName(pool)} to the number of minutes over which CPU use is measured.`);
    }
  },
};

export const cpuActionShutdown: Rule = {
  meta: {
    id: 'cpu-action-shutdown',
    defaultSeverity: 'information',
    description: 'CPUAction 1 shuts down worker processes that exceed CPULimit.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc786288(v=ws.10)', 'https://zcusa.951200.xyz/fr-fr/previous-versions/windows/it-pro/windows-server-2003/cc783617(v=ws.10)'],
  },
  reads: ['CPUAction', 'CPULimit', 'CPUResetInterval'],
  check(ctx) {
    const m = ctx.model;
    const once = new OncePerAttribute(ctx);
    for (const pool of poolKeys(m)) {
      const action = effectiveNumber(m, pool, 'CPUAction');
      const limit = effectiveNumber(m, pool, 'CPULimit');
      const interval = effectiveNumber(m, pool, 'CPUResetInterval');
      if (action.value !== 1 || !limit.value || !interval.value) continue;
      once.report(action.eff, pool, `CPUAction="1" shuts down ${m.poolName(pool)}'s worker processes when they exceed CPULimit. Its applications then answer 503 until the interval ends; use 0 to only log an event if that is not intended.`);
    }
  },
};

const INERT: Array<{ switch: string; dependents: string[] }> = [
  { switch: 'PingingEnabled', dependents: ['PingInterval', 'PingResponseTime'] },
  { switch: 'RapidFailProtection', dependents: ['RapidFailProtectionInterval', 'RapidFailProtectionMaxCrashes'] },
  { switch: 'OrphanWorkerProcess', dependents: ['OrphanActionExe', 'OrphanActionParams'] },
];

export const contradictingSettings: Rule = {
  meta: {
    id: 'contradicting-settings',
    defaultSeverity: 'warning',
    description: 'Pool settings that another setting of the same pool turns off (ping times with pinging off, rapid-fail limits with protection off, orphan actions with orphaning off): the value written there has no effect.',
    sources: [HEALTH, 'https://technet.microsoft.com/en-us/library/cc756892(v=ws.10).aspx'],
  },
  reads: INERT.flatMap((i) => [i.switch, ...i.dependents]),
  check(ctx) {
    const m = ctx.model;
    for (const key of m.keys) {
      if (key.keyType !== 'IIsApplicationPool') continue;
      for (const { switch: sw, dependents } of INERT) {
        const on = effectiveBool(m, key, sw);
        if (on.value !== false) continue;
        for (const dep of dependents) {
          const attr = findAttr(key.element, dep);
          if (!attr) continue;
          ctx.reportAttr(key, attr, `${dep} has no effect: ${sw} is FALSE. ${on.eff.from === key ? `${sw}="FALSE" is set on this pool` : `This pool inherits ${sw}="FALSE" from ${on.eff.from?.location ?? 'the default'}`}.`, {
            tags: ['unnecessary'],
          });
        }
      }
    }
  },
};

export const orphanWorkerProcess: Rule = {
  meta: {
    id: 'orphan-worker-process',
    defaultSeverity: 'information',
    description: 'OrphanWorkerProcess on: hung worker processes are kept for debugging instead of being ended.',
    sources: ['https://technet.microsoft.com/en-us/library/cc756892(v=ws.10).aspx', 'https://technet.microsoft.com/en-us/library/cc737596(v=ws.10).aspx'],
  },
  keyTypes: ['IIsApplicationPool', 'IIsApplicationPools'],
  checkKey(ctx, key) {
    const m = ctx.model;
    const attr = findAttr(key.element, 'OrphanWorkerProcess');
    if (!attr || parseBool(m.valueOf(key.element, attr)) !== true) return;
    ctx.reportAttr(key, attr, 'OrphanWorkerProcess is on, so hung worker processes are left running and pile up. A process that fails its health ping is kept for a debugger and a new one starts beside it, holding memory. Turn it off on production servers.');
  },
};

export const notAutoStarted: Rule = {
  meta: {
    id: 'not-auto-started',
    defaultSeverity: 'information',
    description: 'A site (ServerAutoStart) or pool (AppPoolAutoStart) that will not start with IIS.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc782812(v=ws.10)', 'https://learn.microsoft.com/es-es/previous-versions/windows/it-pro/windows-server-2003/cc759202(v=ws.10)'],
  },
  keyTypes: ['IIsWebServer', 'IIsApplicationPool'],
  checkKey(ctx, key) {
    const m = ctx.model;
    if (m.isSite(key)) {
      const attr = findAttr(key.element, 'ServerAutoStart');
      if (attr && parseBool(m.valueOf(key.element, attr)) === false) {
        ctx.reportAttr(key, attr, `Site ${m.get(key, 'ServerComment') ?? key.location} does not start with IIS (ServerAutoStart="FALSE"). It stays stopped after a restart of IIS or of the server; IIS writes this whenever the site is stopped in IIS Manager.`);
      }
    } else if (key.keyType === 'IIsApplicationPool') {
      const attr = findAttr(key.element, 'AppPoolAutoStart');
      if (attr && parseBool(m.valueOf(key.element, attr)) === false) {
        ctx.reportAttr(key, attr, `${m.poolName(key)} does not start with IIS: its applications answer 503 until someone starts the pool.`);
      }
    }
  },
};

export const unusedPool: Rule = {
  meta: {
    id: 'unused-pool',
    defaultSeverity: 'hint',
    description: 'An application pool that no application uses.',
    sources: [APPPOOLID],
  },
  reads: APP_INFO_PROPERTIES,
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5' || !m.webService()) return;
    const byPool = m.applicationsByPool();
    for (const pool of poolKeys(m)) {
      if ((byPool.get(m.poolName(pool).toLowerCase()) ?? []).length > 0) continue;
      ctx.reportKey(pool, `No application in this metabase uses ${m.poolName(pool)}.`, { data: { pool: m.poolName(pool) } });
    }
  },
};

export const poolRules: Rule[] = [
  appPoolNotFound,
  webGardenSessionState,
  localSystemIdentity,
  customIdentity,
  customIdentityReminder,
  rapidFailDisabled,
  pingingDisabled,
  noRecycling,
  cpuLimit,
  cpuActionShutdown,
  contradictingSettings,
  orphanWorkerProcess,
  notAutoStarted,
  unusedPool,
];
