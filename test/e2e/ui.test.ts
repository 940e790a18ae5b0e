/**
 * UI test in a real VS Code workbench (code-server 4.100.3 = VS Code 1.100.3) driven by Debian chromium
 * through playwright-core. The extension is installed the production way: `npm run package`
 * (the production bundle, the user README) and `code-server --install-extension x.vsix`.
 * Screenshots go to test-results/screenshots/ui-*.png.
 *
 *   node --import tsx --test test/e2e/ui.test.ts
 *
 * Needs `npm run build` and scripts/e2e/install-code-server.sh. IIS6_E2E_VSIX=<file> skips packaging.
 * The steps run in order and share one workbench; add tests for later features (commands, tree view)
 * at the end, using the helpers in lib/workbench.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './lib/browser';
import { startCodeServer, installVsix, type EditorServer } from './lib/editorServer';
import { exampleMetabase, repoRoot, requireBuiltExtension, screenshotsDir } from './lib/env';
import { discardSavedLogs, makeTempDir, run, saveLogs, since } from './lib/processes';
import {
  activeEditor,
  closePanel,
  collapseView,
  notification,
  hideSideBar,
  goToLine,
  hoverSquiggle,
  openFromExplorer,
  openWorkbench,
  problemsRow,
  runCommand,
  screenshot,
  squiggleOnLine,
  treeRow,
  waitForLanguageMode,
  webviewContent,
} from './lib/workbench';
import { copyForPackaging, readVsix } from './lib/vsix';
import { createWorkspace, defaultWorkspaceFiles } from './lib/workspace';

const pkgJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
const pkg = pkgJson as { publisher: string; name: string; version: string };

/** 1-based line and column of `text` in the example file. */
function lineColOf(text: string): { line: number; column: number } {
  const lines = readFileSync(exampleMetabase, 'utf8').split(/\r?\n/);
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${exampleMetabase}`);
  return { line: i + 1, column: lines[i]!.indexOf(text) + 1 };
}

/**
 * An older version of the example, as IIS would have kept it in History/: IntranetPool was one
 * process, the shop and its staging site ran in DefaultAppPool, the shop had one binding less, and
 * the anonymous password was another.
 */
function olderExample(): string {
  const text = readFileSync(exampleMetabase, 'utf8');
  const older = text
    .replace(/(Location ="\/LM\/W3SVC\/AppPools\/IntranetPool"[^>]*?MaxProcesses=")2"/, '$11"')
    .replace('AppPoolId="ShopPool"', 'AppPoolId="DefaultAppPool"')
    .replace('AppPoolId="LegacyPool"', 'AppPoolId="DefaultAppPool"')
    .replace(/(ServerBindings=":80:www\.example\.com)\r?\n\t+:80:example\.com"/, '$1"')
    .replace(/(AnonymousUserPass="[0-9a-f]+)[0-9a-f]{6}"/, '$1a1b2c3"');
  assert.notEqual(older, text);
  return older;
}

const start = performance.now();
const log = (msg: string): void => void process.stderr.write(`[e2e ui ${since(start)}] ${msg}\n`);

describe('VS Code UI (code-server, installed .vsix)', () => {
  let root: string;
  let failed = false;
  let vsix: string;
  let server: EditorServer | undefined;
  let browser: Browser | undefined;
  let page_: Page | undefined;
  /** The workbench page; fails clearly when an earlier step could not open it. */
  const workbench = (): Page => {
    assert.ok(page_, 'the workbench is not open (an earlier step failed)');
    return page_;
  };

  /** A step; on failure it saves test-results/screenshots/failed-<step>.png (and, at the end, the logs) before rethrowing. */
  const step = (name: string, fn: () => Promise<void>): void => {
    test(name, async () => {
      try {
        await fn();
      } catch (e) {
        if (page_) {
          const file = await screenshot(page_, `failed-${name.replace(/[^\w]+/g, '-').slice(0, 60)}`).catch(() => undefined);
          if (file) log(`failure screenshot: ${path.relative(repoRoot, file)}`);
        }
        failed = true;
        throw e;
      }
    });
  };

  before(() => {
    requireBuiltExtension();
    root = makeTempDir('iis6-e2e-ui-');
    // Failure screenshots of earlier runs would mislead.
    if (existsSync(screenshotsDir)) for (const f of readdirSync(screenshotsDir)) if (f.startsWith('failed-')) rmSync(path.join(screenshotsDir, f));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    log('stopped');
    if (failed && root) log(`logs saved to ${path.relative(repoRoot, saveLogs(root, 'ui'))}`);
    else if (!failed) discardSavedLogs('ui');
  });

  step('npm run package makes a .vsix with the minified bundle, the user README and its screenshots, and nothing else', async () => {
    if (process.env.IIS6_E2E_VSIX) {
      vsix = path.resolve(process.env.IIS6_E2E_VSIX);
      return;
    }
    vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
    // The package script as a user runs it (vscode:prepublish builds the production bundle), in a
    // copy of the sources: the build must not rewrite dist/ under the tests running beside this one.
    const sources = copyForPackaging(path.join(root, 'package-sources'));
    const packaged = await run('npm', ['run', 'package', '--', '--out', vsix], { cwd: sources });
    assert.equal(packaged.code, 0, packaged.output);
    log(`packaged ${path.basename(vsix)}`);
    const files = readVsix(vsix);
    const shipped = [...files.keys()].filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
    // Everything the extension's manifest points at ("./dist/client.js", grammars, snippets...)
    // is packaged; `bin` is npm's, not the extension's.
    const referenced = new Set(['package.json', 'dist/client.js', 'dist/server.js']);
    const walk = (v: unknown): void => {
      if (typeof v === 'string' && v.startsWith('./')) referenced.add(path.posix.normalize(v.slice(2)));
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk({ ...pkgJson, bin: undefined });
    if (typeof pkgJson.icon === 'string') referenced.add(path.posix.normalize(pkgJson.icon));
    for (const f of referenced) {
      assert.ok(shipped.some((x) => x === f || x.startsWith(`${f}/`)), `${f} (referenced by package.json) is missing from the .vsix; see .vscodeignore:\n${shipped.join('\n')}`);
    }
    const unwanted = shipped.filter((f) => /^(node_modules|client|server|test|scripts|bench|out|test-results)\/|\.map$|\.ts$|^dist\/cli\.js$|^README\.md$/.test(f));
    assert.deepEqual(unwanted, [], 'the .vsix should hold only the bundle and metadata (see .vscodeignore)');
    for (const js of ['dist/client.js', 'dist/server.js']) {
      assert.doesNotMatch(files.get(`extension/${js}`)!.toString('utf8'), /sourceMappingURL/, `${js} points at a source map that is not shipped`);
    }
    // The details page is the user README: no developer commands; every image it shows is inside.
    const readme = files.get('extension/readme.md')?.toString('utf8') ?? '';
    assert.equal(readme, readFileSync(path.join(sources, 'MARKETPLACE.md'), 'utf8'));
    assert.doesNotMatch(readme, /npm test|npm run demo/, 'the details page is not the developers\' README');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 3, 'the details page shows screenshots');
    for (const image of images) assert.ok(shipped.includes(image), `${image} (shown by the details page) is not in the .vsix`);
  });

  step('code-server installs the .vsix and starts with a fresh profile', async () => {
    assert.ok(vsix, 'no .vsix (previous step failed)');
    await installVsix(root, vsix);
    server = await startCodeServer({ root });
    const installed = readdirSync(server.extensionsDir);
    assert.ok(installed.includes(`${pkg.publisher}.${pkg.name}-${pkg.version}`), `not installed: ${installed.join(', ')}`);
    browser = await launchBrowser(root);
    const workspace = createWorkspace(root, { ...defaultWorkspaceFiles, 'History/MetaBase_0000000411_0000000000.xml': olderExample() });
    await openWorkbench(browser.page, server.workbenchUrl(workspace));
    page_ = browser.page;
    log(`workbench up at ${server.baseUrl}`);
  });

  step('MetaBase.xml opened from the Explorer is an IIS 6 Metabase document', async () => {
    const page = workbench();
    await openFromExplorer(page, 'MetaBase.xml');
    await waitForLanguageMode(page, 'IIS 6 Metabase');
  });

  step('invalid-value on ServerAutoStart="ture" is squiggled', async () => {
    const page = workbench();
    const { line, column } = lineColOf('ServerAutoStart="ture"');
    await goToLine(page, line, column + 'ServerAutoStart="'.length);
    const squiggle = await squiggleOnLine(page, line, 'error');
    assert.ok(await squiggle.isVisible());
    await screenshot(page, 'ui-01-squiggles');
    log('squiggle visible');
  });

  step('the Problems panel lists it', async () => {
    const page = workbench();
    const { line } = lineColOf('ServerAutoStart="ture"');
    // Rows show "<message> iis6-metabase(invalid-value) [Ln 189, Col 20]" (the parentheses come from CSS).
    const row = await problemsRow(page, new RegExp(`invalid-value[\\s\\S]*Ln ${line},`));
    const text = (await row.textContent()) ?? '';
    assert.match(text, /ServerAutoStart[\s\S]*ture/);
    await row.click(); // selects the row and reveals the line in the editor
    await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
    await screenshot(page, 'ui-02-problems-panel');
    log('Problems entry visible');
  });

  step('hovering the squiggle shows the diagnostic', async () => {
    const page = workbench();
    // Keep the cursor line in the editor and the hover out of the panel's way.
    await activeEditor(page).click({ position: { x: 5, y: 5 } });
    const { line, column } = lineColOf('ServerAutoStart="ture"');
    await goToLine(page, line, column + 'ServerAutoStart="'.length);
    const hover = await hoverSquiggle(page, line, 'error', /invalid-value/);
    assert.match((await hover.textContent()) ?? '', /ServerAutoStart[\s\S]*ture/);
    await screenshot(page, 'ui-03-hover');
    await screenshot(page, 'ui-03-hover-card', hover);
    log('hover visible');
  });

  step('the IIS Metabase view (its own activity bar icon) shows the pools and sites by name', async () => {
    const page = workbench();
    await page.keyboard.press('Escape'); // the hover
    // More room for the tree and, later, the preview beside the editor.
    await page.setViewportSize({ width: 1600, height: 1000 });
    await closePanel(page);
    await page.locator('.activitybar .action-item a[aria-label^="IIS 6 Metabase"]').click();
    const pane = page.locator('.part.sidebar');
    for (const label of ['Application Pools', 'IntranetPool', 'Web Sites', 'Default Web Site']) await treeRow(pane, label).waitFor();
    // Descriptions: the pool's application count; the missing pool, flagged.
    await treeRow(pane, 'IntranetPool').filter({ hasText: '2 applications' }).waitFor();
    await treeRow(pane, 'ShopPool').filter({ hasText: 'does not exist' }).waitFor();
    // Applications by name, the Location beside it.
    await treeRow(pane, /Reports.*\/LM\/W3SVC\/1962875481\/root\/Reports/).waitFor();
    // Clicking a pool reveals its key in the editor.
    const { line } = lineColOf('Location ="/LM/W3SVC/AppPools/IntranetPool"');
    await treeRow(pane, 'IntranetPool').click();
    await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
    await page.mouse.move(20, 600); // no tooltip in the shot (the activity bar's empty part)
    await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'hidden' }).catch(() => undefined);
    await screenshot(page, 'ui-04-tree');
    log('tree view visible');
  });

  step('clicking an application under its pool reveals it and keeps that row selected', async () => {
    const page = workbench();
    const pane = page.locator('.part.sidebar');
    // The first "Reports" row is the one under IntranetPool (level 3); under its site it is level 4.
    const underPool = pane.locator('.monaco-list-row[aria-level="3"]', { hasText: 'Reports' }).first();
    await underPool.click();
    const { line } = lineColOf('Location ="/LM/W3SVC/1962875481/root/Reports"');
    await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
    await page.waitForTimeout(1000); // the view follows the cursor: time for a (wrong) jump
    const selected = pane.locator('.monaco-list-row.selected');
    assert.equal(await selected.count(), 1);
    assert.match((await selected.textContent()) ?? '', /Reports/);
    assert.equal(await selected.getAttribute('aria-level'), '3', 'still the row under the pool, not the one under Web Sites');
  });

  step('IIS 6: Filter Tree… shows the matching items only; Clear Tree Filter brings all back', async () => {
    const page = workbench();
    const pane = page.locator('.part.sidebar');
    await runCommand(page, 'IIS 6: Filter Tree…', { asks: 'Filter the IIS Metabase tree' });
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('intranet');
    await page.keyboard.press('Enter');
    await pane.getByText('Filtered by "intranet"').waitFor();
    await treeRow(pane, 'IntranetPool').waitFor();
    await treeRow(pane, 'DefaultAppPool').waitFor({ state: 'detached' });
    await page.mouse.move(20, 600);
    await screenshot(page, 'ui-07-tree-filter');
    await runCommand(page, 'IIS 6: Clear Tree Filter');
    await treeRow(pane, 'DefaultAppPool').waitFor();
    log('tree filter works');
  });

  step('the status bar shows the isolation mode', async () => {
    const page = workbench();
    const item = page.locator('.statusbar-item', { hasText: 'IIS 6: worker process isolation' });
    await item.waitFor();
    assert.match((await item.getAttribute('aria-label')) ?? (await item.textContent()) ?? '', /worker process isolation/);
    log('status bar item visible');
  });

  step('IIS 6: Preview Process Model shows the web garden and the missing pool', async () => {
    const page = workbench();
    await hideSideBar(page); // room for the editor and the preview beside it
    await activeEditor(page).click({ position: { x: 5, y: 5 } }); // the command needs a metabase editor
    await runCommand(page, 'IIS 6: Preview Process Model');
    await page.locator('.tabs-container .tab', { hasText: 'Processes: MetaBase.xml' }).waitFor();
    const body = webviewContent(page).locator('body');
    await body.getByText('Web garden of 2 W3wp.exe').first().waitFor();
    await body.getByText('ShopPool').first().waitFor();
    await body.locator('details.process.w3wp').first().waitFor();
    await screenshot(page, 'ui-05-process-model');
    log('process model preview visible');
  });

  step('the preview switches to IIS 5.0 isolation mode', async () => {
    const page = workbench();
    const body = webviewContent(page).locator('body');
    await body.locator('#toggle', { hasText: 'Show in IIS 5.0 isolation mode' }).click();
    // The panel re-renders with the Inetinfo.exe / DLLHost.exe boxes of IIS 5.0 isolation mode.
    await body.locator('.mode[data-mode="iis5"]').waitFor();
    await body.locator('details.process', { hasText: /Inetinfo\.exe|DLLHost\.exe/ }).first().waitFor();
    await body.locator('#toggle', { hasText: "Back to the file's mode" }).waitFor();
    await screenshot(page, 'ui-06-process-model-iis5');
    log('IIS 5.0 isolation mode preview visible');
  });
  step('the preview filter keeps the matching groups; an opened group shows its applications', async () => {
    const page = workbench();
    const body = webviewContent(page).locator('body');
    await body.locator('#toggle', { hasText: "Back to the file's mode" }).click();
    await body.locator('.mode[data-mode="worker"]').waitFor();
    await body.locator('#filter').fill('legacy');
    await body.locator('#filter-status', { hasText: '1 of 4 groups match' }).waitFor();
    const legacy = body.locator('details.process', { hasText: 'LegacyPool' });
    assert.equal(await body.locator('details.process:not([hidden])').count(), 1);
    // Its applications come from the extension when the group is (re)opened.
    await legacy.locator('.body a.app', { hasText: '/LM/W3SVC/21/ROOT' }).waitFor();
    await legacy.locator('summary').click(); // closes
    await legacy.locator('summary').click(); // opens again
    await legacy.locator('.body a.app', { hasText: '/LM/W3SVC/21/ROOT' }).waitFor();
    await body.locator('#filter').fill('');
    await body.locator('#filter-status', { hasText: /^4 groups$/ }).waitFor();
    log('process view filter works');
  });

  step('IIS 6: Compare with History… shows the Metabase Changes view beside the text diff', async () => {
    const page = workbench();
    // Close the process-model preview: the diff takes the editor area.
    const previewTab = page.locator('.tabs-container .tab', { hasText: 'Processes: MetaBase.xml' });
    await previewTab.click();
    await previewTab.locator('.tab-actions .action-label').click();
    await previewTab.waitFor({ state: 'detached' });
    await page.locator('.tabs-container .tab', { hasText: /^MetaBase\.xml/ }).first().click();
    await activeEditor(page).click({ position: { x: 5, y: 5 } });
    await runCommand(page, 'IIS 6: Compare with History…', { asks: 'Another metabase file' });
    // The History folder beside MetaBase.xml: its copy by version number, with the file date.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Version 411' }).first();
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /History\/MetaBase_0000000411_0000000000\.xml/);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Another metabase file' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'MetaBase_0000000411_0000000000.xml ↔ MetaBase.xml' }).waitFor();
    const pane = page.locator('.part.sidebar');
    await collapseView(page, /^IIS Metabase/);
    await treeRow(pane, 'What changes for the applications').waitFor();
    await treeRow(pane, 'IntranetPool becomes a web garden of 2 processes').waitFor();
    await treeRow(pane, '/LM/W3SVC/21/ROOT moves from DefaultAppPool to LegacyPool').waitFor();
    await treeRow(pane, /AppPoolId.*"DefaultAppPool" → "ShopPool"/).waitFor();
    await treeRow(pane, /AnonymousUserPass.*secure value, not shown/).waitFor();
    // A wider side bar, so that the rows read whole (drag the sash at its right edge).
    const box = await pane.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width + 300, box.y + box.height / 2, { steps: 8 });
      await page.mouse.up();
    }
    await page.mouse.move(20, 600);
    await screenshot(page, 'ui-08-compare-history');
    await runCommand(page, 'IIS 6: Copy Changes as adsutil Script');
    await notification(page, /Copied an adsutil\.vbs script of \d+ commands/);
    log('compare with history visible');
  });
});
