// Bundles the extension, the CLI and (when present) the webview pages with esbuild.
// The parts of undici we use (most of the bytes) are bundled once, into dist/undici.js, which the
// extension and the CLI require only on first use (src/core/util/undici.ts): activation never loads it.
// Likewise the emulator, the receiver's server and verification, captured deliveries, the probe and the
// scaffolds (LAZY below): the extension reaches them with `import()`, which the extension's bundle turns into
// a `require` of dist/<name>.js.
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

/** `require('./undiciParts')` in the bundles becomes `require('./undici.js')`, the file built below, beside them. */
const undiciApart = {
  name: 'undici-apart',
  setup(build) {
    build.onResolve({ filter: /\/undiciParts$/ }, () => ({ path: './undici.js', external: true }));
  },
};

/**
 * The parts of the core the extension reaches only with `import('…/core/<name>/index.js')`, each a bundle
 * of its own (dist/<name>.js) loaded on first use: the embedded emulator (when it first starts: never on
 * the Gemini API), the receiver's server, verification and replay (jose, standardwebhooks: when it first
 * starts), captured deliveries, the probe and the scaffolds. What activation loads, dist/extension.js,
 * is the rest: the views, the commands, the history (bench:activation, bench:size).
 */
const LAZY = {
  emulator: 'src/core/emulator/index.ts',
  receiver: 'src/core/receiver/index.ts',
  capture: 'src/core/capture/index.ts',
  probe: 'src/core/probe/index.ts',
  scaffold: 'src/core/scaffold/index.ts',
};
const LAZY_IMPORT = new RegExp(`/core/(${Object.keys(LAZY).join('|')})/index\\.js$`);
const lazyApart = {
  name: 'lazy-apart',
  setup(build) {
    build.onResolve({ filter: LAZY_IMPORT }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./${args.path.match(LAZY_IMPORT)[1]}.js`, external: true } : undefined,
    );
  },
};

/**
 * `import * as vscode from 'vscode'` in each of the extension's ~80 modules becomes, in a CommonJS bundle,
 * `__toESM(require('vscode'))` per module: a copy of the whole API object (some 400 getters) each time,
 * most of what loading dist/extension.js cost (bench:activation). Every import of 'vscode' resolves instead
 * to one module inside the bundle that re-exports it: the API is copied once.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    plugins: [vscodeOnce, undiciApart, lazyApart],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // `import()` of the lazy bundles becomes `require()`: the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: LAZY,
    plugins: [undiciApart],
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    plugins: [undiciApart],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define: { __VERSION__: JSON.stringify(version) },
  },
  {
    ...common,
    entryPoints: { undici: 'src/core/util/undiciParts.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
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
