// `npm run test:e2e`: the end-to-end journeys in out/test/e2e/**/*.test.js, mocha on plain Node
// driving the real VS Code workbench (code-server) in headless Chromium.
// Builds and compiles first unless GEMINI_WEBHOOKS_SKIP_BUILD=1 (scripts/test.mjs already did).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);
const node = process.execPath;
if (process.env.GEMINI_WEBHOOKS_SKIP_BUILD !== '1') {
  for (const args of [['scripts/build.mjs'], ['node_modules/typescript/bin/tsc', '-p', '.']]) {
    if (spawnSync(node, args, { stdio: 'inherit' }).status !== 0) {
      console.error(`test:e2e: "node ${args.join(' ')}" failed`);
      process.exit(1);
    }
  }
}
// Prepare once up front so a missing browser or editor fails loudly before any test starts.
const require = createRequire(import.meta.url);
const { prepare } = require(path.join(root, 'out/test/harness/prepare.js'));
try {
  await prepare({ chromium: true });
} catch (error) {
  console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const result = spawnSync(node, ['node_modules/mocha/bin/mocha.js', '--config', '.mocharc.e2e.json', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
