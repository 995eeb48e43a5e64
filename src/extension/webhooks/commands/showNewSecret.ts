/**
 * A new signing secret (from create or rotate) is shown by the API only once. It is stored locally
 * when possible, and ALWAYS shown once in a modal with "Copy", so a failing secret storage never
 * loses it. A storage failure is logged and named in the modal without the secret.
 */
import * as vscode from 'vscode';
import { WebhookCommandDeps } from './deps';

const COPY = vscode.l10n.t('Copy');
const CLOSE = vscode.l10n.t('Close');

/** Tries to store the secret; answers whether it was stored. Never throws, never logs the secret. */
export async function tryStoreSecret(deps: WebhookCommandDeps, webhookId: string, secret: string, previousExpireTime?: string): Promise<boolean> {
  try {
    await deps.secrets.storeSigningSecret(webhookId, secret, previousExpireTime);
    return true;
  } catch (error) {
    const why = error instanceof Error ? error.name : 'unknown error';
    deps.log.error(`Could not store the signing secret of ${webhookId} in the editor's secret storage (${why}).`);
    return false;
  }
}

/** Shows the secret once in a modal with Copy; `intro` explains it, `stored` says whether the receiver has it. */
export async function showSecretOnce(deps: WebhookCommandDeps, title: string, intro: string, secret: string, stored: boolean): Promise<void> {
  const ui = deps.ui.current;
  const where = stored
    ? vscode.l10n.t("It is also stored in this editor's secret storage, so the local receiver can verify deliveries.")
    : vscode.l10n.t(
        'It could NOT be stored in this editor\'s secret storage (see the log): copy it now; to let the local receiver verify with it, add it later with "Add Signing Secret".',
      );
  // The webhook was created (or the secret rotated) already: nothing to cancel, so Copy and Close.
  const choice = await ui.modal(title, `${intro} ${where}\n\n${secret}`, [COPY], CLOSE);
  if (choice === COPY) {
    await deps.clipboard.writeText(secret);
    await ui.info(vscode.l10n.t('Signing secret copied to the clipboard.'));
  }
}
