/**
 * Hover: what a property does, its value in effect here and where it comes from, what a value
 * means (flags broken down, enum values, pools, bindings, script maps), and for keys what they
 * are and which process serves an application. Secure values are never shown.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { MetabaseDocument } from '../metabaseDocument';
import { aspNetVersion, extensionAllowed, looksEncrypted, multiszEntries, parseBindings, parseRestrictionList, parseScriptMaps } from '../model/iisValues';
import { effectiveNumber, findAttr, normalizePath, rawValue, type MetabaseKey, type MetabaseModel } from '../model/metabaseModel';
import { parseDword, parseFlags } from '../model/typedValues';
import type { XmlAttribute } from '../parser/xmlTypes';
import { poolIdentity, poolSettings, servingProcess, type ConcreteMode, type ServingProcess } from '../process/processModel';
import type { PropertyData } from '../schema/types';
import { cursorContext } from './cursor';
import { describeKeyType, describeProperty, keyTypeMarkdown, propertyMarkdown } from './describe';
import { mdCode as code, mdProse, mdText } from './markdown';
import { count } from '../util/words';

const MODE_NAME: Record<ConcreteMode, string> = { worker: 'worker process isolation mode', iis5: 'IIS 5.0 isolation mode' };

export function doHover(doc: MetabaseDocument, offset: number): Hover | null {
  const ctx = cursorContext(doc, offset);
  let md: string | undefined;
  let range: { start: number; end: number } | undefined;
  switch (ctx.kind) {
    case 'elementName':
      md = ctx.key && ctx.element === ctx.key.element ? keyHover(doc, ctx.key) : elementHover(doc, ctx.element.name);
      range = ctx;
      break;
    case 'attributeName':
      if (ctx.key && ctx.element === ctx.key.element) md = propertyHover(doc, ctx.key, ctx.attr);
      else md = customAttributeHover(ctx.attr.name);
      range = ctx;
      break;
    case 'attributeValue':
      if (ctx.key && ctx.element === ctx.key.element) md = valueHover(doc, ctx.key, ctx.attr, ctx.offsetInValue);
      range = ctx;
      break;
    default:
      return null;
  }
  if (!md || !range) return null;
  return { contents: { kind: MarkupKind.Markdown, value: md }, range: doc.lines.range(range.start, range.end) };
}

function elementHover(doc: MetabaseDocument, name: string): string | undefined {
  if (name === 'Custom') return '**`<Custom>`** — a property the schema does not define (or whose attributes differ from it), written with its own `Name`, `ID`, `Value`, `Type`, `UserType` and `Attributes`. IIS Manager may not show it and ADSI cannot reach it.';
  if (name === 'MBProperty') return '**`<MBProperty>`** — holds every key of the metabase, one element per key.';
  if (name === 'configuration') return '**`<configuration>`** — the root element of MetaBase.xml.';
  const d = describeKeyType(doc.catalog, name);
  return d ? keyTypeMarkdown(d) : undefined;
}

function customAttributeHover(name: string): string | undefined {
  const meanings: Record<string, string> = {
    Name: 'the name of the custom property',
    ID: 'its numeric metabase identifier',
    Value: 'its value',
    Type: 'its data type (DWORD, STRING, BINARY, MULTISZ, EXPANDSZ)',
    UserType: 'its user type (IIS_MD_UT_SERVER, IIS_MD_UT_FILE...)',
    Attributes: 'its attributes (INHERIT, SECURE... or NO_ATTRIBUTES)',
  };
  return meanings[name] ? `**${name}** of a \`<Custom>\` property: ${meanings[name]}.` : undefined;
}

// ---- keys -------------------------------------------------------------------------------

function processLine(sp: ServingProcess): string {
  if (sp.problem && !sp.image) return `**fails**: ${mdText(sp.problem)}`;
  const count = sp.instances > 1 ? ` ×${sp.instances} (a web garden)` : '';
  const where =
    sp.hosting === 'pool' ? `the W3wp.exe${count} of pool **${mdText(sp.pool ?? '')}**` : sp.hosting === 'in-process' ? '**Inetinfo.exe** (in process with IIS)' : sp.hosting === 'isolated' ? 'a **DLLHost.exe** of its own (isolated)' : 'the shared pooled **DLLHost.exe**';
  return `${where}, running as ${mdText(sp.identity ?? '')}${sp.problem ? ` — ${mdText(sp.problem)}` : ''}`;
}

function applicationProcessSection(m: MetabaseModel, app: MetabaseKey): string[] {
  const mode = m.isolationMode();
  const modes: ConcreteMode[] = mode === 'unset' ? ['worker', 'iis5'] : [mode];
  const lines: string[] = [];
  for (const md of modes) {
    const sp = servingProcess(m, app, md);
    lines.push(`- ${mode === 'unset' ? `If ${MODE_NAME[md]}: ` : ''}served by ${processLine(sp)}`);
    for (const n of sp.notes) lines.push(`  - ${mdText(n)}`);
  }
  if (mode === 'unset') lines.push('', '*IIs5IsolationModeEnabled is not written on /LM/W3SVC, so both outcomes are shown.*');
  return lines;
}

function poolSection(m: MetabaseModel, pool: MetabaseKey): string[] {
  const s = poolSettings(m, pool);
  const processes = effectiveNumber(m, pool, 'MaxProcesses').value ?? 1;
  const apps = m.applicationsByPool().get(m.poolName(pool).toLowerCase()) ?? [];
  const lines = [
    `- ${processes > 1 ? `web garden of **${processes}** W3wp.exe` : 'one W3wp.exe'}, running as **${mdText(poolIdentity(m, pool))}**`,
    `- ${mdText(`${s.recycling}; ${s.idleTimeout}`)}`,
    `- ${mdText(`${s.health}; ${s.rapidFail}; ${s.queueLength}`)}`,
    `- ${apps.length === 0 ? 'no application uses it' : `${apps.length} application${apps.length === 1 ? '' : 's'}: ${apps.slice(0, 5).map((a) => code(a.location)).join(', ')}${apps.length > 5 ? '…' : ''}`}`,
  ];
  if (m.isolationMode() === 'iis5') lines.push('', '*The server runs in IIS 5.0 isolation mode: this pool is not used.*');
  return lines;
}

function keyHover(doc: MetabaseDocument, key: MetabaseKey): string {
  const m = doc.model;
  const parts: string[] = [];
  const d = describeKeyType(doc.catalog, key.keyType);
  parts.push(d ? keyTypeMarkdown(d) : `**${code(`<${key.keyType}>`)}** — not a key type of the IIS schema.`);
  parts.push('', '---', '', key.location ? code(key.location) : '*(no Location)*');
  const name = m.get(key, 'ServerComment') ?? m.get(key, 'AppFriendlyName');
  if (name) parts.push(` — ${mdText(name)}`);
  if (m.isApplication(key)) {
    parts.push('', '**Application**', ...applicationProcessSection(m, key));
  } else if (key.keyType === 'IIsApplicationPool' && m.pool(m.poolName(key)) === key) {
    parts.push('', `**Application pool ${mdText(m.poolName(key))}**`, ...poolSection(m, key));
  } else if (m.isSite(key)) {
    const bindings = m.get(key, 'ServerBindings');
    if (bindings) parts.push('', `Bindings: ${multiszEntries(bindings).map((e) => code(e.text)).join(', ')}`);
    const root = m.keyAt(`${key.location}/ROOT`);
    if (root && m.isApplication(root)) parts.push('', '**Root application**', ...applicationProcessSection(m, root));
  } else {
    const app = m.applicationOf(key);
    if (app) parts.push('', `Part of the application ${code(app.location)}.`);
  }
  return parts.join('\n');
}

// ---- properties -------------------------------------------------------------------------

function propertyHover(doc: MetabaseDocument, key: MetabaseKey, attr: XmlAttribute): string {
  const m = doc.model;
  const p = doc.catalog.property(attr.name);
  if (!p) {
    const near = doc.catalog.suggestProperties(attr.name, key.keyType);
    return `**${mdText(attr.name)}** — not a property of the IIS schema; IIS ignores it.${near.length > 0 ? ` Did you mean ${near.map((n) => code(n)).join(', ')}?` : ''}`;
  }
  const [title, ...rest] = propertyMarkdown(describeProperty(doc.catalog, p)).split('\n');
  // What AppIsolated does depends on the mode: that comes first, before what it meant in IIS 5.0.
  const lead = p.name === 'AppIsolated' ? appIsolatedNote(m) : undefined;
  const parts = [title, ...(lead ? ['', lead] : []), ...rest, '', '---', ''];
  const shown = p.secure ? '*(secure value, not shown)*' : code(m.valueOf(key.element, attr));
  parts.push(`At ${code(key.location)}: ${shown}, set on this key.`);
  if (p.inherit && key.parent) {
    const above = m.effective(key.parent, p.name);
    if (above.from) parts.push(`Without it this key would inherit ${p.secure ? 'the value' : code(above.value ?? '')} from ${code(above.from.location)}.`);
    else if (p.schemaDefault !== undefined && p.schemaDefault !== '') parts.push(`Without it the default ${code(p.schemaDefault)} applies.`);
  }
  const below = p.inherit ? inheritorsCount(key, p.name) : 0;
  if (below > 0) parts.push(`${count(below, 'key')} below ${below === 1 ? 'inherits' : 'inherit'} this value.`);
  if (!doc.catalog.allowsProperty(key.keyType, p)) parts.push('', `⚠ The schema does not allow ${mdText(p.name)} on ${code(`<${key.keyType}>`)}.`);
  const note = lead ? undefined : modeNote(m, key, p);
  if (note) parts.push('', note);
  return parts.join('\n');
}

function inheritorsCount(key: MetabaseKey, name: string): number {
  let n = 0;
  const walk = (k: MetabaseKey): void => {
    for (const c of k.children) {
      if (findAttr(c.element, name)) continue;
      n++;
      walk(c);
    }
  };
  walk(key);
  return n;
}

/** What AppIsolated means in the file's isolation mode. */
function appIsolatedNote(m: MetabaseModel): string {
  const mode = m.isolationMode();
  return mode === 'worker'
    ? '**In worker process isolation mode, this file\'s mode, AppIsolated decides nothing:** the application runs in the W3wp.exe of its pool (AppPoolId). IIS writes it on every application and keeps it for a switch back to IIS 5.0 isolation mode, where the values below apply.'
    : mode === 'iis5'
      ? '**In IIS 5.0 isolation mode, this file\'s mode, AppIsolated decides the process:** 0 Inetinfo.exe, 1 a DLLHost.exe of its own, 2 the shared pooled DLLHost.exe.'
      : '**AppIsolated decides the process only in IIS 5.0 isolation mode,** and this file does not say which mode it runs in (IIs5IsolationModeEnabled is not written on /LM/W3SVC).';
}

