/** The CLI as users run it: the same esbuild bundle scripts/build.mjs makes as dist/cli.js (package.json "bin"), built fresh into `dir`. */
import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');

export async function buildCliBundle(dir: string): Promise<string> {
  const cli = path.join(dir, 'cli.js');
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  return cli;
}
