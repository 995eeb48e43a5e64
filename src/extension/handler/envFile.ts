/**
 * "Write to .env" after Create Webhook and Rotate Signing Secret (the composition root hooks it into
 * both): GEMINI_WEBHOOK_SECRET in the workspace folder's `.env` becomes the webhook's live secrets —
 * the new one and, during a rotation's grace window, the previous one, so the handler scaffolds
 * accept deliveries signed with either — plus entries that are live secrets of other stored
 * webhooks; revoked and expired ones are dropped. `geminiWebhooks.handler.writeEnvFile` says
 * whether to ask (default), always write or never. A new file is created 0600; when git would commit
 * the file, a warning offers "Add to .gitignore". No secret reaches a message or the log: they count.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addToGitignore, gitIgnoreState, writeSecretsToEnv } from '../../core/env/envFile';
import { SECRET_VARIABLE } from '../../core/env/dotenv';
import { UiHolder } from '../platform/commandRunner';
import { SETTINGS } from '../platform/ids';
import type { NewSecretEvent } from '../platform/newSecretHook';
import { SecretStore } from '../platform/secretStore';

export type WriteEnvMode = 'ask' | 'always' | 'never';

export function writeEnvMode(): WriteEnvMode {
  const value = vscode.workspace.getConfiguration().get<string>(SETTINGS.handlerWriteEnvFile, 'ask');
  return value === 'always' || value === 'never' ? value : 'ask';
}

export class EnvSecretWriter {
  constructor(
    private readonly secrets: SecretStore,
    private readonly ui: UiHolder,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The hook: offers (or, set to always, does) the write. Never throws; failures are shown and logged. */
  readonly afterNewSecret = async (event: NewSecretEvent): Promise<void> => {
    try {
      await this.offer(event);
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${(error as NodeJS.ErrnoException).code ?? error.message}` : 'unknown error';
      this.log.error(`Could not write ${SECRET_VARIABLE} to .env for ${event.webhookId} (${why}).`);
      await this.ui.current.error(vscode.l10n.t('Could not write the signing secret to .env (see the log).'));
    }
  };

  private async offer(event: NewSecretEvent): Promise<void> {
    const mode = writeEnvMode();
    if (mode === 'never') return;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length === 0) {
      this.log.info(`No folder on disk is open: ${SECRET_VARIABLE} was not written to a .env.`);
      if (mode === 'always') await this.ui.current.warn(vscode.l10n.t('No folder is open, so the signing secret was not written to a .env file.'));
      return;
    }
    if (mode === 'ask') {
      const write = vscode.l10n.t('Write to .env');
      const always = vscode.l10n.t('Always');
      const choice = await this.ui.current.info(
        vscode.l10n.t('Write the signing secret of "{0}" to .env ({1}), for your handler?', event.label, SECRET_VARIABLE),
        write,
        always,
      );
      if (choice === always) await vscode.workspace.getConfiguration().update(SETTINGS.handlerWriteEnvFile, 'always', vscode.ConfigurationTarget.Global);
      else if (choice !== write) return;
    }
    const folder =
      folders.length === 1
        ? folders[0]
        : (
            await this.ui.current.pick(
              folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })),
              { placeHolder: vscode.l10n.t('The folder whose .env gets the signing secret') },
            )
          ).folder;
    await this.write(event, path.join(folder.uri.fsPath, '.env'));
  }

  private async write(event: NewSecretEvent, file: string): Promise<void> {
    const now = Date.now();
    const stored = await this.secrets.getSigningSecrets(event.webhookId);
    const live = stored.filter((s) => !s.expireTime || Date.parse(s.expireTime) > now).map((s) => s.secret);
    const mine = [event.secret, ...live.filter((s) => s !== event.secret)];
    const elsewhere = new Set((await this.secrets.candidates(now)).filter((c) => c.webhookId !== event.webhookId).map((c) => c.secret));
    const result = await writeSecretsToEnv(file, mine, (s) => elsewhere.has(s));
    this.log.info(
      `${result.created ? 'Created' : 'Updated'} ${file}: ${SECRET_VARIABLE} holds ${result.count} secret(s) (${mine.length} of ${event.webhookId}${result.dropped > 0 ? `; ${result.dropped} no longer live removed` : ''}${result.updated > 1 ? `; ${result.updated} lines set` : ''}).`,
    );
    const where = vscode.workspace.asRelativePath(file);
    const written =
      mine.length > 1
        ? vscode.l10n.t('Wrote the new and the previous signing secret of "{0}" to {1}.', event.label, where)
        : vscode.l10n.t('Wrote the signing secret of "{0}" to {1}.', event.label, where);
    const state = await gitIgnoreState(file);
    if (state === 'not-ignored') {
      const add = vscode.l10n.t('Add to .gitignore');
      const choice = await this.ui.current.warn(vscode.l10n.t('{0} Git does not ignore it: the secret could be committed.', written), add);
      if (choice === add) {
        const gitignore = await addToGitignore(file);
        this.log.info(`Added ${path.basename(file)} to ${gitignore}.`);
        await this.ui.current.info(vscode.l10n.t('Added .env to {0}.', vscode.workspace.asRelativePath(gitignore)));
      }
    } else if (state === 'tracked') {
      await this.ui.current.warn(vscode.l10n.t('{0} It is committed to git: remove it from the repository (git rm --cached .env) and ignore it.', written));
    } else {
      await this.ui.current.info(written);
    }
  }
}
