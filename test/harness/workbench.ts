/**
 * Drives the real VS Code workbench (code-server) in headless Chromium for end-to-end journeys:
 * the extension is installed into a fresh extensions dir, the workbench opens on a folder, and the
 * helpers act as a user would (command palette, Activity Bar, tree rows, notifications, screenshots).
 *
 *   const wb = await openWorkbench({ settings: { 'geminiWebhooks.backend': 'emulator' } });
 *   try { await wb.openGeminiView(); await wb.runCommand('Gemini Webhooks: Show Log'); }
 *   finally { await wb.close(); }
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { prepare } from './prepare';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

export interface WorkbenchOptions {
  /** User settings for this run (merged over the harness defaults). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Environment for code-server and so for the extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** Folder to open; a fresh empty one in the run dir by default. */
  readonly folder?: string;
  /** Extension folders to install by symlink; the repository by default. [] installs none. */
  readonly extensions?: readonly string[];
  /** Called with the fresh extensions/user-data dirs before the workbench opens (e.g. to install a .vsix). */
  readonly beforeOpen?: (server: RunningCodeServer) => Promise<void> | void;
  readonly viewport?: { width: number; height: number };
}

export interface Workbench {
  readonly page: Page;
  readonly url: string;
  readonly server: RunningCodeServer;
  /** Saves test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /**
   * Runs a command through the command palette (F1), by its full title ("Category: Title").
   * Returns once the palette has closed or the command's own prompt has replaced it.
   */
  runCommand(title: string): Promise<void>;
  /** Clicks the Gemini Webhooks icon in the Activity Bar and waits for its Webhooks view. */
  openGeminiView(): Promise<Locator>;
  /** The ARIA labels of the rows of a tree view (the Webhooks view by default). */
  treeRows(viewTitle?: string): Promise<string[]>;
  /** Waits until a tree view has rows and none of them says "Loading"; returns their labels. */
  waitForTreeRows(viewTitle?: string, timeoutMs?: number): Promise<string[]>;
  /** Drags the sidebar's edge `px` to the right (descriptions readable in screenshots). */
  widenSidebar(px: number): Promise<void>;
  /** Folds (or unfolds) the sidebar view whose header starts with `title`; false when it already was. */
  foldView(title: string, folded?: boolean): Promise<boolean>;
  /** Waits for a notification toast containing the text and returns it. */
  waitForNotification(text: string | RegExp, timeoutMs?: number): Promise<Locator>;
  /** The text shown in the Output panel (the channel that is selected), with plain spaces. */
  outputText(): Promise<string>;
  /** Waits until the Output panel shows text matching the pattern; returns the panel's text. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** The first frame of the page (webviews are nested frames) that holds `selector`, waiting up to `timeoutMs`. */
export async function frameWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    if (Date.now() >= end) throw new Error(`no frame shows ${selector}`);
    await page.waitForTimeout(200);
  }
}

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const toolchain = await prepare({ chromium: true });
  const server = await startCodeServer({
    toolchain,
    settings: options.settings,
    env: { GEMINI_WEBHOOKS_TEST: '1', ...options.env },
    extensions: options.extensions ?? [REPO_ROOT],
  });
  let browser: Browser | undefined;
  try {
    await options.beforeOpen?.(server);
    const folder = options.folder ?? path.join(server.runDir, 'workspace');
    fs.mkdirSync(folder, { recursive: true });
    browser = await chromium.launch({ executablePath: toolchain.chromium, args: [...CHROMIUM_ARGS], env: server.env });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    const url = server.url(folder);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar').waitFor({ timeout: 60_000 });
    return workbench(page, url, server, browser);
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}

function workbench(page: Page, url: string, server: RunningCodeServer, browser: Browser): Workbench {
  const openGeminiView = async (): Promise<Locator> => {
    const view = page.locator('.pane-header', { hasText: /Webhooks/ }).first();
    if (!(await view.isVisible())) {
      await page.locator('.activitybar [aria-label^="Gemini Webhooks"]').first().click();
    }
    await view.waitFor({ timeout: 30_000 });
    return page.locator('.sidebar');
  };

  const treeRows = async (viewTitle = 'Webhooks'): Promise<string[]> => {
    await openGeminiView();
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: viewTitle }) }).first();
    const labels: string[] = [];
    for (const row of await pane.locator('.monaco-list-row').all()) {
      labels.push((await row.getAttribute('aria-label')) ?? (await row.innerText()));
    }
    return labels;
  };

  /** Monaco renders spaces as no-break spaces: give callers plain text. */
  const outputText = async (): Promise<string> => {
    const lines = page.locator('.panel .view-lines').first();
    await lines.waitFor({ timeout: 15_000 });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  };

  return {
    page,
    url,
    server,
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async runCommand(title) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 15_000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      // The palette closes, or the command opens its own quick input (a prompt) in the same widget.
      await page.waitForFunction(
        (typed) => {
          const widget = document.querySelector<HTMLElement>('.quick-input-widget');
          const input = widget?.querySelector<HTMLInputElement>('input');
          return !widget || widget.offsetParent === null || !input || input.value !== typed;
        },
        `>${title}`,
        { timeout: 15_000 },
      );
    },
    openGeminiView,
    treeRows,
    async waitForTreeRows(viewTitle = 'Webhooks', timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let rows: string[] = [];
      while (Date.now() < deadline) {
        rows = await treeRows(viewTitle);
        if (rows.length > 0 && !rows.some((row) => /loading/i.test(row))) return rows;
        await page.waitForTimeout(250);
      }
      throw new Error(`the ${viewTitle} view did not finish loading within ${timeoutMs / 1000} s; rows: ${rows.join(' | ')}`);
    },
    async widenSidebar(px) {
      const sidebar = await page.locator('.part.sidebar').first().boundingBox();
      if (!sidebar) return;
      const x = sidebar.x + sidebar.width + 1;
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + px, y, { steps: 8 });
      await page.mouse.up();
    },
    async foldView(title, folded = true) {
      const header = page.locator(`.pane-header[aria-expanded="${folded ? 'true' : 'false'}"]`, { hasText: new RegExp(`^\\s*${title}`) }).first();
      if (!(await header.isVisible())) return false;
      await header.click();
      return true;
    },
    async waitForNotification(text, timeoutMs = 30_000) {
      const toast = page.locator('.notification-toast', { hasText: text }).first();
      await toast.waitFor({ timeout: timeoutMs });
      return toast;
    },
    outputText,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let text = '';
      while (Date.now() < deadline) {
        text = await outputText().catch(() => '');
        if (pattern.test(text)) return text;
        await page.waitForTimeout(250);
      }
      throw new Error(`the Output panel did not show ${pattern} within ${timeoutMs / 1000} s; it shows:\n${text}`);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}
