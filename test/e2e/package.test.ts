/**
 * The packaged extension: `npm run package` builds gemini-webhooks-<version>.vsix, code-server's
 * `--install-extension` installs it into a fresh extensions dir, and the installed extension
 * activates in the workbench (its view appears and its command runs).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathWithNode, prepare } from '../harness/prepare';
import { REPO_ROOT, openWorkbench, type Workbench } from '../harness/workbench';

describe('the packaged .vsix', function () {
  this.timeout(300_000);
  let vsix: string;
  let wb: Workbench | undefined;

  before(() => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    vsix = path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    assert.ok(fs.existsSync(vsix), `npm run package did not produce ${vsix}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('is under 1 MB', () => {
    assert.ok(fs.statSync(vsix).size < 1024 * 1024);
  });

  it('installs with code-server --install-extension and activates', async () => {
    const toolchain = await prepare({ chromium: true });
    wb = await openWorkbench({
      extensions: [],
      settings: { 'geminiWebhooks.backend': 'emulator' },
      beforeOpen: (server) => {
        const out = execFileSync(
          toolchain.codeServer,
          ['--user-data-dir', server.userDataDir, '--extensions-dir', server.extensionsDir, '--install-extension', vsix],
          { env: { ...server.env, PATH: pathWithNode(toolchain.nodeBinDir) }, encoding: 'utf8' },
        );
        assert.match(out, /successfully installed/i);
      },
    });
    const installed = fs.readdirSync(wb.server.extensionsDir).filter((name) => name.startsWith('gemini-webhooks-dev.gemini-webhooks-'));
    assert.equal(installed.length, 1, `installed folders: ${installed.join(', ')}`);
    assert.ok(!fs.lstatSync(path.join(wb.server.extensionsDir, installed[0]!)).isSymbolicLink(), 'a real install, not the dev symlink');
    await wb.openGeminiView();
    await wb.runCommand('Gemini Webhooks: Show Log');
    await wb.waitForOutput(/Gemini Webhooks activated/);
    await wb.screenshot('vsix-installed');
  });
});
