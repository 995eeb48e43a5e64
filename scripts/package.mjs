// `npm run package`: production build, then `vsce package --no-dependencies` (esbuild already bundled
// the runtime dependencies into dist/). Fails when the .vsix is 1 MB or more or holds anything but
// dist/, media/, the manifest, its strings, README, CHANGELOG and LICENSE; lists what it holds.
// Usage: node scripts/package.mjs [--out <file.vsix>] [--json <file>]   (--json: writes { bytes, entries: [{ name, size, compressed }] })
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const outIndex = process.argv.indexOf('--out');
const vsix = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : `${manifest.name}-${manifest.version}.vsix`);
const jsonIndex = process.argv.indexOf('--json');
const LIMIT = 1024 * 1024;
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package(\.nls)?\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/LICENSE(\.txt|\.md)?$/i,
  /^extension\/dist\/(webview\/)?[\w.-]+\.(js|css)$/,
  /^extension\/media\/.+/,
  /^extension\/l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
];

function step(label, command, args) {
  console.log(`package: ${label}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`package: ${label} failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

/** Reads a zip's central directory: [{ name, size, compressed }] (enough to list a .vsix, no extraction). */
function zipEntries(file) {
  const buffer = fs.readFileSync(file);
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const compressed = buffer.readUInt32LE(offset + 20);
    const size = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extra = buffer.readUInt16LE(offset + 30) + buffer.readUInt16LE(offset + 32);
    entries.push({ name: buffer.toString('utf8', offset + 46, offset + 46 + nameLength), size, compressed });
    offset += 46 + nameLength + extra;
  }
  return entries;
}

step('production build (node scripts/build.mjs --production)', process.execPath, ['scripts/build.mjs', '--production']);
step(`vsce package --no-dependencies → ${path.relative(root, vsix) || vsix}`, process.execPath, [
  'node_modules/@vscode/vsce/vsce',
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--out',
  vsix,
]);

const size = fs.statSync(vsix).size;
const entries = zipEntries(vsix);
console.log(`package: ${path.basename(vsix)} holds ${entries.length} files, ${(size / 1024).toFixed(1)} KB:`);
for (const entry of entries) console.log(`  ${entry.name}  (${entry.size} B, ${entry.compressed} B compressed)`);
if (jsonIndex > 0) fs.writeFileSync(process.argv[jsonIndex + 1], JSON.stringify({ bytes: size, entries }));
const unexpected = entries.filter((entry) => !entry.name.endsWith('/') && !ALLOWED.some((re) => re.test(entry.name)));
let failed = false;
if (unexpected.length > 0) {
  console.error(`package: unexpected files in the .vsix (fix .vscodeignore): ${unexpected.map((e) => e.name).join(', ')}`);
  failed = true;
}
if (!entries.some((entry) => entry.name === 'extension/dist/extension.js')) {
  console.error('package: the .vsix has no extension/dist/extension.js');
  failed = true;
}
// The bundles the extension loads on first use (scripts/build.mjs): one left out breaks its feature only when used.
const missing = fs
  .readdirSync('dist')
  .filter((file) => file.endsWith('.js') && file !== 'cli.js' && !entries.some((entry) => entry.name === `extension/dist/${file}`));
if (missing.length > 0) {
  console.error(`package: dist/${missing.join(', dist/')} not in the .vsix (list it in .vscodeignore)`);
  failed = true;
}
if (!entries.some((entry) => entry.name === 'extension/l10n/bundle.l10n.json')) {
  console.error('package: the .vsix has no extension/l10n/bundle.l10n.json (the runtime strings)');
  failed = true;
}
if (size >= LIMIT) {
  console.error(`package: ${path.basename(vsix)} is ${size} bytes, over the 1 MB limit`);
  failed = true;
}
if (failed) process.exit(1);
console.log(`package: ok, ${vsix}`);
