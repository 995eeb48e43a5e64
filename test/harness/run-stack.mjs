// `npm run test:stack`: the mocha suites in out/test/stack/**/*.test.js — the generated handlers run
// in their real frameworks and servers (next build/start, tsx, gunicorn, uvicorn workers) and the
// fleet tests against a real redis-server. Installs the Debian packages they need when missing (as
// root; else says which), then runs mocha on this Node. Builds and compiles first unless
// GEMINI_WEBHOOKS_SKIP_BUILD=1 (scripts/test.mjs already did).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);
if (process.env.GEMINI_WEBHOOKS_SKIP_BUILD !== '1') {
  for (const args of [['scripts/build.mjs'], ['node_modules/typescript/bin/tsc', '-p', '.']]) {
    if (spawnSync(process.execPath, args, { stdio: 'inherit' }).status !== 0) {
      console.error(`test:stack: "node ${args.join(' ')}" failed`);
      process.exit(1);
    }
  }
}
const require = createRequire(import.meta.url);
const { ensureAptPackages, PrepareError } = require(path.join(root, 'out/test/harness/prepare.js'));
const { STACK_APT_PACKAGES } = require(path.join(root, 'out/test/stack/harness/packages.js'));
try {
  ensureAptPackages(STACK_APT_PACKAGES, (line) => process.stderr.write(`[prepare] ${line}\n`));
} catch (error) {
  console.error(`test:stack: ${error instanceof PrepareError ? error.message : error}`);
  process.exit(1);
}
const mocha = spawnSync(process.execPath, ['node_modules/mocha/bin/mocha.js', '--config', '.mocharc.stack.json', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(mocha.status ?? 1);
