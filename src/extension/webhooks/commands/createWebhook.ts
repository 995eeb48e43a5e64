/**
 * Create Webhook: name, uri (validated; while the receiver runs, its URL filled in: the local one on
 * the emulator, the public one on the Gemini API), events (multi-select of the catalog) — three steps
 * in one quick input, so the focus stays in it from the first to the last (see PromptFlow). On the
 * Gemini API a loopback or private URI is questioned before anything is created. The new signing
 * secret is stored under the webhook's id when the secret storage allows it, and always shown once
 * in a modal with "Copy".
 */
import * as vscode from 'vscode';
import type { ReceiverUrls } from '../../../core/tunnel/publicUrl';
import { SETTINGS } from '../../platform/ids';
import { publicUrlSettingProblem, publicUrlSourceLabel } from '../../platform/publicUrlSource';
import { UserCancelledError } from '../../platform/userInterface';
import { WebhookCommandDeps, pickEvents, validateWebhookUri, withApiProgress } from './deps';
import { showSecretOnce, tryStoreSecret } from './showNewSecret';
import { confirmReachable } from './unreachableUri';
import { webhookLabel } from '../tree/webhookPresentation';

export function createWebhook(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    const ui = deps.ui.current;
    const onEmulator = deps.backend.kind === 'emulator';
    // Looked up while the name is typed (the ngrok lookup and the editor's forwarding take a moment).
    const receiverUrls = deps.receiverUrls?.().catch(() => undefined);
    const flow = ui.flow();
    let created;
    try {
      const name = (
        await flow.input({
          title: vscode.l10n.t('Create Webhook (1/3)'),
          prompt: vscode.l10n.t('A name for the webhook (optional)'),
          placeHolder: vscode.l10n.t('e.g. Batch results'),
        })
      ).trim();
      const urls = await receiverUrls;
      const problem = onEmulator ? undefined : publicUrlSettingProblem(urls);
      if (problem) void ui.warn(problem);
      // The Gemini API cannot reach a loopback receiver: the local URL only on the emulator, the public one on the API.
      const receiverUrl = onEmulator ? urls?.local : urls?.public?.url;
      const uri = (
        await flow.input({
          title: vscode.l10n.t('Create Webhook (2/3)'),
          prompt: uriPrompt(onEmulator, urls),
          placeHolder: 'https://example.com/webhooks',
          ...(receiverUrl ? { value: receiverUrl } : {}),
          validateInput: validateWebhookUri,
        })
      ).trim();
      const events = await pickEvents(deps, [], vscode.l10n.t('Create Webhook (3/3)'), flow);
      if (!onEmulator && !(await confirmReachable(deps, uri, vscode.l10n.t('Create Anyway'), () => flow.close()))) throw new UserCancelledError();
      flow.busy();
      created = await withApiProgress(
        vscode.l10n.t('Creating webhook…'),
        (client, signal) => client.create({ name, uri, subscribed_events: events }, { signal }),
        deps,
      );
    } finally {
      flow.close();
    }
    const { webhook, newSigningSecret } = created;
    const label = webhookLabel(webhook);
    deps.log.info(`Created webhook ${webhook.id}.`);
    if (!newSigningSecret) {
      await deps.tree.refresh();
      await ui.warn(vscode.l10n.t('Webhook "{0}" was created, but the API did not show its signing secret.', label));
      return;
    }
    const stored = await tryStoreSecret(deps, webhook.id, newSigningSecret);
    await deps.tree.refresh();
    await showSecretOnce(
      deps,
      vscode.l10n.t('Webhook "{0}" created', label),
      vscode.l10n.t('Its signing secret is shown only this once.'),
      newSigningSecret,
      stored,
    );
    await deps.onNewSecret?.({ webhookId: webhook.id, label, secret: newSigningSecret, reason: 'created' });
  };
}

/** The URI step's prompt: what was filled in and from where, or why nothing was (on the Gemini API, with the receiver running). */
function uriPrompt(onEmulator: boolean, urls: ReceiverUrls | undefined): string {
  if (!urls) return vscode.l10n.t('The URL deliveries are POSTed to');
  if (onEmulator) return vscode.l10n.t("The URL deliveries are POSTed to (filled in: the local receiver's)");
  if (urls.public)
    return vscode.l10n.t("The URL deliveries are POSTed to (filled in: the receiver's public URL, {0})", publicUrlSourceLabel(urls.public.source));
  return vscode.l10n.t('The URL deliveries are POSTed to (the receiver has no public URL: set {0} or start ngrok)', SETTINGS.receiverPublicUrl);
}