function modeNote(m: MetabaseModel, key: MetabaseKey, p: PropertyData): string | undefined {
  const mode = m.isolationMode();
  if ((p.name === 'AppPoolId' || (p.facts?.level === 'pool')) && mode === 'iis5') return '*The server runs in IIS 5.0 isolation mode, where application pools do not exist: this has no effect.*';
  if (p.facts?.level === 'process' && normalizePath(key.location) !== '/lm/w3svc') return '*A process-level setting: IIS reads it on /LM/W3SVC (and, in IIS 5.0 isolation mode, on a site with an isolated application).*';
  return undefined;
}

// ---- values -----------------------------------------------------------------------------

const BYTE_PROPERTIES = new Set(['AspMaxRequestEntityAllowed', 'AspBufferingLimit', 'MaxRequestEntityAllowed', 'LogFileTruncateSize', 'CacheControlMaxAge']);

function size(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KB`;
  return count(bytes, 'byte');
}

/** "1 hour", "1.5 hours", "2 hours" (from minutes), "2 minutes" (from seconds). */
function inUnits(n: number, per: number, unit: string): string {
  const v = (n / per).toFixed(n % per === 0 ? 0 : 1);
  return `${v} ${v === '1' ? unit : `${unit}s`}`;
}

function valueHover(doc: MetabaseDocument, key: MetabaseKey, attr: XmlAttribute, offsetInValue: number): string | undefined {
  const m = doc.model;
  const p = doc.catalog.property(attr.name);
  if (!p) return undefined;
  if (p.secure) {
    const encrypted = looksEncrypted(m.valueOf(key.element, attr));
    return `**${mdText(p.name)}** — secure property: the value is not shown.${encrypted ? ' It is stored encrypted, as IIS writes it.' : ' ⚠ It is not an encrypted blob: IIS cannot use a clear-text value here.'}`;
  }
  const raw = rawValue(m, key, attr);
  const value = m.valueOf(key.element, attr);
  const head = `**${mdText(p.name)}** = ${code(value)}`;
  switch (p.name) {
    case 'AppPoolId':
      return appPoolIdHover(m, value, head);
    case 'IIs5IsolationModeEnabled': {
      const on = /^(true|1)$/i.test(value.trim());
      return `${head}\n\n${on ? 'IIS 5.0 isolation mode: no application pools; applications run in Inetinfo.exe or DLLHost.exe according to AppIsolated, and ASP.NET in aspnet_wp.exe.' : 'Worker process isolation mode: every application runs in the W3wp.exe of its application pool (AppPoolId).'} A change takes effect when the WWW service restarts.`;
    }
    case 'ScriptMaps':
      return scriptMapHover(m, raw, offsetInValue, head);
    case 'ServerBindings':
    case 'SecureBindings':
      return bindingHover(raw, offsetInValue, p.name);
    case 'AppRoot':
      return `${head}\n\n${normalizePath(value) === key.path ? 'Matches this key\'s Location: this key is an application root.' : `⚠ Does not match this key's Location ${code(key.location)}.`}`;
    default:
      break;
  }
  const lines = [head, ''];
  const options = doc.catalog.valueOptions(p);
  if (p.flags && p.flags.length > 0) {
    const { value: bits, unknown } = parseFlags(value, p);
    const set = options.filter((o) => o.value !== 0 && (bits & o.value) >>> 0 === o.value);
    lines.push(`Flags set (${bits}):`);
    for (const o of set) lines.push(`- ${code(o.name)} (${o.value}) — ${mdProse(o.meaning ?? '')}`);
    if (set.length === 0) lines.push('- none');
    for (const u of unknown) lines.push(`- ⚠ ${code(u)} is not a flag of ${mdText(p.name)}`);
    return lines.join('\n');
  }
  const n = parseDword(value);
  if (n !== undefined && options.length > 0) {
    const o = options.find((x) => x.value === n);
    const meaning = o ? `\`${n}\` — ${mdText(o.name)}: ${mdProse(o.meaning ?? '')}` : `\`${n}\` is not a documented value.`;
    if (p.name !== 'AppIsolated') return [...lines, meaning].join('\n');
    // What the value does in this file's mode comes first.
    const mode = m.isolationMode();
    if (mode === 'worker') {
      lines.push('**In worker process isolation mode, this file\'s mode, this does not choose the process:** the application runs in the W3wp.exe of its pool (AppPoolId).', '', `Only in IIS 5.0 isolation mode: ${meaning}`);
    } else {
      lines.push(meaning, '', mode === 'iis5' ? 'In IIS 5.0 isolation mode, this file\'s mode, this is what decides the process.' : 'This decides the process only in IIS 5.0 isolation mode (the mode is not written on /LM/W3SVC).');
    }
    return lines.join('\n');
  }
  if (n !== undefined) {
    const unit = p.facts?.units;
    if (BYTE_PROPERTIES.has(p.name) || unit === 'bytes') lines.push(`${count(n, 'byte')}${n >= 1024 ? ` = ${size(n)}` : ''}${p.name === 'AspMaxRequestEntityAllowed' ? ': ASP rejects a request body larger than this (uploads and big form posts fail with ASP 0104).' : p.name === 'AspBufferingLimit' ? ': an ASP page that buffers more than this fails (large downloads through Response.BinaryWrite with buffering on).' : ''}`);
    else if (unit === 'KB' || unit === 'kilobytes') lines.push(`${n} KB = ${size(n * 1024)}`);
    else if (unit === 'minutes' && n >= 60) lines.push(`${n} minutes = ${inUnits(n, 60, 'hour')}`);
    else if (unit === 'seconds' && n >= 120) lines.push(`${n} seconds = ${inUnits(n, 60, 'minute')}`);
    if (n === 4294967295) lines.push('4294967295 (0xFFFFFFFF) means unlimited.');
    if (p.min !== undefined || p.max !== undefined) lines.push(`Allowed: ${p.min ?? 0}–${p.max ?? 4294967295}.`);
  }
  if (p.type === 'BOOL') lines.push(/^(true|1)$/i.test(value.trim()) ? 'On.' : /^(false|0)$/i.test(value.trim()) ? 'Off.' : '⚠ Not TRUE or FALSE.');
  if (p.type === 'MULTISZ') lines.push(`${count(multiszEntries(raw).length, 'entry', 'entries')}, one per line.`);
  return lines.length > 2 ? lines.join('\n') : head;
}

