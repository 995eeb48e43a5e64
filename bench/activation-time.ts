/**
 * Activation in the real editor, and what it loads: packages the extension (`npm run package`: the
 * production bundles, the .vsix), then starts code-server (VS Code 1.139's server and extension host)
 * ROUNDS times, fresh each time, with the extension and a do-nothing baseline extension loaded. In each,
 * ./activation/probe.ts opens the Gemini Webhooks view as a user would and reads the extension host's
 * own activation timing (the workbench's Startup Performance document: load code, call activate,
 * finish activate) for both. Prints the medians, the ratio to the baseline, the bytes activation
 * loads (dist/extension.js; undici is apart in dist/undici.js, loaded on first use) and the .vsix size.
 * Loopback only; bounded by the harness's time limits. Prints; asserts nothing.
 *
 *   npm run bench:activation [-- ROUNDS=3]
 *   GEMINI_WEBHOOKS_BENCH_EXTENSION=<another checkout, built> …   measures that one instead (before/after)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runIntegrationTests } from '../test/harness/integration';
import { prepare } from '../test/harness/prepare';
import { median } from './load';
import { BASELINE_ID } from './activation/ids';

const ROUNDS = Math.max(1, Math.min(Number(process.argv[2] ?? 3) || 3, 10));
const ROOT = path.resolve(process.env.GEMINI_WEBHOOKS_BENCH_EXTENSION ?? path.resolve(__dirname, '../..'));
const KB = (b: number) => `${(b / 1024).toFixed(0)} KB`;

interface Timing {
  loadCode: number;
  callActivate: number;
  finishActivate: number;
  event: string;
}
interface Probe {
  extension: Timing;
  baseline: Timing;
  undiciAtActivation: boolean;
  undiciLoadMs?: number;
  mainBytes: number;
  undiciBytes: number;
}

/** A do-nothing extension: the host's own floor for loading and activating one. */
function baselineExtension(dir: string): string {
  const [publisher, name] = BASELINE_ID.split('.');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, publisher, version: '0.0.1', engines: { vscode: '^1.100.0' }, main: './main.js', activationEvents: [] }),
  );
  fs.writeFileSync(path.join(dir, 'main.js'), 'exports.activate = () => ({});\n');
  return dir;
}

async function main(): Promise<void> {
  const vsix = path.join(fs.mkdtempSync(path.join(tmpdir(), 'gw-activation-')), 'bench.vsix');
  const packaged = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), '--out', vsix], { cwd: ROOT, encoding: 'utf8' });
  if (packaged.status !== 0) throw new Error(`npm run package failed:\n${packaged.stdout}\n${packaged.stderr}`);
  const vsixBytes = fs.statSync(vsix).size;
  const baseline = baselineExtension(path.join(path.dirname(vsix), 'baseline'));
  const toolchain = await prepare({ chromium: true });
  const probes: Probe[] = [];
  console.log(`activation in code-server (VS Code's extension host, Node 24), ${ROUNDS} fresh runs; the view opened as a user opens it`);
  for (let round = 1; round <= ROUNDS; round++) {
    const lines: string[] = [];
    const result = await runIntegrationTests({
      toolchain,
      extensionDevelopmentPath: ROOT,
      extensions: [baseline],
      extensionTestsPath: path.join(__dirname, 'activation/probe'),
      settings: { 'geminiWebhooks.backend': 'emulator' },
      timeoutMs: 180_000,
      print: (line) => lines.push(line),
    });
    const line = lines.find((l) => l.startsWith('ACTIVATION '));
    if (result.exitCode !== 0 || !line)
      throw new Error(
        `round ${round}: the probe failed:\n${lines
          .filter((l) => !/^\s+at /.test(l))
          .slice(-40)
          .join('\n')}`,
      );
    const p = JSON.parse(line.slice('ACTIVATION '.length)) as Probe;
    probes.push(p);
    const t = (x: Timing) => `load code ${x.loadCode} ms + call activate ${x.callActivate} ms (finished ${x.finishActivate} ms)`;
    console.log(`  ${round}. extension: ${t(p.extension)} [${p.extension.event}]   baseline: ${t(p.baseline)}`);
  }
  fs.rmSync(path.dirname(vsix), { recursive: true, force: true });
  const sync = (x: Timing) => x.loadCode + x.callActivate;
  const ext = median(probes.map((p) => sync(p.extension)));
  const base = median(probes.map((p) => sync(p.baseline)));
  const finish = median(probes.map((p) => p.extension.finishActivate));
  const p0 = probes[0];
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `  activation (load code + call activate, as Running Extensions shows it): median ${ext} ms vs the baseline extension's ${base} ms ` +
      `(${(ext / Math.max(1, base)).toFixed(1)}x; aim < 50 ms: ${met(ext < 50)}); activate()'s promise settled after ${finish} ms (it awaits SecretStorage)`,
  );
  console.log(
    `  what activation loads: dist/extension.js ${KB(p0.mainBytes)} (aim < 400 KB: ${met(p0.mainBytes < 400 * 1024)}); ` +
      (p0.undiciBytes === 0
        ? 'undici is inside it (no dist/undici.js)'
        : `dist/undici.js ${KB(p0.undiciBytes)} loaded at activation: ${probes.some((p) => p.undiciAtActivation) ? 'YES' : 'no'}`) +
      (p0.undiciLoadMs !== undefined
        ? ` (loading it in the same host takes ${median(probes.map((p) => p.undiciLoadMs ?? 0)).toFixed(0)} ms, paid at the first API call)`
        : ''),
  );
  console.log(`  .vsix ${KB(vsixBytes)} (aim < 600 KB: ${met(vsixBytes < 600 * 1024)})`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
