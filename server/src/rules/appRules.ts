/**
 * Applications: their AppRoot, the ASP.NET version their script maps load, the web service
 * extensions those handlers need, default documents and authentication.
 */
import { APP_INFO_PROPERTIES, findAttr, normalizePath, WEB_SERVICE_PATH, WEB_SERVICE_PREFIX, type MetabaseKey } from '../model/metabaseModel';
import { extensionAllowed, type RestrictionEntry, type ScriptMap } from '../model/iisValues';
import { appLabel, effectiveNumber, entryRange, fileName, listSome, quoted } from './ruleHelpers';
import type { Rule } from './ruleTypes';

export const appRootMismatch: Rule = {
  meta: {
    id: 'approot-mismatch',
    defaultSeverity: 'warning',
    description: "AppRoot does not match its key's Location (compared case-insensitively).",
    sources: ['https://technet.microsoft.com/en-us/library/cc782938(v=ws.10).aspx', 'https://github.com/lvp1138wikijs/wiki'],
  },
  needs: ['AppRoot'],
  checkKey(ctx, key) {
    const m = ctx.model;
    const attr = findAttr(key.element, 'AppRoot');
    if (!attr || !key.path) return;
    const value = m.valueOf(key.element, attr);
    if (value.trim() === '' || normalizePath(value) === key.path) return;
    ctx.reportValue(key, attr, `AppRoot does not match this key's Location, so the application is anchored elsewhere. AppRoot is ${quoted(value, 80)}, the Location ${quoted(key.location, 80)}. IIS computes the application boundary (ASP Application and Session scope, the ASP.NET application root) from AppRoot; this typically happens after a virtual directory was renamed by hand. Set AppRoot to the Location, or recreate the application in IIS Manager.`, {
      data: { location: key.location, appRoot: value },
    });
  },
};

export const aspNetVersionConflict: Rule = {
  meta: {
    id: 'aspnet-version-conflict',
    defaultSeverity: 'error',
    description: 'Applications of one application pool whose script maps load different ASP.NET versions.',
    sources: ['https://weblogs.asp.net/owscott/Running-multiple-versions-of-the-Framework-in-ASP.NET', 'http://technet.microsoft.com/en-us/library/cc783640(v=ws.10).aspx', 'https://ja.stackoverflow.org.cn/questions/11149724'],
  },
  reads: APP_INFO_PROPERTIES,
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5') return; // each version runs in its own aspnet_wp.exe there
    for (const [, apps] of m.applicationsByPool()) {
      const versions = new Map<string, MetabaseKey[]>();
      for (const app of apps) {
        const v = m.appInfo(app).aspNet;
        if (!v) continue;
        let list = versions.get(v);
        if (!list) versions.set(v, (list = []));
        list.push(app);
      }
      if (versions.size < 2) continue;
      const [first, ...others] = [...versions.entries()];
      const poolName = m.appInfo(apps[0]).poolName;
      for (const [version, list] of others) {
        for (const app of list) {
          const message = `This application loads ASP.NET ${version}, but its pool ${poolName} also hosts ASP.NET ${first[0]}. That version is loaded by ${listSome(first[1].map(appLabel))}, and one worker process can host only one ASP.NET version: whichever application starts first wins and the others fail with "Server Application Unavailable" (event 1062). Give each ASP.NET version its own application pool.`;
          const data = { pool: poolName, versions: [...versions.keys()], otherApplications: first[1].map(appLabel) };
          const attr = m.appInfo(app).scriptMapsFrom === app ? findAttr(app.element, 'ScriptMaps') : undefined;
          if (attr) ctx.reportName(app, attr, message, { data });
          else ctx.reportKey(app, message, { data });
        }
      }
    }
  },
};

