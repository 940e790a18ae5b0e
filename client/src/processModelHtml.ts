/**
 * The HTML of the process-model preview: one box per process (as many W3wp.exe boxes as the web
 * garden has), the applications inside, identities, the problems found, and a switch to show the
 * other isolation mode. Pure (no vscode import) so it can be tested in Node. Follows the editor
 * theme through VS Code's CSS variables; a strict content security policy allows only the inline
 * style and the nonce'd script, no remote resources.
 */
import type { ProcessModelApplication, ProcessModelProcess, ProcessModelResponse } from '../../server/src/protocol';

const MODE_TITLE = { worker: 'Worker process isolation mode', iis5: 'IIS 5.0 isolation mode' } as const;
/** Boxes drawn per web garden at most; the rest are summarised. */
export const MAX_GARDEN_BOXES = 8;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function appItem(a: ProcessModelApplication): string {
  const title = [a.name, a.site].filter(Boolean).join(' · ');
  const notes = a.notes.map((n) => `<div class="note">${escapeHtml(n)}</div>`).join('');
  const problem = a.problem ? `<div class="problem">${escapeHtml(a.problem)}</div>` : '';
  return `<li><a href="#" class="app${a.problem ? ' failing' : ''}" data-line="${a.range.start.line}" data-character="${a.range.start.character}" title="Reveal in the editor">${escapeHtml(a.location)}</a>${title ? ` <span class="muted">${escapeHtml(title)}</span>` : ''}${problem}${notes}</li>`;
}

function processBox(p: ProcessModelProcess, apps: ProcessModelApplication[], index?: number): string {
  const label = p.image === 'w3wp.exe' ? `W3wp.exe${index !== undefined ? ` #${index + 1}` : ''}` : p.image === 'inetinfo.exe' ? 'Inetinfo.exe' : 'DLLHost.exe';
  const role = p.pool ? `pool <b>${escapeHtml(p.pool)}</b>` : p.hosting === 'pooled' ? 'pooled applications' : p.hosting === 'isolated' ? 'isolated application' : 'IIS itself (in-process applications)';
  const settings = p.settings
    ? `<div class="settings">${[p.settings.recycling, p.settings.health, p.settings.rapidFail, p.settings.idleTimeout, p.settings.queueLength].map(escapeHtml).join('<br>')}</div>`
    : '';
  const list = apps.length > 0 ? `<ul>${apps.map(appItem).join('')}</ul>` : '<div class="muted">no applications</div>';
  return `<section class="process ${p.image.replace('.exe', '')}" data-process="${escapeHtml(p.id)}"><header><span class="image">${label}</span> <span class="role">${role}</span></header><div class="identity">runs as ${escapeHtml(p.identity)}</div>${settings}${list}</section>`;
}

function modeSection(pm: ProcessModelResponse, mode: 'worker' | 'iis5'): string {
  const apps = pm.applications.filter((a) => a.mode === mode);
  const boxes: string[] = [];
  for (const p of pm.processes.filter((x) => x.mode === mode)) {
    const mine = apps.filter((a) => a.process === p.id);
    if (p.instances > 1) {
      const shown = Math.min(p.instances, MAX_GARDEN_BOXES);
      const garden = Array.from({ length: shown }, (_, i) => processBox(p, mine, i)).join('');
      const more = p.instances > shown ? `<div class="muted">… and ${p.instances - shown} more W3wp.exe</div>` : '';
      boxes.push(`<div class="garden" title="Web garden: ${p.instances} worker processes share these applications"><div class="garden-title">Web garden of ${p.instances} W3wp.exe — pool ${escapeHtml(p.pool ?? '')}</div><div class="garden-boxes">${garden}</div>${more}</div>`);
    } else {
      boxes.push(processBox(p, mine));
    }
  }
  const failing = apps.filter((a) => !a.process);
  const failBox = failing.length > 0 ? `<section class="process failing-box"><header><span class="image">No process</span> <span class="role">these applications cannot run</span></header><ul>${failing.map(appItem).join('')}</ul></section>` : '';
  const heading = pm.modes.length > 1 ? `<h2>If ${MODE_TITLE[mode]}</h2>` : '';
  return `<div class="mode" data-mode="${mode}">${heading}<div class="processes">${boxes.join('')}${failBox}</div></div>`;
}

