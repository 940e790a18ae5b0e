/**
 * The HTML of the process-model preview, built for servers of any size: a summary first
 * (processes by kind, pools, identities, web gardens, applications that fail or have problems),
 * then one collapsible group per process (a web garden is one group, its applications listed
 * once) with a filter box, then the errors of the file. A group's applications are rendered only
 * when it is opened (renderGroupBody, asked for by the page's script), so the first paint of a
 * 10,000-site server holds group titles, not tens of thousands of links.
 *
 * Pure (no vscode import) so it can be tested in Node. Follows the editor theme through VS Code's
 * CSS variables; a strict content security policy allows only the inline style and the nonce'd
 * script, no remote resources.
 */
import type { ProcessViewApplication, ProcessViewGroup, ProcessViewResponse, ProcessViewSummary } from '../../server/src/protocol';

const MODE_TITLE = { worker: 'Worker process isolation mode', iis5: 'IIS 5.0 isolation mode' } as const;
/** With at most this many applications in all, every group is open (and rendered) at first. */
export const OPEN_ALL_UP_TO = 60;
/** Applications rendered in an opened group at most; the filter narrows the rest. */
export const MAX_GROUP_APPS = 500;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function groupTitle(g: ProcessViewGroup): string {
  if (!g.image) return '<span class="image">No process</span> <span class="role">these applications cannot run</span>';
  if (g.image === 'w3wp.exe') {
    const what = g.instances > 1 ? `Web garden of ${g.instances} W3wp.exe` : 'W3wp.exe';
    return `<span class="image">${what}</span> <span class="role">pool <b>${escapeHtml(g.pool ?? '')}</b></span>`;
  }
  if (g.image === 'inetinfo.exe') return '<span class="image">Inetinfo.exe</span> <span class="role">IIS itself (in-process applications)</span>';
  if (g.hosting === 'pooled') return '<span class="image">DLLHost.exe</span> <span class="role">pooled applications</span>';
  const app = g.applications[0];
  return `<span class="image">DLLHost.exe</span> <span class="role">isolated application${app ? ` ${escapeHtml(app.name ?? app.location)}` : ''}</span>`;
}

function groupFacts(g: ProcessViewGroup, shown = g.applications.length): string {
  const parts = [shown === g.applications.length ? plural(g.applications.length, 'application') : `${shown.toLocaleString('en-US')} of ${plural(g.applications.length, 'application')}`];
  if (g.identity) parts.push(`runs as ${escapeHtml(g.identity)}`);
  if (g.problems > 0) parts.push(`<span class="problem">${plural(g.problems, 'with a problem', 'with problems')}</span>`);
  return parts.join(' · ');
}

function appItem(a: ProcessViewApplication): string {
  const title = [a.name, a.site].filter(Boolean).join(' · ');
  const notes = a.notes.map((n) => `<div class="note">${escapeHtml(n)}</div>`).join('');
  const problem = a.problem ? `<div class="problem">${escapeHtml(a.problem)}</div>` : '';
  return `<li><a href="#" class="app${a.problem ? ' failing' : ''}" data-line="${a.line}" data-character="${a.character}" title="Reveal in the editor">${escapeHtml(a.location)}</a>${title ? ` <span class="muted">${escapeHtml(title)}</span>` : ''}${problem}${notes}</li>`;
}

function appMatches(a: ProcessViewApplication, f: string): boolean {
  return a.location.toLowerCase().includes(f) || (a.name?.toLowerCase().includes(f) ?? false) || (a.site?.toLowerCase().includes(f) ?? false);
}

function groupMatches(g: ProcessViewGroup, f: string): boolean {
  return [g.pool, g.identity, g.image].some((s) => s?.toLowerCase().includes(f));
}

/** The applications of `g` that the filter keeps (all when the group's own name matches). */
function filtered(g: ProcessViewGroup, filter: string): ProcessViewApplication[] {
  const f = filter.trim().toLowerCase();
  if (!f || groupMatches(g, f)) return g.applications;
  return g.applications.filter((a) => appMatches(a, f));
}

