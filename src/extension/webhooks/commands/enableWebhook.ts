/** Enable Webhook (also re-enables one the service disabled after failed deliveries). */
import { WebhookArg, WebhookCommandDeps } from './deps';
import { setWebhookState } from './setWebhookState';

export function enableWebhook(deps: WebhookCommandDeps) {
  return (node?: WebhookArg): Promise<void> => setWebhookState(deps, node, 'enabled');
}
