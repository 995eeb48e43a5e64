/**
 * What a user downloads and what activation loads: packages the extension (`npm run package`: the
 * production bundles, the .vsix) and prints the .vsix's size against its aim, and each part of it —
 * the bundle activation loads (dist/extension.js), the bundles loaded on first use, the webview
 * scripts, media, the manifest and strings, README and CHANGELOG — raw and as compressed in the .vsix.
 * Sizes are the same on every machine: no baseline, no load average. Prints; asserts nothing (scripts/
 * package.mjs fails only past 1 MB).
 *
 *   npm run bench:size
 *   GEMINI_WEBHOOKS_BENCH_EXTENSION=<another checkout> …   measures that one instead (before/after)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The .vsix a user downloads. */
export const VSIX_AIM_BYTES = 600 * 1024;
/** The bundle activation loads and compiles (bench:activation measures its time). */
export const ACTIVATION_BUNDLE_AIM_BYTES = 250 * 1024;

export interface VsixEntry {
  readonly name: string;
  readonly size: number;
  readonly compressed: number;
}

export interface PackageFigures {
  /** The .vsix's size in bytes. */
  readonly bytes: number;
  readonly entries: readonly VsixEntry[];
}

export const KB = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** Runs scripts/package.mjs of `root` into a temporary folder and reads what the .vsix holds. */
export function packageExtension(root: string): PackageFigures {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'gw-package-'));
  try {
    const json = path.join(dir, 'entries.json');
    const packaged = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), '--out', path.join(dir, 'bench.vsix'), '--json', json], {
      cwd: root,
      encoding: 'utf8',
    });
    if (packaged.status !== 0) throw new Error(`npm run package failed:\n${packaged.stdout}\n${packaged.stderr}`);
    // A checkout older than package.mjs --json (a before/after run): the size alone.
    if (!fs.existsSync(json)) return { bytes: fs.statSync(path.join(dir, 'bench.vsix')).size, entries: [] };
    return JSON.parse(fs.readFileSync(json, 'utf8')) as PackageFigures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The .vsix against its aim, with the activation bundle's size: one line. */
export function vsixLine(figures: PackageFigures): string {
  const main = figures.entries.find((e) => e.name === 'extension/dist/extension.js');
  if (!main) return `.vsix ${KB(figures.bytes)} (aim < ${KB(VSIX_AIM_BYTES)}: ${met(figures.bytes < VSIX_AIM_BYTES)})`;
  return (
    `.vsix ${KB(figures.bytes)} (aim < ${KB(VSIX_AIM_BYTES)}: ${met(figures.bytes < VSIX_AIM_BYTES)}, ${KB(VSIX_AIM_BYTES - figures.bytes)} to spare); ` +
    `dist/extension.js, what activation loads, ${KB(main.size)} (aim < ${KB(ACTIVATION_BUNDLE_AIM_BYTES)}: ${met(main.size < ACTIVATION_BUNDLE_AIM_BYTES)})`
  );
}

/** Which part of the extension an entry of the .vsix is. */
function part(name: string): string {
  const file = name.replace(/^extension\//, '');
  if (file === 'dist/extension.js') return 'loaded at activation';
  if (/^dist\/webview\//.test(file)) return 'webview pages';
  if (/^dist\//.test(file)) return 'loaded on first use';
  if (/^media\/screenshot-/.test(file)) return 'README screenshots';
  if (/^media\//.test(file)) return 'media (icons, styles, walkthrough)';
  if (/^(readme|changelog)\.md$/i.test(file) || /^LICENSE/.test(file)) return 'README, CHANGELOG, LICENSE';
  return 'manifest, strings, zip records';
}

function main(): void {
  const root = path.resolve(process.env.GEMINI_WEBHOOKS_BENCH_EXTENSION ?? path.resolve(__dirname, '../..'));
  const figures = packageExtension(root);
  console.log(`package size (npm run package in ${root})`);
  console.log(`  ${vsixLine(figures)}`);
  const files = figures.entries.filter((e) => !e.name.endsWith('/'));
  const groups = new Map<string, VsixEntry[]>();
  for (const entry of files) groups.set(part(entry.name), [...(groups.get(part(entry.name)) ?? []), entry]);
  const order = [
    'loaded at activation',
    'loaded on first use',
    'webview pages',
    'README screenshots',
    'media (icons, styles, walkthrough)',
    'README, CHANGELOG, LICENSE',
    'manifest, strings, zip records',
  ];
  const counted = files.reduce((sum, e) => sum + e.compressed, 0);
  for (const name of order) {
    const entries = groups.get(name) ?? [];
    const compressed = entries.reduce((sum, e) => sum + e.compressed, 0) + (name === 'manifest, strings, zip records' ? figures.bytes - counted : 0);
    console.log(`  ${name.padEnd(36)} ${KB(compressed).padStart(9)} in the .vsix`);
    for (const e of [...entries].sort((a, b) => b.size - a.size))
      console.log(`      ${e.name.replace(/^extension\//, '').padEnd(40)} ${KB(e.size).padStart(9)} raw, ${KB(e.compressed).padStart(9)} compressed`);
  }
}

if (require.main === module) main();
