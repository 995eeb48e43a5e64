/**
 * Create Webhook: name, uri (validated), events (multi-select of the catalog). The new signing
 * secret is stored under the webhook's id when the secret storage allows it, and always shown once
 * in a modal with "Copy".
 */
import { WebhookCommandDeps, pickEvents, validateWebhookUri, withApiProgress } from './deps';
import { showSecretOnce, tryStoreSecret } from './showNewSecret';
import { webhookLabel } from '../tree/webhookPresentation';


export function createWebhook(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    const ui = deps.ui.current;
    const name = (await ui.input({ title: 'Create Webhook (1/3)', prompt: 'A name for the webhook (optional)', placeHolder: 'e.g. Batch results' })).trim();
    const uri = (
      await ui.input({ title: 'Create Webhook (2/3)', prompt: 'The URL deliveries are POSTed to', placeHolder: 'https://example.com/webhooks', validateInput: validateWebhookUri })
    ).trim();
    const events = await pickEvents(deps, [], 'Create Webhook (3/3)');
    const { webhook, newSigningSecret } = await withApiProgress('Creating webhook…', (client, signal) => client.create({ name, uri, subscribed_events: events }, { signal }), deps);
    const label = webhookLabel(webhook);
    deps.log.info(`Created webhook ${webhook.id}.`);
    if (!newSigningSecret) {
      await deps.tree.refresh();
      await ui.warn(`Webhook "${label}" was created, but the API did not show its signing secret.`);
      return;
    }
    const stored = await tryStoreSecret(deps, webhook.id, newSigningSecret);
    await deps.tree.refresh();
    await showSecretOnce(deps, `Webhook "${label}" created`, 'Its signing secret is shown only this once.', newSigningSecret, stored);
  };
}