/** Per group id, how many of its applications the filter keeps; groups that keep none are left out. */
export function filterGroups(view: ProcessViewResponse, filter: string): Record<string, number> {
  const f = filter.trim().toLowerCase();
  const out: Record<string, number> = {};
  for (const g of view.groups) {
    const n = filtered(g, filter).length;
    if (n > 0 || (!f && g.applications.length === 0) || (f && groupMatches(g, f))) out[g.id] = n;
  }
  return out;
}

/** The inside of an opened group: identity and recycling, then its applications (filtered). */
export function renderGroupBody(g: ProcessViewGroup, filter = ''): string {
  const apps = filtered(g, filter);
  const settings = g.settings ? `<div class="settings">${g.settings.map(escapeHtml).join('<br>')}</div>` : '';
  const where = g.line !== null ? `<div><a href="#" class="app" data-line="${g.line}" data-character="${g.character ?? 0}">${g.pool ? 'Go to the pool' : 'Go to the application'}</a></div>` : '';
  const garden = g.instances > 1 ? `<div class="muted">${g.instances} W3wp.exe share these applications: each request goes to one of them, and in-process state (sessions, caches) is not shared.</div>` : '';
  const shown = apps.slice(0, MAX_GROUP_APPS);
  const more = apps.length > shown.length ? `<div class="muted">… and ${plural(apps.length - shown.length, 'more application')}: type in the filter to find one.</div>` : '';
  const list = shown.length > 0 ? `<ul>${shown.map(appItem).join('')}</ul>${more}` : `<div class="muted">${g.applications.length === 0 ? 'no applications: its W3wp.exe starts with the first request, so none runs now' : 'none matches the filter'}</div>`;
  // The identity is in the group's title already.
  return `${settings}${garden}${where}${list}`;
}

