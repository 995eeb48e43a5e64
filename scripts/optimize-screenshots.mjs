// Shrinks the README screenshots (media/screenshot-*.png) in place: pngquant to a 256-colour palette at
// quality 85–100 (UI screenshots: flat colours, text; the result looks the same), then zopflipng
// (lossless). Run it after copying new screenshots in (GEMINI_WEBHOOKS_UPDATE_SCREENSHOTS=1): they ship in
// the .vsix, whose size `npm run bench:size` prints against its aim. Needs Debian's pngquant and zopfli.
// Usage: node scripts/optimize-screenshots.mjs [files…]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : fs
        .readdirSync('media')
        .filter((f) => /^screenshot-.*\.png$/.test(f))
        .map((f) => path.join('media', f));
for (const tool of ['pngquant', 'zopflipng']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`optimize-screenshots: ${tool} is not installed (apt-get install pngquant zopfli)`);
    process.exit(1);
  }
}
for (const file of files) {
  const before = fs.statSync(file).size;
  const quantized = `${file}.quantized.png`;
  // Exit 99: the quality floor could not be kept; then only the lossless step runs.
  const q = spawnSync('pngquant', ['--quality=85-100', '--speed', '1', '--strip', '--force', '--output', quantized, file], { stdio: 'inherit' });
  const source = q.status === 0 ? quantized : file;
  const z = spawnSync('zopflipng', ['-y', source, `${file}.zopfli.png`], { stdio: 'ignore' });
  fs.rmSync(quantized, { force: true });
  if (z.status !== 0) {
    console.error(`optimize-screenshots: zopflipng failed on ${file}`);
    process.exit(1);
  }
  const after = fs.statSync(`${file}.zopfli.png`).size;
  if (after < before) fs.renameSync(`${file}.zopfli.png`, file);
  else fs.rmSync(`${file}.zopfli.png`);
  console.log(`${file}: ${(before / 1024).toFixed(1)} KB → ${(Math.min(after, before) / 1024).toFixed(1)} KB`);
}
