/**
 * Edit Webhook: name, uri and events prefilled; sends only what changed (update_mask); nothing changed → no call.
 * On the Gemini API a new URI that is loopback or private is questioned first, as in Create Webhook.
 */
import * as vscode from 'vscode';
import { WebhookUpdate } from '../../../core/api';
import { WebhookArg, WebhookCommandDeps, pickEvents, resolveWebhook, validateWebhookUri } from './deps';
import { confirmReachable } from './unreachableUri';
import { onExistingWebhook } from './webhookAction';
import { UserCancelledError } from '../../platform/userInterface';
import { webhookLabel } from '../tree/webhookPresentation';

export function editWebhook(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const ui = deps.ui.current;
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to edit'));
    const label = webhookLabel(webhook);
    // Three steps in one quick input: the focus never leaves it in between (see PromptFlow).
    const flow = ui.flow();
    try {
      const name = (await flow.input({ title: vscode.l10n.t('Edit {0} (1/3)', label), prompt: vscode.l10n.t('Name'), value: webhook.name ?? '' })).trim();
      const uri = (
        await flow.input({
          title: vscode.l10n.t('Edit {0} (2/3)', label),
          prompt: vscode.l10n.t('The URL deliveries are POSTed to'),
          value: webhook.uri,
          validateInput: validateWebhookUri,
        })
      ).trim();
      const events = await pickEvents(deps, webhook.subscribed_events, vscode.l10n.t('Edit {0} (3/3)', label), flow);
      const update: { -readonly [K in keyof WebhookUpdate]: WebhookUpdate[K] } = {};
      if (name !== (webhook.name ?? '')) update.name = name;
      if (uri !== webhook.uri) update.uri = uri;
      if (!sameSet(events, webhook.subscribed_events)) update.subscribed_events = events;
      if (Object.keys(update).length === 0) {
        flow.close();
        await ui.info(vscode.l10n.t('Nothing changed.'));
        return;
      }
      if (
        update.uri !== undefined &&
        deps.backend.kind !== 'emulator' &&
        !(await confirmReachable(deps, uri, vscode.l10n.t('Save Anyway'), () => flow.close()))
      )
        throw new UserCancelledError();
      flow.busy();
      const updated = await onExistingWebhook(
        deps,
        webhook,
        (name) => vscode.l10n.t('Updating {0}…', name),
        (client, id, signal) => client.update(id, update, { signal }),
      );
      deps.log.info(`Updated webhook ${webhook.id} (${Object.keys(update).join(', ')}).`);
      deps.tree.upsert(updated);
      deps.details.refreshAll();
    } finally {
      flow.close();
    }
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