export interface RenderOptions {
  nonce: string;
  cspSource: string;
  /** The mode shown when the document's mode is overridden by the switch. */
  previewing: 'worker' | 'iis5' | undefined;
}

export function renderProcessModelHtml(pm: ProcessModelResponse | undefined, opts: RenderOptions): string {
  const csp = `default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; script-src 'nonce-${opts.nonce}';`;
  let body: string;
  if (!pm) {
    body = '<p class="muted">Open a MetaBase.xml to see which processes serve its applications.</p>';
  } else {
    const actual = pm.isolationMode;
    const status =
      actual === 'unset'
        ? 'IIs5IsolationModeEnabled is not written on /LM/W3SVC: both outcomes are shown.'
        : opts.previewing && opts.previewing !== actual
          ? `Preview: the file says <b>${MODE_TITLE[actual]}</b>; this is what <b>${MODE_TITLE[opts.previewing]}</b> would do.`
          : `The file says <b>${MODE_TITLE[actual]}</b>.`;
    const other = actual === 'unset' ? undefined : opts.previewing && opts.previewing !== actual ? actual : actual === 'worker' ? 'iis5' : 'worker';
    const toggle = other ? `<button id="toggle" data-mode="${other === actual ? '' : other}">${other === actual ? 'Back to the file\'s mode' : `Show in ${MODE_TITLE[other]}`}</button>` : '';
    const problems = pm.problems.length > 0
      ? `<details class="problems" open><summary>${pm.problems.length} error${pm.problems.length === 1 ? '' : 's'} in this file</summary><ul>${pm.problems.map((p) => `<li><a href="#" class="app" data-line="${p.range.start.line}" data-character="${p.range.start.character}">line ${p.range.start.line + 1}</a> ${escapeHtml(p.message)} <span class="muted">${escapeHtml(p.code)}</span></li>`).join('')}</ul></details>`
      : '';
    body = `<div class="bar"><span>${status}</span>${toggle}</div>${problems}${pm.modes.map((m) => modeSection(pm, m)).join('')}`;
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
.processes { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; margin-top: 12px; }
.process { border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 8px 10px; min-width: 220px; max-width: 420px; background: var(--vscode-sideBar-background); }
.process header { font-weight: 600; margin-bottom: 4px; }
.process .image { color: var(--vscode-symbolIcon-classForeground, var(--vscode-textLink-foreground)); }
.process.inetinfo { border-color: var(--vscode-charts-orange, var(--vscode-panel-border)); }
.process.dllhost { border-color: var(--vscode-charts-purple, var(--vscode-panel-border)); }
.process.w3wp { border-color: var(--vscode-charts-blue, var(--vscode-panel-border)); }
.failing-box { border-color: var(--vscode-errorForeground); }
.garden { border: 1px dashed var(--vscode-charts-blue, var(--vscode-panel-border)); padding: 6px; border-radius: 6px; }
.garden-title { font-size: 0.9em; margin-bottom: 6px; }
.garden-boxes { display: flex; flex-wrap: wrap; gap: 8px; }
.identity, .settings, .muted, .note { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.problem, .app.failing { color: var(--vscode-errorForeground); }
ul { margin: 6px 0 0; padding-left: 18px; }
a { color: var(--vscode-textLink-foreground); text-decoration: none; }
a:hover { text-decoration: underline; }
.problems { margin-top: 10px; }
h2 { font-size: 1.1em; margin: 16px 0 0; }
</style>
</head>
<body>
${body}
<script nonce="${opts.nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target.closest('a.app');
  if (a) { e.preventDefault(); vscode.postMessage({ type: 'reveal', line: Number(a.dataset.line), character: Number(a.dataset.character) }); }
  const b = e.target.closest('#toggle');
  if (b) vscode.postMessage({ type: 'mode', mode: b.dataset.mode || undefined });
});
</script>
</body>
</html>`;
}
