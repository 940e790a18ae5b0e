/**
 * Readers for the structured values IIS keeps in MULTISZ properties: ServerBindings, ScriptMaps,
 * WebSvcExtRestrictionList. Each entry keeps its offset inside the raw value so findings can
 * point at the exact line.
 */
import { decodeXmlValue } from '../parser/scanner';

export interface ValueEntry {
  /** Decoded entry text, trimmed. */
  text: string;
  /** Offset of the entry in the raw (undecoded) value. */
  start: number;
  end: number;
}

/** MULTISZ entries: one per line, leading indentation not part of the entry. */
export function multiszEntries(raw: string): ValueEntry[] {
  const out: ValueEntry[] = [];
  let lineStart = 0;
  while (lineStart <= raw.length) {
    let nl = raw.indexOf('\n', lineStart);
    if (nl < 0) nl = raw.length;
    let s = lineStart;
    let e = nl;
    if (e > s && raw.charCodeAt(e - 1) === 13) e--;
    while (s < e && (raw.charCodeAt(s) === 32 || raw.charCodeAt(s) === 9)) s++;
    while (e > s && (raw.charCodeAt(e - 1) === 32 || raw.charCodeAt(e - 1) === 9)) e--;
    if (e > s) out.push({ text: decodeXmlValue(raw.slice(s, e)), start: s, end: e });
    lineStart = nl + 1;
  }
  return out;
}

export interface Binding {
  ip: string;
  port: number;
  host: string;
  /** `ip:port:host` as compared between sites (host lower-cased). */
  id: string;
  entry: ValueEntry;
}

export type BindingParse = { ok: true; binding: Binding } | { ok: false; entry: ValueEntry; problem: string };

/** `IP:Port:HostHeader` (ServerBindings) or `IP:Port:` (SecureBindings). */
const PORT = /^\d{1,5}$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const BLANK = /\s/;

export function parseBindings(raw: string): BindingParse[] {
  return multiszEntries(raw).map((entry): BindingParse => {
    const text = entry.text;
    // Two colons, found without splitting (10,000 sites: this runs for each of them).
    const c1 = text.indexOf(':');
    const c2 = c1 < 0 ? -1 : text.indexOf(':', c1 + 1);
    if (c2 < 0 || text.indexOf(':', c2 + 1) >= 0) {
      return { ok: false, entry, problem: `"${text}" is not IP:Port:HostHeader (it needs exactly two colons; leave a part empty, as in ":80:")` };
    }
    // IIS writes bindings without blanks; a blank inside a part makes a different (broken) binding.
    const ip = text.slice(0, c1);
    const portText = text.slice(c1 + 1, c2);
    const host = text.slice(c2 + 1);
    const port = PORT.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65535) {
      return { ok: false, entry, problem: `"${text}" has no valid port between 1 and 65535 ("${portText}")` };
    }
    if (ip !== '' && !IPV4.test(ip)) {
      return { ok: false, entry, problem: `"${text}" has "${ip}" where an IPv4 address (or nothing, for all unassigned addresses) belongs` };
    }
    if (BLANK.test(host) || BLANK.test(ip)) return { ok: false, entry, problem: `"${text}" contains a blank; each binding goes on its own line, written without spaces` };
    const lower = host.toLowerCase();
    return { ok: true, binding: { ip, port, host: lower, id: `${ip}:${port}:${lower}`, entry } };
  });
}

export interface ScriptMap {
  extension: string;
  dll: string;
  flags: number | undefined;
  verbs: string;
  /** The ASP.NET version the DLL is (undefined for other handlers), worked out once. */
  aspNet: { version: string; bits: 32 | 64 } | undefined;
  entry: ValueEntry;
}

/** `.ext,C:\path\handler.dll,flags[,verbs]` per line. */
export function parseScriptMaps(raw: string): ScriptMap[] {
  return multiszEntries(raw).flatMap((entry) => {
    const parts = entry.text.split(',');
    if (parts.length < 2) return [];
    const flags = parts[2] !== undefined && /^\d+$/.test(parts[2].trim()) ? Number(parts[2].trim()) : undefined;
    const dll = parts[1].trim();
    return [{ extension: parts[0].trim(), dll, flags, verbs: parts.slice(3).join(','), aspNet: aspNetVersion(dll), entry }];
  });
}