function summaryHtml(s: ProcessViewSummary, multi: boolean): string {
  const kinds = (['w3wp.exe', 'dllhost.exe', 'inetinfo.exe'] as const).filter((k) => s.processes[k] > 0).map((k) => `${s.processes[k].toLocaleString('en-US')} ${k === 'w3wp.exe' ? 'W3wp.exe' : k === 'dllhost.exe' ? 'DLLHost.exe' : 'Inetinfo.exe'}`);
  const rows: Array<[string, string]> = [
    ['Processes', kinds.length > 0 ? kinds.join(' · ') : 'none'],
    ['Applications', `${s.applications.toLocaleString('en-US')}${s.failing > 0 ? ` · <span class="problem">${plural(s.failing, 'cannot run', 'cannot run')}</span>` : ''}${s.withProblems > s.failing ? ` · <span class="problem">${plural(s.withProblems, 'with a problem', 'with problems')}</span>` : ''}`],
  ];
  if (s.mode === 'worker') {
    rows.push(['Application pools', `${s.pools.toLocaleString('en-US')}${s.idlePools > 0 ? ` (${s.idlePools.toLocaleString('en-US')} without applications)` : ''}`]);
    rows.push(['Web gardens', s.webGardens.length > 0 ? s.webGardens.slice(0, 10).map((w) => `${escapeHtml(w.pool)} ×${w.instances}`).join(', ') + (s.webGardens.length > 10 ? `, … ${s.webGardens.length - 10} more` : '') : 'none']);
  }
  rows.push(['Identities', s.identities.length > 0 ? s.identities.slice(0, 8).map((i) => `${escapeHtml(i.identity)} (${plural(i.processes, 'process', 'processes')})`).join(', ') + (s.identities.length > 8 ? `, … ${s.identities.length - 8} more` : '') : 'none']);
  return `<table class="summary" data-mode="${s.mode}">${multi ? `<caption>If ${MODE_TITLE[s.mode]}</caption>` : ''}${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function groupHtml(g: ProcessViewGroup, open: boolean): string {
  const cls = g.image ? g.image.replace('.exe', '') : 'failing-box';
  return `<details class="process ${cls}${g.instances > 1 ? ' garden' : ''}" data-group="${escapeHtml(g.id)}"${open ? ' open' : ''}><summary>${groupTitle(g)} <span class="facts">${groupFacts(g)}</span></summary><div class="body"${open ? ' data-loaded=""' : ''}>${open ? renderGroupBody(g) : ''}</div></details>`;
}

export interface RenderOptions {
  nonce: string;
  cspSource: string;
  /** The mode shown when the document's mode is overridden by the switch. */
  previewing: 'worker' | 'iis5' | undefined;
}

/** The first paint: summary, group titles (bodies of open groups only), errors below. */
export function renderProcessViewHtml(view: ProcessViewResponse | undefined, opts: RenderOptions): string {
  const csp = `default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; script-src 'nonce-${opts.nonce}';`;
  let body: string;
  if (!view) {
    body = '<p class="muted">Open a MetaBase.xml to see which processes serve its applications. (A big file shows here once it is read.)</p>';
  } else {
    const actual = view.isolationMode;
    const status =
      actual === 'unset'
        ? 'IIs5IsolationModeEnabled is not written on /LM/W3SVC: both outcomes are shown.'
        : opts.previewing && opts.previewing !== actual
          ? `Preview: the file says <b>${MODE_TITLE[actual]}</b>; this is what <b>${MODE_TITLE[opts.previewing]}</b> would do.`
          : `The file says <b>${MODE_TITLE[actual]}</b>.`;
    const other = actual === 'unset' ? undefined : opts.previewing && opts.previewing !== actual ? actual : actual === 'worker' ? 'iis5' : 'worker';
    const toggle = other ? `<button id="toggle" data-mode="${other === actual ? '' : other}">${other === actual ? "Back to the file's mode" : `Show in ${MODE_TITLE[other]}`}</button>` : '';
    const total = view.groups.reduce((n, g) => n + g.applications.length, 0);
    const openAll = total <= OPEN_ALL_UP_TO;
    const multi = view.modes.length > 1;
    const modes = view.modes
      .map((m) => {
        const groups = view.groups.filter((g) => g.mode === m);
        const heading = multi ? `<h2>If ${MODE_TITLE[m]}</h2>` : '';
        const empty = groups.length === 0 ? `<p class="muted">No web site or application in this file, so no ${m === 'worker' ? 'worker process (W3wp.exe)' : 'application process'} starts.</p>` : '';
        return `<div class="mode" data-mode="${m}">${heading}<div class="processes">${groups.map((g) => groupHtml(g, openAll)).join('')}</div>${empty}</div>`;
      })
      .join('');
    const filter = `<div class="filterbar"><input id="filter" type="search" placeholder="Filter by pool, identity, application or site" aria-label="Filter the processes"> <span id="filter-status" class="muted">${plural(view.groups.length, 'group')}</span></div>`;
    const problems =
      view.problemCount > 0
        ? `<details class="problems"><summary>${plural(view.problemCount, 'error')} in this file (also in the Problems panel)</summary><ul>${view.problems.map((p) => `<li><a href="#" class="app" data-line="${p.line}" data-character="${p.character}">line ${p.line + 1}</a> ${escapeHtml(p.message)} <span class="muted">${escapeHtml(p.code)}</span></li>`).join('')}</ul>${view.problemCount > view.problems.length ? `<div class="muted">… and ${view.problemCount - view.problems.length} more in the Problems panel.</div>` : ''}</details>`
        : '';
    body = `<div class="bar"><span>${status}</span>${toggle}</div><div class="summaries">${view.summaries.map((s) => summaryHtml(s, multi)).join('')}</div>${filter}${modes}${problems}`;
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>IIS 6 Process Model</title>
<style nonce="${opts.nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 16px; }
.bar { display: flex; gap: 12px; align-items: center; justify-content: space-between; padding: 10px 0; border-bottom: 1px solid var(--vscode-panel-border); }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
.summaries { display: flex; flex-wrap: wrap; gap: 24px; margin-top: 10px; }
.summary caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
.summary th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 2px 12px 2px 0; vertical-align: top; }
.filterbar { margin: 12px 0 4px; display: flex; gap: 8px; align-items: center; }
#filter { flex: 0 1 420px; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, var(--vscode-panel-border)); padding: 4px 6px; }
.processes { display: flex; flex-direction: column; gap: 6px; margin-top: 8px; }
.process { border: 1px solid var(--vscode-panel-border); border-left-width: 4px; border-radius: 4px; padding: 4px 10px; background: var(--vscode-sideBar-background); }
.process summary { cursor: pointer; padding: 2px 0; }
.process .image { font-weight: 600; color: var(--vscode-symbolIcon-classForeground, var(--vscode-textLink-foreground)); }
.process .facts { color: var(--vscode-descriptionForeground); font-size: 0.9em; margin-left: 6px; }
.process.inetinfo { border-left-color: var(--vscode-charts-orange, var(--vscode-panel-border)); }
.process.dllhost { border-left-color: var(--vscode-charts-purple, var(--vscode-panel-border)); }
.process.w3wp { border-left-color: var(--vscode-charts-blue, var(--vscode-panel-border)); }
.process.garden { border-style: dashed; border-left-style: solid; }
.failing-box { border-left-color: var(--vscode-errorForeground); }
.body { padding: 4px 0 6px 16px; }
.identity, .settings, .muted, .note { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.problem, .app.failing { color: var(--vscode-errorForeground); }
ul { margin: 6px 0 0; padding-left: 18px; }
a { color: var(--vscode-textLink-foreground); text-decoration: none; }
a:hover { text-decoration: underline; }
.problems { margin-top: 16px; border-top: 1px solid var(--vscode-panel-border); padding-top: 8px; }
h2 { font-size: 1.1em; margin: 16px 0 0; }
[hidden] { display: none !important; }
</style>
</head>
<body>
${body}
<script nonce="${opts.nonce}">
const vscode = acquireVsCodeApi();
let filter = '';
let timer;
const groups = () => document.querySelectorAll('details.process');
function load(d) {
  const b = d.querySelector('.body');
  if (d.open && !b.hasAttribute('data-loaded')) { b.setAttribute('data-loaded', ''); b.textContent = 'Loading…'; vscode.postMessage({ type: 'group', id: d.dataset.group, filter }); }
}
document.addEventListener('click', (e) => {
  const a = e.target.closest('a.app');
  if (a) { e.preventDefault(); vscode.postMessage({ type: 'reveal', line: Number(a.dataset.line), character: Number(a.dataset.character) }); }
  const b = e.target.closest('#toggle');
  if (b) vscode.postMessage({ type: 'mode', mode: b.dataset.mode || undefined });
});
document.addEventListener('toggle', (e) => { if (e.target.matches && e.target.matches('details.process')) load(e.target); }, true);
const input = document.getElementById('filter');
if (input) input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => { filter = input.value; vscode.postMessage({ type: 'filter', filter }); }, 150); });
window.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'group') {
    const d = [...groups()].find((x) => x.dataset.group === m.id);
    if (d && m.filter === filter) d.querySelector('.body').innerHTML = m.html;
  } else if (m.type === 'filtered' && m.filter === filter) {
    let shown = 0;
    for (const d of groups()) {
      const n = m.counts[d.dataset.group];
      d.hidden = n === undefined;
      if (n !== undefined) shown++;
      const b = d.querySelector('.body');
      b.removeAttribute('data-loaded');
      b.textContent = '';
      if (filter && n !== undefined && n > 0 && shown <= 20) d.open = true;
      load(d);
    }
    document.getElementById('filter-status').textContent = filter ? shown + ' of ' + groups().length + ' groups match' : groups().length + ' groups';
  }
});
</script>
</body>
</html>`;
}
