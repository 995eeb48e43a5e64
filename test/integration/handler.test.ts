/**
 * The handler feature in the real editor: Check My Handler's command flow (scripted prompts) against
 * loopback handlers, the scorecard panel opening and rendering the report, dynamic checks against the
 * session's key server, an unreachable URL, the receiver's own URL refused; the .env write after
 * Create and Rotate (0600, new + previous during the grace window, Add to .gitignore); Create Webhook
 * Handler writing a scaffold and its requirements.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startReceiver } from '../../src/core/receiver';
import type { ExtensionApi } from '../../src/extension/extension';
import type { ScriptedAnswer } from '../../src/extension/platform/scriptedUi';
import { startHandler } from '../unit/probe/handlers';
import { activateApi, input, modal, pickLabel, pickMany, script, unique, until } from './webhooksHelpers';

const message = (action: string | undefined): ScriptedAnswer => ({ kind: 'message', action });
const confirm = (accept: boolean): ScriptedAnswer => ({ kind: 'confirm', accept });

function newSecret(): string {
  return `whsec_${Buffer.from(Array.from({ length: 24 }, () => Math.floor(Math.random() * 256))).toString('base64')}`;
}

describe('handler: Check My Handler, the scorecard, .env and scaffolds', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const secret = newSecret();
  const label = unique('probe-secret');

  before(async () => {
    api = await activateApi();
    await api.secrets.addManualSecret(label, secret);
  });
  after(async () => {
    await api.secrets.removeManualSecret(label);
    api.handler.scorecard.close();
  });

  /** Resolves with the page's next `rendered` message. */
  const rendered = () =>
    new Promise<{ checks: number; failed: number; causes: readonly string[] }>((resolve) => {
      const sub = api.handler.scorecard.onDidReceiveMessage((m) => {
        if (m.type === 'rendered') {
          sub.dispose();
          resolve({ checks: m.checks, failed: m.failed, causes: m.causes });
        }
      });
    });

  it('grades a correct loopback handler: every static check passes, the scorecard opens and renders, the receiver records nothing', async () => {
    const handler = await startHandler([secret]);
    await api.receiver.start();
    const before = api.receiver.history?.count ?? -1;
    try {
      const ui = script(api, input(handler.url), pickLabel(label), pickLabel('Static deliveries'));
      const page = rendered();
      await vscode.commands.executeCommand('geminiWebhooks.checkHandler');
      assert.equal(ui.pending, 0, JSON.stringify(ui.shown));
      assert.ok(api.handler.scorecard.isOpen, 'the scorecard panel is open');
      const report = api.handler.scorecard.last?.report;
      assert.ok(report);
      assert.deepEqual([report.passed, report.failed], [24, 0]);
      assert.deepEqual(await page, { checks: 24, failed: 0, causes: [] });
      assert.equal(api.handler.scorecard.last?.target.url, handler.url);
      assert.match(api.handler.scorecard.last?.target.secretLabel ?? '', new RegExp(label));
      assert.ok(handler.requests >= 24);
      assert.equal(api.receiver.history?.count, before, "the probe's requests are not in the receiver's history");
      assert.ok(!ui.shown.some((p) => p.kind === 'error'), JSON.stringify(ui.shown));
    } finally {
      await api.receiver.stop();
      await handler.close();
    }
  });

  it('a broken handler: the scorecard shows exactly its failed check; the URL prefilled is the last one', async () => {
    const handler = await startHandler([secret], { rejectDuplicates: true });
    try {
      const ui = script(api, input(handler.url), pickLabel(label), pickLabel('Static deliveries'));
      const page = rendered();
      await vscode.commands.executeCommand('geminiWebhooks.checkHandler');
      assert.deepEqual(await page, { checks: 24, failed: 1, causes: [] });
      const failed = api.handler.scorecard.last?.report.checks.filter((c) => !c.ok) ?? [];
      assert.deepEqual(
        failed.map((c) => [c.name, c.status]),
        [['duplicate', 409]],
      );
      assert.ok(failed[0].why && failed[0].fix);
      assert.equal(ui.shown[0].kind, 'input');

      // The page's buttons: Copy as JSON puts { url, passed, failed, checks } on the clipboard; Re-run grades again.
      const receive = (m: unknown) => (api.handler.scorecard as unknown as { receive(m: unknown): void }).receive(m);
      await vscode.env.clipboard.writeText('');
      receive({ type: 'copyJson' });
      await until(async () => (await vscode.env.clipboard.readText()).startsWith('{'), 'the report on the clipboard');
      const json = JSON.parse(await vscode.env.clipboard.readText()) as {
        url: string;
        passed: number;
        failed: number;
        checks: Array<{ name: string; ok: boolean }>;
      };
      assert.deepEqual([json.url, json.passed, json.failed], [handler.url, 23, 1]);
      assert.deepEqual(
        json.checks.filter((c) => !c.ok).map((c) => c.name),
        ['duplicate'],
      );
      const before = handler.requests;
      const again = rendered();
      receive({ type: 'rerun' });
      assert.deepEqual(await again, { checks: 24, failed: 1, causes: [] });
      assert.ok(handler.requests >= before + 24, 'Re-run sent the checks again');
    } finally {
      await handler.close();
    }
  });

  it("dynamic deliveries: the session's key server signs them, this project's receiver (pointed at it) passes all 32", async () => {
    const { url: jwksUri } = await api.handler.session.ensureKeyServer();
    assert.match(jwksUri, /^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json$/);
    const app = await startReceiver({ port: 0, path: '/gemini-callback', secrets: () => [{ secret, label: 'app' }], jwksUri });
    try {
      script(api, input(app.url), pickLabel(label), pickLabel('Static and dynamic deliveries'));
      const page = rendered();
      await vscode.commands.executeCommand('geminiWebhooks.checkHandler');
      assert.deepEqual(await page, { checks: 32, failed: 0, causes: [] });
      assert.equal(api.handler.scorecard.last?.report.dynamic?.jwksUri, jwksUri);
    } finally {
      await app.close();
    }
  });

  it("a handler with another webhook's secret: one summary line names the webhook whose secret was used; the 16 checks are marked, not given 16 whys", async () => {
    const name = unique('probe-wrong-secret');
    const created = script(api, input(name), input('http://127.0.0.1:9/gemini-callback'), pickMany('batch.succeeded'), modal(undefined), message(undefined));
    await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
    assert.equal(created.pending, 0, JSON.stringify(created.shown.map((p) => p.message)));
    await api.webhooksTree.settled();
    const webhook = api.webhooksTree.loaded.find((w) => w.name === name);
    assert.ok(webhook);
    const handler = await startHandler([newSecret()]);
    try {
      const ui = script(api, input(handler.url), pickLabel(name), pickLabel('Static deliveries'));
      const page = rendered();
      await vscode.commands.executeCommand('geminiWebhooks.checkHandler');
      assert.equal(ui.pending, 0, JSON.stringify(ui.shown));
      const summary = `The handler does not use the secret of "${name}": it refused all 16 deliveries signed with it (401).`;
      assert.deepEqual(await page, { checks: 24, failed: 16, causes: [summary] }, 'the page shows the one summary line');
      const report = api.handler.scorecard.last?.report;
      assert.ok(report);
      assert.equal(report.causes.length, 1);
      assert.deepEqual(
        report.checks.filter((c) => !c.ok).map((c) => c.cause),
        Array.from({ length: 16 }, () => 'secret-refused'),
      );
      // The editor's words for dynamic checks, not the CLI's flag.
      assert.deepEqual(report.notes, ['dynamic checks not run (ask for them in Check My Handler: "Static and dynamic deliveries")']);
      assert.equal(api.handler.scorecard.last?.target.secretLabel, `the secret of "${name}"`);
    } finally {
      await handler.close();
      await (await api.backend.client()).delete(webhook.id);
    }
  });

  it("an unreachable URL is an error with the reason, and the receiver's own URL is refused", async () => {
    const handler = await startHandler([secret]);
    const closed = handler.url;
    await handler.close();
    const ui = script(api, input(closed), pickLabel(label), pickLabel('Static deliveries'), message(undefined));
    await vscode.commands.executeCommand('geminiWebhooks.checkHandler');
    const error = ui.shown.find((p) => p.kind === 'error');
    assert.ok(error, JSON.stringify(ui.shown));
    assert.match(error.message, /^Cannot reach http:\/\/127\.0\.0\.1:\d+\/gemini-callback: connection refused: nothing listens/);
    assert.deepEqual(error.items, ['Retry']);

    await api.receiver.start();
    try {
      const refused = script(api, input(api.receiver.url!));
      await vscode.commands.executeCommand('geminiWebhooks.checkHandler');
      assert.match(refused.shown[0].validation ?? '', /this editor's own receiver/);
    } finally {
      await api.receiver.stop();
    }
  });

  describe('.env after Create and Rotate, and Create Webhook Handler', () => {
    let folder: string;
    const cleanup = () => {
      for (const name of ['.env', '.gitignore', '.git', 'gemini_webhook.py', 'requirements.txt', 'pyproject.toml', 'uv.lock'])
        fs.rmSync(path.join(folder, name), { recursive: true, force: true });
    };
    const git = () => vscode.workspace.getConfiguration('git');
    before(async () => {
      const first = vscode.workspace.workspaceFolders?.[0];
      assert.ok(first, 'the test workbench opens a folder');
      folder = first.uri.fsPath;
      cleanup();
      // The editor's own git extension need not watch the throwaway repository.
      await git().update('enabled', false, vscode.ConfigurationTarget.Global);
      execFileSync('git', ['init', '-q'], { cwd: folder });
    });
    after(async () => {
      cleanup();
      await git().update('enabled', undefined, vscode.ConfigurationTarget.Global);
    });

    it('Create → "Write to .env": a 0600 .env with the secret; git does not ignore it → "Add to .gitignore"', async () => {
      const name = unique('env-create');
      const ui = script(
        api,
        input(name),
        input('http://127.0.0.1:9/gemini-callback'),
        pickMany('batch.succeeded'),
        modal(undefined),
        message('Write to .env'),
        message('Add to .gitignore'),
      );
      await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
      assert.equal(ui.pending, 0, JSON.stringify(ui.shown.map((p) => p.message)));
      const created = (await api.webhooksTree.settled(), api.webhooksTree.loaded.find((w) => w.name === name));
      assert.ok(created);
      const [stored] = await api.secrets.getSigningSecrets(created.id);
      const env = path.join(folder, '.env');
      assert.equal(fs.readFileSync(env, 'utf8'), `GEMINI_WEBHOOK_SECRET=${stored.secret}\n`);
      assert.equal(fs.statSync(env).mode & 0o777, 0o600);
      assert.match(fs.readFileSync(path.join(folder, '.gitignore'), 'utf8'), /^\/\.env$/m);
      const warn = ui.shown.find((p) => p.kind === 'warn');
      assert.match(warn?.message ?? '', /Git does not ignore it/);
      assert.ok(
        ui.shown.every((p) => p.kind === 'modal' || !`${p.message}${p.detail ?? ''}`.includes(stored.secret)),
        'only the modal shows the secret',
      );

      // Rotate with the 24-hour grace window: the .env holds the new and the previous secret.
      fs.appendFileSync(env, '# keep me\r\nPORT=8000');
      const node = { webhook: created };
      const rotate = script(api, pickLabel('Revoke previous after 24 hours'), modal(undefined), message('Write to .env'));
      await vscode.commands.executeCommand('geminiWebhooks.rotateSigningSecret', node);
      assert.equal(rotate.pending, 0);
      const [current, previous] = await api.secrets.getSigningSecrets(created.id);
      assert.equal(previous.secret, stored.secret);
      assert.equal(fs.readFileSync(env, 'utf8'), `GEMINI_WEBHOOK_SECRET=${current.secret},${previous.secret}\n# keep me\r\nPORT=8000`);
      assert.match(rotate.shown.at(-1)?.message ?? '', /^Wrote the new and the previous signing secret of /);
      const client = await api.backend.client();
      await client.delete(created.id);
    });

    it('Create Webhook Handler: Flask into the folder, requirements.txt made on "Add Dependencies"; an existing file is kept unless confirmed', async () => {
      const ui = script(api, pickLabel('Flask'), message('Add Dependencies'));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhookHandler');
      assert.equal(ui.pending, 0, JSON.stringify(ui.shown));
      const file = path.join(folder, 'gemini_webhook.py');
      assert.match(fs.readFileSync(file, 'utf8'), /^# gemini_webhook\.py: a Gemini API webhook handler \(Flask\)/);
      assert.equal(fs.readFileSync(path.join(folder, 'requirements.txt'), 'utf8'), 'Flask>=2.2\nPyJWT>=2.6\ncryptography>=38\n');
      await until(() => vscode.window.activeTextEditor?.document.uri.fsPath === file, 'the handler opens');

      fs.writeFileSync(file, '# mine\n');
      const again = script(api, pickLabel('Flask'), confirm(false));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhookHandler');
      assert.equal(again.pending, 0);
      assert.equal(fs.readFileSync(file, 'utf8'), '# mine\n');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('Create Webhook Handler: a pyproject.toml project (uv) gets the uv add command to copy, never a requirements.txt', async () => {
      for (const name of ['gemini_webhook.py', 'requirements.txt']) fs.rmSync(path.join(folder, name), { force: true });
      const pyproject = '[project]\nname = "app"\ndependencies = [\n  "fastapi>=0.110",\n]\n';
      fs.writeFileSync(path.join(folder, 'pyproject.toml'), pyproject);
      fs.writeFileSync(path.join(folder, 'uv.lock'), 'version = 1\n');
      const ui = script(api, pickLabel('FastAPI'), message('Copy Command'));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhookHandler');
      assert.equal(ui.pending, 0, JSON.stringify(ui.shown));
      const command = 'uv add "uvicorn>=0.17" "PyJWT>=2.6" "cryptography>=38"';
      assert.equal(ui.shown.at(-1)?.message, `Wrote gemini_webhook.py (FastAPI). pyproject.toml lacks uvicorn, PyJWT, cryptography: run ${command}`);
      assert.equal(await vscode.env.clipboard.readText(), command);
      assert.ok(!fs.existsSync(path.join(folder, 'requirements.txt')), 'no requirements.txt beside pyproject.toml');
      assert.equal(fs.readFileSync(path.join(folder, 'pyproject.toml'), 'utf8'), pyproject, 'pyproject.toml is left to uv');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });
});
