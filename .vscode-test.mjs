// The standard @vscode/test-cli route (`npm run compile && npm run test:desktop`): downloads VS Code
// desktop into .vscode-test/ and runs the same compiled integration suites inside it. It needs the
// internet; where VS Code cannot be downloaded, `npm run test:integration` runs the same suites in
// code-server (see test/harness/).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: 'stable',
  extensionDevelopmentPath: '.',
  env: { GEMINI_WEBHOOKS_TEST: '1' },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'bdd', timeout: 30_000, color: true },
});
