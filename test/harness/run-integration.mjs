// `npm run test:integration`: the mocha suites in out/test/integration/**/*.test.js, run inside the
// real VS Code extension host (code-server + Chromium, prepared into the cache on first use).
// Builds and compiles first unless GEMINI_WEBHOOKS_SKIP_BUILD=1 (scripts/test.mjs already did).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);
if (process.env.GEMINI_WEBHOOKS_SKIP_BUILD !== '1') {
  for (const args of [['scripts/build.mjs'], ['node_modules/typescript/bin/tsc', '-p', '.']]) {
    if (spawnSync(process.execPath, args, { stdio: 'inherit' }).status !== 0) {
      console.error(`test:integration: "node ${args.join(' ')}" failed`);
      process.exit(1);
    }
  }
}
const require = createRequire(import.meta.url);
const { prepare } = require(path.join(root, 'out/test/harness/prepare.js'));
const { runIntegrationTests } = require(path.join(root, 'out/test/harness/integration.js'));

try {
  const toolchain = await prepare({ chromium: true });
  const started = Date.now();
  const result = await runIntegrationTests({
    toolchain,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/integration/index'),
    extensionEnv: {
      GEMINI_WEBHOOKS_TEST: '1',
      ...(process.env.GEMINI_WEBHOOKS_TEST_GREP ? { GEMINI_WEBHOOKS_TEST_GREP: process.env.GEMINI_WEBHOOKS_TEST_GREP } : {}),
    },
    settings: { 'geminiWebhooks.backend': 'emulator' },
    timeoutMs: Number(process.env.GEMINI_WEBHOOKS_INTEGRATION_TIMEOUT_MS ?? 300_000),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`integration (VS Code in code-server): ${result.passed} passing, ${result.failed} failing, exit ${result.exitCode} in ${seconds} s`);
  if (result.exitCode === 0 && result.passed === 0) {
    console.error('integration: no test ran');
    process.exit(1);
  }
  process.exit(result.exitCode);
} catch (error) {
  console.error(`integration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
