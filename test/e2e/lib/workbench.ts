/**
 * Playwright helpers for the VS Code workbench in the browser (code-server / VS Code server 1.100).
 * They wait for DOM state rather than sleeping. Selectors are the workbench's own CSS classes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { screenshotsDir } from './env';

export const DEFAULT_TIMEOUT = 30_000;
/** The editor of the active editor group (CSS). */
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor';

// The project's tsconfig has no DOM lib (it is Node code); these are the few browser APIs that the
// functions run in the page use. Such functions must not declare named inner functions either: tsx
// adds __name() calls to them, which do not exist in the browser.
interface DomRect {
  top: number;
  bottom: number;
  height: number;
  width: number;
}
interface DomElement {
  textContent: string | null;
  parentElement: DomElement | null;
  getBoundingClientRect(): DomRect;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
interface DomWindow {
  document: { querySelector(selector: string): DomElement | null };
  getComputedStyle(element: DomElement): { opacity: string };
}

/** Loads the workbench URL and waits until it is usable. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  page.setDefaultTimeout(DEFAULT_TIMEOUT);
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
}

/** Opens a file by clicking its row in the Explorer (Quick Open is less reliable while focus moves). */
export async function openFromExplorer(page: Page, fileName: string): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first().click();
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor();
  await activeEditor(page).locator('.view-lines').waitFor();
}

/** The editor of the active editor group. */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The language mode shown in the status bar, once it equals `name`. */
export async function waitForLanguageMode(page: Page, name: string): Promise<void> {
  await page.locator('[id="status.editor.mode"]', { hasText: name }).waitFor();
}

/**
 * Runs a command from the command palette (F1) by its title, e.g. "IIS 6: Preview Process Model".
 * A command that asks something (an input box, a quick pick) reuses the palette's widget, which
 * may never be seen hidden in between: `asks` is a text of its question (its title or an item)
 * to wait for instead.
 */
export async function runCommand(page: Page, title: string, options: { asks?: string } = {}): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  if (options.asks !== undefined) await page.locator('.quick-input-widget', { hasText: options.asks }).waitFor();
  else await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Moves the cursor to line:column (1-based; column counts characters, a tab is one) with "Go to Line"
 * (Ctrl+G) and waits for the status bar to show the line (its Col counts tabs as tab-size columns).
 */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).waitFor();
}

/**
 * The squiggle of `severity` on `line` (1-based), once rendered. The line must be in view (goToLine()
 * scrolls there); the line-number gutter tells where it is.
 */
export async function squiggleOnLine(page: Page, line: number, severity: 'error' | 'warning' | 'info' | 'hint' = 'error'): Promise<Locator> {
  // The editor may re-render between finding the squiggle and returning it (it reuses and reorders
  // its line elements while scrolling, or redraws overlays when the cursor moves), which makes the
  // n-th squiggle another one or none: check the result and look again if so.
  for (let attempt = 1; ; attempt++) {
    const squiggle = await findSquiggleOnLine(page, line, severity);
    const box = await squiggle.boundingBox();
    const row = await gutterRow(page, line);
    if (box && row && box.y + box.height / 2 > row.top && box.y + box.height / 2 < row.bottom) return squiggle;
    if (attempt >= 5) throw new Error(`the ${severity} squiggle on line ${line} kept moving while the editor re-rendered`);
  }
}

/** Top and bottom (page coordinates) of the line-number gutter entry of `line` in the active editor. */
async function gutterRow(page: Page, line: number): Promise<{ top: number; bottom: number } | undefined> {
  return page.evaluate(
    ({ editorSel, line }) => {
      const editor = (globalThis as unknown as DomWindow).document.querySelector(editorSel);
      const gutter = editor && Array.from(editor.querySelectorAll('.margin-view-overlays .line-numbers')).find((e) => e.textContent?.trim() === String(line));
      if (!gutter) return undefined;
      const r = gutter.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom };
    },
    { editorSel: ACTIVE_EDITOR, line },
  );
}

async function findSquiggleOnLine(page: Page, line: number, severity: string): Promise<Locator> {
  const editorSel = ACTIVE_EDITOR;
  const squiggles = page.locator(`${editorSel} .squiggly-${severity}`);
  const handle = await page.waitForFunction(
    ({ editorSel, severity, line }) => {
      const editor = (globalThis as unknown as DomWindow).document.querySelector(editorSel);
      if (!editor) return false;
      const gutter = Array.from(editor.querySelectorAll('.margin-view-overlays .line-numbers')).find((e) => e.textContent?.trim() === String(line));
      if (!gutter) return false;
      const row = gutter.getBoundingClientRect();
      const all = Array.from(editor.querySelectorAll(`.squiggly-${severity}`));
      const i = all.findIndex((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.top + r.height / 2 > row.top && r.top + r.height / 2 < row.bottom;
      });
      return i >= 0 ? { index: i } : false; // (index 0 would be falsy and keep waitForFunction waiting)
    },
    { editorSel, severity, line },
  );
  return squiggles.nth(((await handle.jsonValue()) as { index: number }).index);
}

