/**
 * Security and safe editing: secrets in clear text, permissions that let uploads run as code,
 * privileged accounts, and the settings that make hand edits of MetaBase.xml safe.
 */
import { findAttr, parseBool, type MetabaseKey } from '../model/metabaseModel';
import { looksEncrypted } from '../model/iisValues';
import type { Rule, RuleContext } from './ruleTypes';
import { parseDword, parseFlags } from '../model/typedValues';

const SECURE = 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc775980(v=ws.10)';
const PERMISSIONS = 'http://technet.microsoft.com/en-us/library/cc787062(v=ws.10).aspx';

export const clearTextSecret: Rule = {
  meta: {
    id: 'clear-text-secret',
    defaultSeverity: 'error',
    description: 'A SECURE property (a password) written in clear text instead of the encrypted blob IIS writes.',
    sources: [SECURE, 'https://learn.microsoft.com/en-us/previous-versions/iis/6.0-sdk/ms524871(v=vs.90)'],
  },
  checkKey(ctx, key) {
    const m = ctx.model;
    for (const entry of m.propertyEntries(key)) {
      const p = entry.prop;
      if (!p?.secure || !entry.hasValue) continue;
      if (looksEncrypted(entry.value)) continue;
      const attr = entry.attr;
      // The message never repeats the value.
      ctx.reportValue(key, attr, `${attr.name} holds a clear-text password: IIS cannot use it, and the file reveals it. It is a secure property, which IIS stores encrypted with the key in IIS_Global/SessionKey and cannot decrypt from clear text; anyone who can read the file can read this one. Remove it from the file and set the password with IIS Manager, adsutil or WMI.`, {
        data: { secret: true },
      });
    }
    // A <Custom> property declared SECURE is stored encrypted the same way.
    for (const custom of m.customs(key)) {
      const el = custom.element;
      const attributes = findAttr(el, 'Attributes');
      const value = findAttr(el, 'Value');
      if (!attributes || !value || value.valueStart < 0 || !/\bSECURE\b/i.test(m.valueOf(el, attributes))) continue;
      if (looksEncrypted(m.valueOf(el, value))) continue;
      ctx.report({
        key,
        start: el.start + value.valueStart,
        end: el.start + value.valueEnd,
        message: `The SECURE <Custom> property ${custom.name ?? '(without a Name)'} has a clear-text Value, which IIS cannot use. IIS expects it encrypted with the key in IIS_Global/SessionKey, and the clear text is readable by anyone who can read the file. Set it with adsutil or WMI instead.`,
        data: { secret: true },
      });
    }
  },
};

export const historyFilesLow: Rule = {
  meta: {
    id: 'history-files-low',
    defaultSeverity: 'warning',
    description: 'MaxHistoryFiles below 10 while edit-while-running is on.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc782923(v=ws.10)', 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc739128(v=ws.10)'],
  },
  needs: ['MaxHistoryFiles'],
  checkKey(ctx, lm) {
    const m = ctx.model;
    if (lm.path !== '/lm') return;
    const ewr = m.get(lm, 'EnableEditWhileRunning');
    const attr = findAttr(lm.element, 'MaxHistoryFiles');
    if (!attr || ewr === undefined || parseBool(ewr) !== true) return;
    const n = parseDword(m.valueOf(lm.element, attr));
    if (n === undefined || n >= 10) return;
    ctx.reportAttr(lm, attr, `MaxHistoryFiles="${n}" keeps too few versions to roll back a hand edit. With EnableEditWhileRunning on, every save of this file by hand is applied at once, and IIS keeps only ${n} earlier version${n === 1 ? '' : 's'} in the History folder. Keep MaxHistoryFiles at 10 or more.`);
  },
};

export const editWhileRunningOff: Rule = {
  meta: {
    id: 'edit-while-running-off',
    defaultSeverity: 'information',
    description: 'EnableEditWhileRunning is off: stop IIS before saving MetaBase.xml by hand.',
    sources: ['https://learn.microsoft.com/en-us/previous-versions/aa670761(v=vs.71)', 'http://www.golekupo.net/2008/05/editing-metabase-iis-60.html'],
  },
  needs: ['EnableEditWhileRunning'],
  checkKey(ctx, lm) {
    const m = ctx.model;
    if (lm.path !== '/lm') return;
    const attr = findAttr(lm.element, 'EnableEditWhileRunning');
    if (!attr || parseBool(m.valueOf(lm.element, attr)) !== false) return;
    ctx.reportAttr(lm, attr, 'Edit-while-running is off: changes saved to this file while IIS runs are lost. IIS does not pick them up, and later writes its in-memory copy over them. Stop IIS (iisreset /stop) before saving, or turn EnableEditWhileRunning on (with EnableHistory).');
  },
};

function flagsOf(ctx: RuleContext, key: MetabaseKey, name: string): { value: number; attr: NonNullable<ReturnType<typeof findAttr>> } | undefined {
  const attr = findAttr(key.element, name);
  const p = ctx.catalog.property(name);
  if (!attr || !p) return undefined;
  return { value: parseFlags(ctx.model.valueOf(key.element, attr), p).value, attr };
}

