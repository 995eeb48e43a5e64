/** Ping Webhook: the service sends a test delivery to the webhook's uri. */
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';


export function pingWebhook(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, 'ping');
    await onExistingWebhook(deps, webhook, (label) => `Pinging ${label}…`, (client, id, signal) => client.ping(id, { signal }));
    deps.log.info(`Pinged webhook ${webhook.id}.`);
    await deps.ui.current.info(`Ping sent: a test delivery is on its way to ${webhook.uri}.`);
  };
}
