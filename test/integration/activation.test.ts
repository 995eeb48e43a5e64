import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/extension';

const EXTENSION_ID = 'gemini-webhooks-dev.gemini-webhooks';

interface Manifest {
  contributes: { commands: { command: string }[] };
}

describe('extension activation', () => {
  let api: ExtensionApi;
  let extension: vscode.Extension<ExtensionApi>;

  before(async () => {
    const found = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
    api = await extension.activate();
  });

  it('activates and returns its API', () => {
    assert.equal(extension.isActive, true);
    assert.ok(api.log, 'the API exposes the log channel');
  });

  it('registers every command contributed in package.json', async () => {
    const manifest = extension.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('runs the Show Log command and keeps a "Gemini Webhooks" log channel', async () => {
    await vscode.commands.executeCommand('geminiWebhooks.showLog');
    assert.equal(api.log.name, 'Gemini Webhooks');
    assert.equal(typeof api.log.logLevel, 'number');
    api.log.info('integration test: the log channel accepts lines');
  });

  it('runs in the test environment the harness passes to the extension host', () => {
    assert.equal(process.env.GEMINI_WEBHOOKS_TEST, '1');
  });
});