const ACCESS_WRITE = 2;
const ACCESS_EXECUTE = 4;
const ACCESS_SOURCE = 16;
const ACCESS_SCRIPT = 512;
const ENABLE_DIR_BROWSING = 0x80000000;

export const writeAndExecute: Rule = {
  meta: {
    id: 'write-and-execute',
    defaultSeverity: 'warning',
    description: 'AccessFlags with Write together with Script or Execute: uploaded files can run as code.',
    sources: [PERMISSIONS, 'http://technet.microsoft.com/en-us/library/cc739391(v=WS.10).aspx', 'https://www.advancedinstaller.com/user-guide/iis-access-perm.html'],
  },
  needs: ['AccessFlags'],
  checkKey(ctx, key) {
    const f = flagsOf(ctx, key, 'AccessFlags');
    if (!f || !(f.value & ACCESS_WRITE) || !(f.value & (ACCESS_SCRIPT | ACCESS_EXECUTE))) return;
    ctx.reportValue(key, f.attr, 'Write access with Script or Execute lets uploaded files run as code on the server. Anyone who can upload here (WebDAV PUT, a file-upload page) can place a script and then run it. Drop AccessWrite, or keep uploads in a folder without Script and Execute.');
  },
};

export const scriptSourceAccess: Rule = {
  meta: {
    id: 'script-source-access',
    defaultSeverity: 'warning',
    description: 'AccessSource: clients may read (or with Write, change) script source code.',
    sources: [PERMISSIONS, 'http://technet.microsoft.com/en-us/library/cc739391(v=WS.10).aspx'],
  },
  needs: ['AccessFlags'],
  checkKey(ctx, key) {
    const f = flagsOf(ctx, key, 'AccessFlags');
    if (!f || !(f.value & ACCESS_SOURCE)) return;
    ctx.reportValue(key, f.attr, 'AccessSource lets clients download the source of ASP pages and other scripts. That source holds connection strings and passwords; with AccessWrite clients can also change it. Remove AccessSource (Script source access) unless this is a WebDAV authoring folder.');
  },
};

export const directoryBrowsing: Rule = {
  meta: {
    id: 'directory-browsing-enabled',
    defaultSeverity: 'information',
    description: 'Directory browsing is on: folders without a default document are listed.',
    sources: [PERMISSIONS, 'http://technet.microsoft.com/en-us/library/cc739391(v=WS.10).aspx'],
  },
  needs: ['DirBrowseFlags'],
  checkKey(ctx, key) {
    const f = flagsOf(ctx, key, 'DirBrowseFlags');
    if (!f || (f.value & ENABLE_DIR_BROWSING) === 0) return;
    ctx.reportValue(key, f.attr, 'EnableDirBrowsing lists the files of every folder here without a default document. The listing shows backups and files not linked anywhere.');
  },
};

export const parentPathsEnabled: Rule = {
  meta: {
    id: 'parent-paths-enabled',
    defaultSeverity: 'information',
    description: 'AspEnableParentPaths TRUE: ASP includes and MapPath may reach outside the application.',
    sources: ['http://msdn.microsoft.com/en-us/library/ms524697.aspx', 'http://www.it-notebook.org/iis/article/disallowed_parent_path.htm'],
  },
  needs: ['AspEnableParentPaths'],
  checkKey(ctx, key) {
    const m = ctx.model;
    const attr = findAttr(key.element, 'AspEnableParentPaths');
    if (!attr || parseBool(m.valueOf(key.element, attr)) !== true) return;
    ctx.reportAttr(key, attr, 'Parent paths let ASP includes and Server.MapPath reach files outside the application. With them, pages may use ".." to climb above the application root. IIS 6 turns them off by default; enable them only for applications that need them, and prefer virtual includes.');
  },
};

export const privilegedAccount: Rule = {
  meta: {
    id: 'privileged-account',
    defaultSeverity: 'warning',
    description: 'An administrator account used as the anonymous user or a pool identity (heuristic on the name).',
    sources: ['https://blogs.msdn.microsoft.com/david.wang/2005/12/07/howto-synchronize-user-credentials-in-iis/'],
  },
  needs: ['AnonymousUserName', 'WAMUserName', 'UNCUserName'],
  checkKey(ctx, key) {
    const m = ctx.model;
    for (const name of ['AnonymousUserName', 'WAMUserName', 'UNCUserName']) {
      const attr = findAttr(key.element, name);
      if (!attr) continue;
      const account = m.valueOf(key.element, attr).trim();
      const user = account.slice(account.lastIndexOf('\\') + 1).toLowerCase();
      if (/^(iusr|iwam|aspnet)_/.test(user)) continue;
      if (user !== 'administrator' && !/admin/.test(user)) continue;
      ctx.reportValue(key, attr, `${name} "${account}" looks like an administrator account. Anything that runs as this account (every anonymous request, or the whole pool) then has administrator rights; use a dedicated account with only the rights it needs.`);
    }
  },
};

export const securityRules: Rule[] = [clearTextSecret, historyFilesLow, editWhileRunningOff, writeAndExecute, scriptSourceAccess, directoryBrowsing, parentPathsEnabled, privilegedAccount];
