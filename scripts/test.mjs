// `npm test`: every tier, in order — build (esbuild), compile (tsc to out/, the type check), lint,
// unit (mocha on this Node), stack (the generated handlers in their real frameworks and servers,
// with a real redis-server), integration (mocha inside the real VS Code extension host) and e2e
// (the workbench driven in Chromium); l10n checks the runtime strings' bundle after lint. Prints each tier's counts and, last, one plain line
// "N passed, N failed" summed over all tiers. Exits non-zero when any step fails or any test tier
// ran no test. A failed check step (build, compile, lint) counts as one failure in that line.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const node = process.execPath;
const env = { ...process.env, GEMINI_WEBHOOKS_SKIP_BUILD: '1' };

const steps = [
  { name: 'build', args: ['scripts/build.mjs'], fatal: true },
  { name: 'compile', args: ['node_modules/typescript/bin/tsc', '-p', '.'], fatal: true },
  { name: 'lint', args: ['node_modules/eslint/bin/eslint.js', '.'] },
  { name: 'format', args: ['node_modules/prettier/bin/prettier.cjs', '--check', '.'] },
  { name: 'l10n', args: ['scripts/l10n.mjs', '--check'] },
  { name: 'unit', args: ['node_modules/mocha/bin/mocha.js', '--config', '.mocharc.json'], tests: true },
  { name: 'stack', args: ['test/harness/run-stack.mjs'], tests: true },
  { name: 'integration', args: ['test/harness/run-integration.mjs'], tests: true },
  { name: 'e2e', args: ['test/harness/run-e2e.mjs'], tests: true },
];

/** Runs a step, showing its output as it comes, and keeps the text to read mocha's summary. */
function runStep(step) {
  return new Promise((resolve) => {
    const child = spawn(node, step.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      text += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (error) => {
      text += String(error);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), text }));
  });
}

function lastCount(text, word) {
  const all = [...text.matchAll(new RegExp(`(\\d+) ${word}`, 'g'))];
  return all.length > 0 ? Number(all[all.length - 1][1]) : 0;
}

const results = [];
for (const step of steps) {
  console.log(`\n=== ${step.name}: node ${step.args.join(' ')}`);
  const started = Date.now();
  const { code, text } = await runStep(step);
  const seconds = (Date.now() - started) / 1000;
  const passed = step.tests ? lastCount(text, 'passing') : 0;
  let failed = step.tests ? lastCount(text, 'failing') : 0;
  const problems = [];
  if (code !== 0) problems.push(`exit ${code}`);
  if (step.tests && code === 0 && passed === 0) problems.push('ran no test');
  if (problems.length > 0 && failed === 0) failed = 1; // a broken step counts as one failure
  results.push({ name: step.name, tests: step.tests, passed, failed, seconds, problems });
  console.log(
    `=== ${step.name}: ${problems.length ? `FAILED (${problems.join(', ')})` : 'ok'}${step.tests ? `, ${passed} passing, ${failed} failing` : ''} in ${seconds.toFixed(1)} s`,
  );
  if (step.fatal && problems.length > 0) break;
}

console.log('\nsummary:');
for (const r of results) {
  const counts = r.tests ? `${r.passed} passed, ${r.failed} failed` : r.problems.length ? 'failed' : 'ok';
  console.log(`  ${r.name.padEnd(12)} ${counts}${r.problems.length ? ` (${r.problems.join(', ')})` : ''}  ${r.seconds.toFixed(1)} s`);
}
const skipped = steps.slice(results.length).map((s) => s.name);
if (skipped.length > 0) console.log(`  not run (an earlier step failed): ${skipped.join(', ')}`);
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0) + skipped.length;
const ok = results.every((r) => r.problems.length === 0) && skipped.length === 0;
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