export const extensionProhibited: Rule = {
  meta: {
    id: 'web-service-extension-prohibited',
    defaultSeverity: 'warning',
    description: "A script map whose ISAPI DLL is prohibited in WebSvcExtRestrictionList (requests return 404.2).",
    sources: ['https://technet.microsoft.com/en-us/library/cc759233(v=ws.10).aspx', 'https://technet.microsoft.com/en-us/library/cc779909(v=ws.10).aspx', 'https://technet.microsoft.com/en-us/library/cc786651(v=ws.10).aspx'],
  },
  // The restriction list of /LM/W3SVC is part of the validation context.
  needs: ['ScriptMaps'],
  checkKey(ctx, key) {
    const m = ctx.model;
    // The stock maps on /LM/W3SVC are prohibited on purpose on a locked-down server; only maps an
    // application sets itself are worth a warning.
    if (key.path === WEB_SERVICE_PATH || !key.path.startsWith(WEB_SERVICE_PREFIX)) return;
    const maps = m.ownScriptMaps(key);
    const list = m.restrictionList();
    if (!maps || !list) return;
    const prohibited = prohibitedMaps(maps, list);
    if (prohibited.length === 0) return;
    const attr = findAttr(key.element, 'ScriptMaps')!;
    for (const { s, decision } of prohibited) {
      const why = decision.by.path.startsWith('*') ? `every ISAPI extension not listed is prohibited (${decision.by.entry.text})` : `it is listed as prohibited (${decision.by.entry.text})`;
      ctx.report({
        ...entryRange(key, attr, s.entry),
        key,
        property: 'ScriptMaps',
        message: `Requests for ${s.extension} here return 404.2: WebSvcExtRestrictionList prohibits ${fileName(s.dll)}. ${s.dll} handles ${s.extension}, but on /LM/W3SVC ${why}. Allow the extension in IIS Manager (Web Service Extensions) or with iisext.`,
        data: { dll: s.dll },
      });
    }
  },
};

/** Per parsed ScriptMaps list (shared by every key that carries the same text): its prohibited maps, one per DLL. */
const prohibitedMemo = new WeakMap<ScriptMap[], { list: RestrictionEntry[]; found: Array<{ s: ScriptMap; decision: { allowed: boolean; by: RestrictionEntry } }> }>();

function prohibitedMaps(maps: ScriptMap[], list: RestrictionEntry[]): Array<{ s: ScriptMap; decision: { allowed: boolean; by: RestrictionEntry } }> {
  const memo = prohibitedMemo.get(maps);
  if (memo && memo.list === list) return memo.found;
  const found: Array<{ s: ScriptMap; decision: { allowed: boolean; by: RestrictionEntry } }> = [];
  const seen = new Set<string>();
  for (const s of maps) {
    const decision = extensionAllowed(list, s.dll);
    if (!decision || decision.allowed || seen.has(s.dll.toLowerCase())) continue;
    seen.add(s.dll.toLowerCase());
    found.push({ s, decision });
  }
  prohibitedMemo.set(maps, { list, found });
  return found;
}

export const defaultDocMissing: Rule = {
  meta: {
    id: 'default-doc-missing',
    defaultSeverity: 'information',
    description: 'An ASP.NET application whose default documents do not include Default.aspx.',
    sources: ['https://www.sunjiangong.com/IIS-configuration-with-support-of-multiple-domain-urls.html'],
  },
  reads: APP_INFO_PROPERTIES,
  check(ctx) {
    const m = ctx.model;
    for (const app of m.applications()) {
      if (m.isTemplate(app)) continue;
      const doc = m.appInfo(app).defaultDocWithoutAspx;
      if (!doc) continue;
      ctx.reportKey(app, `Default.aspx is missing from the default documents of this ASP.NET application. A request for the folder returns 403 or a listing instead of the start page. Its DefaultDoc (${doc.from === app ? 'set here' : `from ${doc.from?.location}`}) is ${quoted(doc.value, 80)}; add Default.aspx.`);
    }
  },
};

export const kerberosSpn: Rule = {
  meta: {
    id: 'kerberos-spn-needed',
    defaultSeverity: 'information',
    description: 'Integrated Windows authentication only, served by a pool with a domain account: Kerberos needs an SPN.',
    sources: ['http://support.microsoft.com/kb/871179', 'https://mskb.pkisolutions.com/kb/871179'],
  },
  reads: [...APP_INFO_PROPERTIES, 'AppPoolIdentityType', 'WAMUserName'],
  check(ctx) {
    const m = ctx.model;
    if (m.isolationMode() === 'iis5') return;
    // By pool: only the applications of pools that run as a domain account are looked at.
    for (const [poolId, apps] of m.applicationsByPool()) {
      const pool = m.poolById(poolId);
      if (!pool) continue;
      const user = effectiveNumber(m, pool, 'AppPoolIdentityType').value === 3 ? m.effective(pool, 'WAMUserName').value?.trim() : undefined;
      const account = user && user.includes('\\') ? user : null;
      if (!account) continue;
      for (const app of apps) {
        const info = m.appInfo(app);
        if (!info.kerberosOnly) continue;
        ctx.reportKey(app, `Kerberos needs an SPN registered for ${account}, the account of pool ${info.poolName}. This application accepts only Integrated Windows authentication; without an SPN (HTTP/host name) for that domain account, users are prompted three times and get 401.1. Register it with setspn, or set NTAuthenticationProviders="NTLM".`);
      }
    }
  },
};

export const appRules: Rule[] = [appRootMismatch, aspNetVersionConflict, extensionProhibited, defaultDocMissing, kerberosSpn];
