/**
 * Runs the integration suites inside the real VS Code extension host: code-server with the smoke
 * test driver, Chromium opening the workbench with the `payload` URL parameter
 * (extensionDevelopmentPath + extensionTestsPath, as @vscode/test-electron passes them to desktop
 * VS Code). The workbench reports every console line through `codeAutomationLog` and the result of
 * the tests module's `run()` through `codeAutomationExit`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { startCodeServer } from './codeServer';
import { CHROMIUM_ARGS } from './browser';
import type { Toolchain } from './prepare';

export interface IntegrationOptions {
  readonly toolchain: Toolchain;
  /** The extension under test (the repository root). */
  readonly extensionDevelopmentPath: string;
  /** The compiled tests module exporting `run()`. */
  readonly extensionTestsPath: string;
  /** Environment for the extension host (`extensionEnvironment`). */
  readonly extensionEnv?: Readonly<Record<string, string>>;
  /** User settings seeded for the run. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Other extension folders installed for the run (the web workbench loads only one development path). */
  readonly extensions?: readonly string[];
  /** Overall limit, from server start to the exit code. */
  readonly timeoutMs?: number;
  /** Where mocha's lines go (stdout by default). */
  readonly print?: (line: string) => void;
}

export interface IntegrationResult {
  /** 0 when `run()` resolved, 1 when it rejected or the run broke. */
  readonly exitCode: number;
  readonly passed: number;
  readonly failed: number;
}

/** Offline workbench chatter that has nothing to do with the tests (and stack lines following it). */
const CHATTER = [
  /^(Resolving|Resolved) connection token|^Creating a socket|^\[reconnection-grace-time\]|^Updating additional builtin extensions cache/,
  /^\[(Service Worker|AgentHost[^\]]*|AccountPolicyGate|Extension Host)\]/,
  /^Timed out waiting for authentication provider|^Aborted onWill\w+-event after|^Creation of workbench contribution '[^']+' took/,
  /ENOTFOUND|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|Failed to fetch|open-vsx\.org|marketplace\.visualstudio\.com/,
];

/** Filters workbench chatter line by line: a chatter line hides the stack trace under it. */
function chatterFilter(): (line: string) => boolean {
  let inChatter = false;
  return (line) => {
    if (process.env.GEMINI_WEBHOOKS_VERBOSE === '1') return false;
    if (CHATTER.some((pattern) => pattern.test(line))) {
      inChatter = true;
      return true;
    }
    if (inChatter && /^\s+at /.test(line)) return true;
    inChatter = false;
    return false;
  };
}

/** Turns mocha's spec summary ("3 passing", "1 failing") into counts. */
export function countsFromSpecOutput(text: string): { passed: number; failed: number } {
  const passing = /(\d+) passing/.exec(text);
  const failing = /(\d+) failing/.exec(text);
  return { passed: passing ? Number(passing[1]) : 0, failed: failing ? Number(failing[1]) : 0 };
}

export async function runIntegrationTests(options: IntegrationOptions): Promise<IntegrationResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const server = await startCodeServer({
    toolchain: options.toolchain,
    settings: options.settings,
    extensions: options.extensions,
    smokeTestDriver: true,
    timeoutSeconds: Math.ceil(timeoutMs / 1000) + 30,
  });
  const browser = await chromium.launch({ executablePath: options.toolchain.chromium, args: [...CHROMIUM_ARGS], env: server.env });
  const transcript: string[] = [];
  const consoleErrors: string[] = [];
  try {
    const workspace = path.join(server.runDir, 'workspace');
    fs.mkdirSync(workspace, { recursive: true });
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
    const payload = [
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
      ['extensionEnvironment', JSON.stringify(options.extensionEnv ?? {})],
    ];
    const page = await browser.newPage();
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    const isChatter = chatterFilter();
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n')) {
        transcript.push(line);
        if (!isChatter(line) && type !== 'trace' && type !== 'debug') print(line);
      }
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(server.url(workspace, { payload: JSON.stringify(payload) }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    const counts = countsFromSpecOutput(transcript.join('\n'));
    if (outcome === 'timeout') {
      print(`integration: no result within ${timeoutMs / 1000} s (codeAutomationExit was never called)`);
      for (const error of consoleErrors.slice(-20)) print(`  browser console error: ${error}`);
      return { exitCode: 1, ...counts };
    }
    if (outcome !== 0 && counts.failed === 0) {
      // run() rejected before mocha reported (e.g. a module failed to load): show why.
      for (const error of consoleErrors.slice(-20)) print(`  browser console error: ${error}`);
    }
    return { exitCode: outcome === 0 ? 0 : 1, ...counts };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}
