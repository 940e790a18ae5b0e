/**
 * Debian's chromium driven by playwright-core, with a throw-away profile. HOME points into the temp
 * root so chromium leaves nothing in ~/.config.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumPath, headed } from './env';

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(root: string, viewport = { width: 1400, height: 850 }): Promise<Browser> {
  const profile = path.join(root, 'chromium-profile');
  const home = path.join(root, 'home');
  mkdirSync(home, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: !headed,
    viewport,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-crash-reporter',
    ],
  });
  // The persistent context's first page; a new page would leave this one blank.
  const page = context.pages()[0] ?? (await context.newPage());
  const log = createWriteStream(path.join(root, 'browser-console.log'));
  page.on('console', (m) => log.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => log.write(`[pageerror] ${e.message}\n`));
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      log.end();
    },
  };
}
