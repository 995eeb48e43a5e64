import * as esbuild from 'esbuild';
import fs from 'node:fs';
// Re-run the extension build from scripts/build.mjs with a metafile: import its options by evaluating a copy.
const src = fs.readFileSync('scripts/build.mjs', 'utf8').replace(/\nif \(watch\)[\s\S]*$/, '\nexport { builds };\n');
fs.writeFileSync('.perf-build.mjs', src);
const { builds } = await import('./.perf-build.mjs');
const which = process.argv[2] || 'dist/extension.js';
const opts = builds.find((b) => b.outfile === which) ?? builds.find((b) => b.outdir && which.startsWith('dist/'));
const r = await esbuild.build({ ...opts, minify: true, sourcemap: false, metafile: true, write: false });
for (const [out, o] of Object.entries(r.metafile.outputs)) {
  if (!out.endsWith('.js') || (process.argv[2] && !out.endsWith(which.split('/').pop()))) continue;
  console.log('==', out, o.bytes);
  const by = {};
  for (const [f, v] of Object.entries(o.inputs)) { const k = f.startsWith('node_modules') ? f.split('/').slice(0, f.includes('@') ? 3 : 2).join('/') : f.split('/').slice(0, 3).join('/'); by[k] = (by[k] || 0) + v.bytesInOutput; }
  console.log(Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, +(process.argv[3] || 15)).map(([k, v]) => `${(v / 1024).toFixed(1).padStart(7)} ${k}`).join('\n'));
}
fs.rmSync('.perf-build.mjs');
