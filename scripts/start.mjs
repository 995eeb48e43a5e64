// `npm start`: build, then open an editor with the extension loaded.
//  - VS Code desktop when a `code` binary is on PATH: code --extensionDevelopmentPath=<repo> <folder>
//  - otherwise code-server (prepared into the cache on first use) in the browser: prints the URL,
//    runs until Ctrl+C and stops cleanly. Its user data persists under the cache folder.
// The editor gets GEMINI_WEBHOOKS_SAMPLE_DATA=1 (the extension seeds sample webhooks into the emulator).
// Usage: npm start [-- <folder to open>]   env: GEMINI_WEBHOOKS_PORT (fixed port), GEMINI_WEBHOOKS_NO_DESKTOP=1
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const folder = path.resolve(process.argv[2] ?? root);
const editorEnv = { GEMINI_WEBHOOKS_SAMPLE_DATA: '1' };

function run(label, args) {
  console.log(`start: ${label}`);
  return spawnSync(process.execPath, args, { stdio: 'inherit' }).status === 0;
}

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}

if (!run('build (esbuild)', ['scripts/build.mjs'])) process.exit(1);

if (onPath('code') && process.env.GEMINI_WEBHOOKS_NO_DESKTOP !== '1') {
  console.log(`start: opening VS Code desktop with --extensionDevelopmentPath=${root}`);
  const child = spawn('code', [`--extensionDevelopmentPath=${root}`, folder], { stdio: 'inherit', env: { ...process.env, ...editorEnv } });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  // The code-server launcher is TypeScript under test/harness/: compile it (tsc writes out/ even
  // when some other file has a type error; the launcher only needs its own output).
  if (!run('compile the harness (tsc)', ['node_modules/typescript/bin/tsc', '-p', '.'])) {
    console.warn('start: tsc reported errors (see above); going on with the compiled harness');
  }
  const require = createRequire(import.meta.url);
  const { prepare } = require(path.join(root, 'out/test/harness/prepare.js'));
  const { startCodeServer } = require(path.join(root, 'out/test/harness/codeServer.js'));
  try {
    const toolchain = await prepare({ chromium: false });
    const state = path.join(toolchain.cacheDir, 'start');
    const server = await startCodeServer({
      toolchain,
      userDataDir: path.join(state, 'user-data'),
      extensionsDir: path.join(state, 'extensions'),
      extensions: [root],
      env: editorEnv,
      timeoutSeconds: 0,
      output: 'file',
      port: process.env.GEMINI_WEBHOOKS_PORT ? Number(process.env.GEMINI_WEBHOOKS_PORT) : undefined,
    });
    console.log(`\nstart: VS Code (code-server) is running with the extension loaded. Open:\n\n  ${server.url(folder)}\n`);
    console.log(`start: server log ${path.join(server.runDir, 'code-server.log')}; user data ${path.join(state, 'user-data')}`);
    console.log('start: press Ctrl+C to stop.');
    // Runs until Ctrl+C: the harness then stops the server's whole process group (SIGINT/SIGTERM).
    let interrupted = false;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
      process.on(signal, () => {
        interrupted = true;
      });
    await server.exited;
    if (interrupted) {
      console.log('start: stopped.');
      await new Promise(() => undefined); // the harness exits once the server's folder is cleaned up
    }
    const log = fs.readFileSync(path.join(server.runDir, 'code-server.log'), 'utf8').split('\n').slice(-30).join('\n');
    console.error(`start: code-server stopped on its own. Its last lines:\n${log}`);
    process.exit(1);
  } catch (error) {
    console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
