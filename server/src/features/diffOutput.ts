/**
 * The ways a metabase diff (features/diff.ts) is written out: a text for a terminal, grouped by
 * key, with what the changes do and the errors they bring first; and a Windows `.cmd` script of
 * adsutil.vbs commands that applies the changes to a running IIS 6.0 server, without stopping it
 * and without editing MetaBase.xml by hand.
 *
 * adsutil.vbs (Windows Server 2003 Technical Reference, "Using the Adsutil.vbs Administration
 * Script", https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc781546(v=ws.10)):
 * `cscript adsutil.vbs COMMAND path [values...]` with `CREATE path [KeyType]`, `SET path value`
 * (a list property takes one argument per entry), `DELETE path` (a key or a property). A path is
 * the metabase path below /LM, as in the ADSI path IIS://localhost/W3SVC/1/ROOT.
 */
import type { MetabaseChange, MetabaseDiff } from './diff';

const PATH_PREFIX = '/lm/';

/** The adsutil path of a metabase Location (W3SVC/1/ROOT), or undefined when adsutil cannot reach it (IIS_Global at '.', /, /LM itself). */
export function adsutilPath(location: string): string | undefined {
  const l = location.trim().replace(/\/+$/, '');
  if (!l.toLowerCase().startsWith(PATH_PREFIX) || l.length <= PATH_PREFIX.length) return undefined;
  return l.slice(PATH_PREFIX.length);
}

function depth(location: string): number {
  return location.replace(/\/+$/, '').split('/').length;
}

const isPoolKey = (c: MetabaseChange): boolean => /^\/lm\/w3svc\/apppools(\/|$)/i.test(c.location);

/** A value as one argument of a .cmd line: in double quotes, % doubled (cmd would expand it). */
function cmdArg(value: string): string {
  return `"${value.replace(/%/g, '%%')}"`;
}

export interface AdsutilOptions {
  oldName: string;
  newName: string;
}

/**
 * The script. Order: keys are created parents first; pools are set before the AppPoolIds that name
 * them; properties are removed after that, and keys last, children before their parents (a
 * deleted key takes what is below it, so only the topmost of a removed subtree is deleted).
 */
export function adsutilScript(diff: MetabaseDiff, options: AdsutilOptions): string {
  const run = 'cscript //nologo %SystemDrive%\\Inetpub\\AdminScripts\\adsutil.vbs';
  const lines: string[] = [];
  const notes: string[] = [];
  const prompts: string[] = [];
  const counts = { created: 0, deleted: 0, set: 0, removed: 0 };
  const reach = (c: MetabaseChange): string | undefined => {
    const p = adsutilPath(c.location);
    if (!p) notes.push(`rem Not applied: ${c.location} is not below /LM, where adsutil.vbs works (${c.kind}${c.property ? ` ${c.property}` : ''}).`);
    return p;
  };
  const created = diff.changes.filter((c) => c.kind === 'key-added').sort((a, b) => depth(a.location) - depth(b.location));
  for (const c of created) {
    const p = reach(c);
    if (!p) continue;
    lines.push(`${run} CREATE ${cmdArg(p)} ${cmdArg(c.keyType)}`);
    counts.created++;
  }
  for (const c of diff.changes.filter((x) => x.kind === 'key-type-changed')) {
    const p = reach(c);
    if (!p) continue;
    lines.push(`${run} SET ${cmdArg(`${p}/KeyType`)} ${cmdArg(c.keyType)}`);
    counts.set++;
  }
  const sets = diff.changes.filter((c) => c.kind === 'property-added' || c.kind === 'property-changed');
  const ordered = [...sets.filter(isPoolKey), ...sets.filter((c) => !isPoolKey(c))];
  let secret = 0;
  for (const c of ordered) {
    const p = reach(c);
    if (!p) continue;
    if (c.property!.startsWith('Custom ')) {
      notes.push(`rem Not applied: the <Custom> property ${c.property!.slice(7)} of ${c.location}; adsutil.vbs sets properties by their schema name.`);
      continue;
    }
    let values = c.setValues;
    if (c.secure || values === undefined) {
      const name = `IIS6_SECRET_${++secret}`;
      prompts.push(`set /p "${name}=Value of ${c.property} for ${p} (it is not shown in this script): "`);
      values = [`%${name}%`];
      lines.push(`${run} SET ${cmdArg(`${p}/${c.property}`)} "${values[0]}"`);
      counts.set++;
      continue;
    }
    if (values.some((v) => v.includes('"'))) {
      notes.push(`rem Not applied: a value of ${c.property} on ${c.location} holds a double quote, which a command line cannot pass to adsutil.vbs; set it with IIS Manager.`);
      continue;
    }
    lines.push(`${run} SET ${cmdArg(`${p}/${c.property}`)}${values.length > 0 ? ' ' + values.map(cmdArg).join(' ') : ' ""'}`);
    counts.set++;
  }
  for (const c of diff.changes.filter((x) => x.kind === 'property-removed')) {
    const p = reach(c);
    if (!p || c.property!.startsWith('Custom ')) continue;
    lines.push(`${run} DELETE ${cmdArg(`${p}/${c.property}`)}`);
    counts.removed++;
  }
  const removedKeys = diff.changes.filter((x) => x.kind === 'key-removed');
  const removedPaths = new Set(removedKeys.map((c) => c.location.toLowerCase().replace(/\/+$/, '')));
  const topmost = removedKeys.filter((c) => {
    const parts = c.location.toLowerCase().replace(/\/+$/, '').split('/');
    for (let i = parts.length - 1; i > 1; i--) if (removedPaths.has(parts.slice(0, i).join('/'))) return false;
    return true;
  });
  for (const c of topmost.sort((a, b) => depth(b.location) - depth(a.location))) {
    const p = reach(c);
    if (!p) continue;
    lines.push(`${run} DELETE ${cmdArg(p)}`);
    counts.deleted++;
  }
  const header = [
    '@echo off',
    `rem Applies the changes from ${options.oldName} to ${options.newName} to the running IIS 6.0 metabase with adsutil.vbs.`,
    `rem Made by iis6-metabase diff: ${counts.created} key(s) created, ${counts.set} value(s) set, ${counts.removed} propert(ies) deleted, ${counts.deleted} key(s) deleted.`,
    `rem Run it as an administrator on the server whose metabase is ${options.oldName}; review it first.`,
    'setlocal',
  ];
  if (prompts.length > 0) header.push('rem Secure values (passwords) are not in this script: it asks for them.', ...prompts);
  return [...header, ...notes, ...lines, 'endlocal', ''].join('\r\n');
}