const aspNetVersions = new Map<string, { version: string; bits: 32 | 64 } | null>();

/** The ASP.NET version a script map points at (`...\Framework\v2.0.50727\aspnet_isapi.dll`). Memoised: a metabase repeats a handful of DLL paths. */
export function aspNetVersion(dll: string): { version: string; bits: 32 | 64 } | undefined {
  let known = aspNetVersions.get(dll);
  if (known === undefined) {
    const m = /\\framework(64)?\\v(\d+\.\d+(?:\.\d+)?)\\aspnet_isapi\.dll$/i.exec(dll.replace(/\//g, '\\'));
    known = m ? { version: m[2], bits: m[1] ? 64 : 32 } : null;
    if (aspNetVersions.size > 10000) aspNetVersions.clear();
    aspNetVersions.set(dll, known);
  }
  return known ?? undefined;
}

export interface RestrictionEntry {
  allowed: boolean;
  path: string;
  entry: ValueEntry;
}

/** WebSvcExtRestrictionList: `AllowDenyFlag,Path[,UIDeletable,GroupID,Description]`. */
export function parseRestrictionList(raw: string): RestrictionEntry[] {
  return multiszEntries(raw).flatMap((entry) => {
    const parts = entry.text.split(',');
    if (parts.length < 2 || !/^[01]$/.test(parts[0].trim())) return [];
    return [{ allowed: parts[0].trim() === '1', path: parts[1].trim(), entry }];
  });
}

/** Expands %windir%/%systemroot% and normalises a Windows path for comparison. */
export function normalizeWindowsPath(p: string): string {
  return p
    .trim()
    .replace(/\//g, '\\')
    .replace(/%(windir|systemroot)%/gi, 'c:\\windows')
    .toLowerCase();
}

/**
 * Whether an ISAPI extension may run under the restriction list: an explicit entry decides;
 * otherwise the `*.dll` (ISAPI) or `*.exe` (CGI) catch-all does; no list means no decision.
 */
export function extensionAllowed(list: RestrictionEntry[], dll: string): { allowed: boolean; by: RestrictionEntry } | undefined {
  return restrictionIndex(list)(dll);
}

const restrictionIndexes = new WeakMap<RestrictionEntry[], (dll: string) => { allowed: boolean; by: RestrictionEntry } | undefined>();

/** A memoised lookup for one restriction list (paths normalised once). */
export function restrictionIndex(list: RestrictionEntry[]): (dll: string) => { allowed: boolean; by: RestrictionEntry } | undefined {
  let lookup = restrictionIndexes.get(list);
  if (!lookup) {
    const byPath = new Map<string, RestrictionEntry>();
    for (const r of list) if (!byPath.has(normalizeWindowsPath(r.path))) byPath.set(normalizeWindowsPath(r.path), r);
    const memo = new Map<string, { allowed: boolean; by: RestrictionEntry } | undefined>();
    lookup = (dll: string) => {
      if (memo.has(dll)) return memo.get(dll);
      const target = normalizeWindowsPath(dll);
      const by = byPath.get(target) ?? list.find((r) => r.path === (target.endsWith('.exe') ? '*.exe' : '*.dll'));
      const result = by ? { allowed: by.allowed, by } : undefined;
      memo.set(dll, result);
      return result;
    };
    restrictionIndexes.set(list, lookup);
  }
  return lookup;
}

/**
 * A SECURE value as IIS writes it: an encrypted blob of hex digits, or the NOLONGERVALID marker
 * that an export writes when it cannot carry the secret over. Anything else is clear text.
 */
export function looksEncrypted(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^NOLONGERVALID/i.test(v)) return true;
  if (v.length < 32 || v.length % 2 !== 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const lower = c | 0x20; // a-f for A-F too
    if (!((c >= 48 && c <= 57) || (c >= 65 && lower >= 97 && lower <= 102))) return false;
  }
  return true;
}
