/**
 * The standard extension-tests entry (`extensionTestsPath`): VS Code loads this module in the
 * extension host and awaits `run()`. It runs every compiled suite out/test/integration/**\/*.test.js
 * with mocha (BDD: describe/it) and rejects when any test fails, so the same module works under
 * @vscode/test-electron / @vscode/test-cli and under this repo's code-server harness.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

export function run(): Promise<void> {
  // GEMINI_WEBHOOKS_TEST_GREP (passed through by run-integration.mjs) runs only the matching tests while writing them.
  const grep = process.env.GEMINI_WEBHOOKS_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, ...(grep ? { grep } : {}) });
  const files = findTests(__dirname);
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no integration tests (*.test.js) found under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
