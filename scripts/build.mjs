// Bundles the extension, the CLI and (when present) the webview pages with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define: { __VERSION__: JSON.stringify(version) },
  },
];
// Webview pages: every src/webview/<name>/main.ts becomes dist/webview/<name>.js (browser, IIFE).
if (fs.existsSync('src/webview')) {
  for (const name of fs.readdirSync('src/webview')) {
    const entry = `src/webview/${name}/main.ts`;
    if (fs.existsSync(entry)) {
      builds.push({ ...common, entryPoints: [entry], outfile: `dist/webview/${name}.js`, platform: 'browser', format: 'iife', target: 'es2022' });
    }
  }
}

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  fs.chmodSync('dist/cli.js', 0o755);
}
