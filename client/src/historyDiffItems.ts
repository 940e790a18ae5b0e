/**
 * The words of "Compare with History…" without VS Code (unit-tested): which files of a History
 * folder are metabase versions and how the quick pick names them, and how a change reads in the
 * changes tree. Secure values are not in a change (the server leaves them out), and nothing here
 * would show them.
 */
import type { DiffChange } from '../../server/src/protocol';

export interface HistoryVersion {
  name: string;
  major: number;
  minor: number;
}

/** MetaBase_<major>_<minor>.xml, as IIS 6.0 names the copies it keeps in %SystemRoot%\system32\inetsrv\History. */
const HISTORY_FILE = /^metabase_(\d+)_(\d+)\.xml$/i;

/** The History versions among `names`, newest first (by major, then minor version number). */
export function historyVersions(names: readonly string[]): HistoryVersion[] {
  const out: HistoryVersion[] = [];
  for (const name of names) {
    const m = HISTORY_FILE.exec(name);
    if (m) out.push({ name, major: Number(m[1]), minor: Number(m[2]) });
  }
  return out.sort((a, b) => b.major - a.major || b.minor - a.minor || a.name.localeCompare(b.name));
}

/** "Version 12" (or "Version 12.3" when the minor number is not 0: saves between two history copies). */
export function versionLabel(v: HistoryVersion): string {
  return v.minor === 0 ? `Version ${v.major}` : `Version ${v.major}.${v.minor}`;
}

/** A file date as people read it in a list: 2026-12-07 23:10. */
export function fileDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function shown(v: string | string[] | null): string {
  if (v === null) return '(none)';
  if (Array.isArray(v)) return v.length === 0 ? '(empty list)' : v.map((e) => `"${e}"`).join(', ');
  return `"${v}"`;
}

/** A list's change as the entries that came and went: + ":8080:"  − ":81:". */
function listChange(o: string[], n: string[]): string {
  const added = n.filter((e) => !o.includes(e)).map((e) => `+ "${e}"`);
  const gone = o.filter((e) => !n.includes(e)).map((e) => `− "${e}"`);
  return added.length + gone.length === 0 ? 'same entries, another order' : [...added, ...gone].join('  ');
}

/** The label and description of a change's tree item: the property, then "old → new". */
export function changeText(c: DiffChange): { label: string; description: string } {
  if (c.kind === 'key-type-changed') return { label: 'KeyType', description: `${c.old ?? ''} → ${c.new ?? ''}` };
  const label = c.property ?? c.location;
  if (c.secure) {
    const what = c.kind === 'property-added' ? 'set' : c.kind === 'property-removed' ? 'removed' : 'changed';
    return { label, description: `${what} (secure value, not shown)` };
  }
  if (c.kind === 'property-added') return { label, description: `added: ${shown(c.new)}` };
  if (c.kind === 'property-removed') return { label, description: `removed (was ${shown(c.old)})` };
  if (Array.isArray(c.old) && Array.isArray(c.new)) return { label, description: listChange(c.old, c.new) };
  return { label, description: `${shown(c.old)} → ${shown(c.new)}` };
}

export type KeyMark = 'added' | 'removed' | 'changed';

export interface KeyChanges {
  location: string;
  keyType: string;
  mark: KeyMark;
  /** The key's own change (added, removed) and its properties' changes, in the server's order. */
  changes: DiffChange[];
}

/** The changes grouped by key (Location without regard to case), in the order the server gave them. */
export function groupByKey(changes: readonly DiffChange[]): KeyChanges[] {
  const byKey = new Map<string, KeyChanges>();
  for (const c of changes) {
    const id = c.location.toLowerCase();
    let k = byKey.get(id);
    if (!k) {
      k = { location: c.location, keyType: c.keyType, mark: 'changed', changes: [] };
      byKey.set(id, k);
    }
    if (c.kind === 'key-added') k.mark = 'added';
    if (c.kind === 'key-removed') k.mark = 'removed';
    k.changes.push(c);
  }
  return [...byKey.values()];
}

/** Where a change is shown when clicked: in NEW, or in OLD for what NEW no longer has. */
export function changeSide(c: DiffChange): 'old' | 'new' {
  return c.kind === 'key-removed' || c.kind === 'property-removed' ? 'old' : 'new';
}
