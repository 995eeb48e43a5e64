import * as esbuild from 'esbuild';
const lazyApart = { name: 'lazy-apart', setup(build) {
  build.onResolve({ filter: /\/core\/(probe|scaffold)\/index\.js$/ }, (args) => args.kind === 'dynamic-import' ? { path: `./${args.path.match(/(probe|scaffold)\/index\.js$/)[1]}.js`, external: true } : undefined);
  build.onResolve({ filter: /\/undiciParts$/ }, () => ({ path: './undici.js', external: true }));
}};
const vscodeOnce = { name: 'vscode-once', setup(build) {
  build.onResolve({ filter: /^vscode$/ }, (args) => args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' });
  build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
}};
await esbuild.build({ entryPoints: ['src/extension/extension.ts'], bundle: true, minify: process.argv[2] === 'min', platform: 'node', format: 'cjs', target: 'node20', supported: { 'dynamic-import': false }, external: ['vscode'], plugins: [vscodeOnce, lazyApart], outfile: '/tmp/perf/dist/extension.js', legalComments: 'none' });