/** Thrown by hoverAndWait when the target is not on the page (any more). */
export class HoverTargetGone extends Error {}

/** Hovers the middle of `target` and returns the visible hover widget once it contains `text` and has faded in. */
export async function hoverAndWait(page: Page, target: Locator, text: string | RegExp): Promise<Locator> {
  const box = await target.boundingBox();
  if (!box) throw new HoverTargetGone('hover target is not visible');
  await page.mouse.move(0, 0);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: text }).first();
  await hover.waitFor({ state: 'visible' });
  await waitForFadeIn(hover);
  return hover;
}

/**
 * Hovers the squiggle of `severity` on `line` (which must be in view) and returns the hover once it
 * contains `text`. Looks for the squiggle again when the editor re-rendered it in between.
 */
export async function hoverSquiggle(page: Page, line: number, severity: 'error' | 'warning' | 'info' | 'hint', text: string | RegExp): Promise<Locator> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await hoverAndWait(page, await squiggleOnLine(page, line, severity), text);
    } catch (e) {
      if (!(e instanceof HoverTargetGone) || attempt >= 5) throw e;
    }
  }
}

/** Waits until an element and its ancestors are fully opaque: for screenshots after a fade-in. */
export async function waitForFadeIn(locator: Locator): Promise<void> {
  const handle = await locator.elementHandle();
  await locator.page().waitForFunction((el) => {
    const win = globalThis as unknown as DomWindow;
    for (let e = el as unknown as DomElement | null; e; e = e.parentElement) if (Number(win.getComputedStyle(e).opacity) < 1) return false;
    return true;
  }, handle);
}

/** Opens the Problems panel (Ctrl+Shift+M) and returns its rows that contain `text`. */
export async function problemsRow(page: Page, text: string | RegExp): Promise<Locator> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
  await panel.waitFor();
  const row = panel.locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor();
  return row;
}

/** Expands a view (e.g. a tree view contributed by the extension) by its pane header title. */
export async function expandView(page: Page, title: string | RegExp): Promise<Locator> {
  const header = page.locator('.pane-header', { hasText: title }).first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return header.locator('xpath=..');
}

/** Collapses a view by its pane header title (e.g. the Explorer's folder, to give another view room). */
export async function collapseView(page: Page, title: string | RegExp): Promise<void> {
  const header = page.locator('.pane-header', { hasText: title }).first();
  await header.waitFor();
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  await page.waitForFunction((el) => (el as unknown as { getAttribute(n: string): string | null }).getAttribute('aria-expanded') === 'false', await header.elementHandle());
}

/** A row of a tree (e.g. inside the pane returned by expandView) whose text contains `label`. */
export function treeRow(container: Locator, label: string | RegExp): Locator {
  return container.locator('.monaco-list-row', { hasText: label }).first();
}

/** Hides the panel (Problems, Output, Terminal) when it is open, for more editor room. */
export async function closePanel(page: Page): Promise<void> {
  const panel = page.locator('.part.panel');
  if (!(await panel.isVisible())) return;
  await runCommand(page, 'View: Hide Panel');
  await panel.waitFor({ state: 'hidden' });
}

/** Hides the primary side bar (Explorer...) when it is open. */
export async function hideSideBar(page: Page): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  if (!(await sidebar.isVisible())) return;
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await sidebar.waitFor({ state: 'hidden' });
}

/**
 * The document inside the most recently created webview (e.g. a preview panel opened by a command):
 * webviews are an iframe (.webview) holding another iframe (#active-frame) with the content.
 *   await webviewContent(page).locator('body', { hasText: 'isolation mode' }).waitFor();
 */
export function webviewContent(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** Waits for a notification toast containing `text`. */
export async function notification(page: Page, text: string | RegExp): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor();
  return toast;
}

/** Saves a screenshot of the page (or of `locator`) to test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, locator?: Locator): Promise<string> {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`);
  if (locator) await locator.screenshot({ path: file });
  else await page.screenshot({ path: file });
  return file;
}