function shown(v: MetabaseChange['old']): string {
  if (v === null) return '(none)';
  if (Array.isArray(v)) return v.length === 0 ? '(empty list)' : v.map((e) => `"${e}"`).join(', ');
  return `"${v}"`;
}

/** A MULTISZ change as the entries that came and went. */
function listChange(o: string[], n: string[]): string[] {
  const added = n.filter((e) => !o.includes(e));
  const gone = o.filter((e) => !n.includes(e));
  if (added.length === 0 && gone.length === 0) return ['entries in another order'];
  return [...added.map((e) => `+ "${e}"`), ...gone.map((e) => `- "${e}"`)];
}

/** The text for a terminal: new errors first, then the effects, then the changes key by key. */
export function diffText(diff: MetabaseDiff, oldName: string, newName: string): string {
  const out: string[] = [];
  const keys = new Set(diff.changes.map((c) => c.location.toLowerCase()));
  if (diff.changes.length === 0) return `${oldName} and ${newName} configure IIS the same way (no change).`;
  out.push(`${oldName} → ${newName}: ${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'} in ${keys.size} key${keys.size === 1 ? '' : 's'}.`);
  if (diff.newErrors.length > 0) {
    out.push('', `New errors in ${newName}:`);
    for (const e of diff.newErrors) out.push(`  ${newName}:${e.line} ${e.code} ${e.message.split(/(?<=\.)\s/)[0]}`);
  }
  if (diff.effects.length > 0) {
    out.push('', 'What changes:');
    for (const e of diff.effects) out.push(`  ${e}`);
  }
  out.push('', 'Key by key:');
  const byKey = new Map<string, MetabaseChange[]>();
  for (const c of diff.changes) {
    const k = c.location.toLowerCase();
    const list = byKey.get(k);
    if (list) list.push(c);
    else byKey.set(k, [c]);
  }
  for (const list of byKey.values()) {
    const head = list.find((c) => c.property === null);
    const first = head ?? list[0]!;
    const mark = head?.kind === 'key-added' ? '+' : head?.kind === 'key-removed' ? '-' : '~';
    const where = head?.kind === 'key-removed' ? `, line ${head.line} of ${oldName}` : head?.kind === 'key-added' ? `, line ${head.line}` : '';
    out.push(`${mark} ${first.location} (${first.keyType})${where}`);
    for (const c of list) {
      if (c.kind === 'key-type-changed') out.push(`    key type: ${c.old} → ${c.new}`);
      else if (c.property === null) continue;
      else if (c.secure) out.push(`    ${c.property}: ${c.kind === 'property-added' ? 'set' : c.kind === 'property-removed' ? 'removed' : 'changed'} (a secure value: not shown)`);
      else if (c.kind === 'property-added') out.push(`    + ${c.property} = ${shown(c.new)}  (line ${c.line})`);
      else if (c.kind === 'property-removed') out.push(`    - ${c.property} (was ${shown(c.old)})`);
      else if (Array.isArray(c.old) && Array.isArray(c.new)) {
        out.push(`    ${c.property}:  (line ${c.line})`);
        for (const l of listChange(c.old, c.new)) out.push(`        ${l}`);
      } else out.push(`    ${c.property}: ${shown(c.old)} → ${shown(c.new)}  (line ${c.line})`);
    }
  }
  return out.join('\n');
}