function appPoolIdHover(m: MetabaseModel, value: string, head: string): string {
  const pool = m.pool(value);
  if (!pool) {
    return `${head}\n\n⚠ No application pool ${code(value)} exists${m.hasPoolContainer() ? '' : ' in this file (it holds no /LM/W3SVC/AppPools, so it may be an excerpt)'}.`;
  }
  return [head, '', `**Application pool ${mdText(m.poolName(pool))}** (${code(pool.location)})`, ...poolSection(m, pool)].join('\n');
}

function entryAt(raw: string, offsetInValue: number): ReturnType<typeof multiszEntries>[number] | undefined {
  const entries = multiszEntries(raw);
  return entries.find((e) => offsetInValue >= e.start && offsetInValue <= e.end) ?? entries[0];
}

function scriptMapHover(m: MetabaseModel, raw: string, offsetInValue: number, head: string): string {
  const entry = entryAt(raw, offsetInValue);
  const map = entry && parseScriptMaps(raw).find((s) => s.entry.start === entry.start);
  if (!map) return head;
  const lines = [`**ScriptMaps** — ${code(map.extension)} is handled by ${code(map.dll)}`, ''];
  if (map.extension === '*') lines.push('A wildcard map: every request goes through this ISAPI first (frameworks that serve extension-less URLs need it; without it those URLs return 404).');
  const v = aspNetVersion(map.dll);
  if (v) lines.push(`ASP.NET ${v.version} (${v.bits}-bit). One worker process can load only one ASP.NET version.`);
  if (map.flags !== undefined) {
    const meaning: string[] = [];
    if (map.flags & 1) meaning.push('runs in folders with Script permission (otherwise Execute is needed)');
    if (map.flags & 4) meaning.push('IIS checks that the file exists before calling the handler');
    lines.push(`Flags ${map.flags}: ${meaning.length > 0 ? meaning.join('; ') : 'needs Execute permission, no file check'}.`);
  }
  lines.push(`Verbs: ${map.verbs ? mdText(map.verbs.split(',').join(', ')) : 'all'}.`);
  const ws = m.webService();
  const listAttr = ws && findAttr(ws.element, 'WebSvcExtRestrictionList');
  if (ws && listAttr) {
    const decision = extensionAllowed(parseRestrictionList(rawValue(m, ws, listAttr)), map.dll);
    if (decision) lines.push('', decision.allowed ? 'Allowed by WebSvcExtRestrictionList.' : `⚠ Prohibited by WebSvcExtRestrictionList (${code(decision.by.entry.text)}): these requests return 404.2.`);
  }
  return lines.join('\n');
}

function bindingHover(raw: string, offsetInValue: number, name: string): string {
  const entry = entryAt(raw, offsetInValue);
  const parsed = parseBindings(raw).find((b) => (b.ok ? b.binding.entry : b.entry).start === entry?.start);
  if (!parsed) return `**${name}**`;
  if (!parsed.ok) return `**${name}** — ⚠ ${mdText(parsed.problem)}.`;
  const b = parsed.binding;
  return [
    `**${name}** — ${code(b.entry.text)}`,
    '',
    `- IP address: ${b.ip ? mdText(b.ip) : 'any address not bound by another site (All Unassigned)'}`,
    `- Port: ${mdText(String(b.port))}`,
    `- Host header: ${b.host ? mdText(b.host) : (name === 'SecureBindings' ? 'none (SSL picks the certificate by IP and port)' : 'any host name')}`,
  ].join('\n');
}
