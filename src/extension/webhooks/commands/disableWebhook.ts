/** Disable Webhook: deliveries stop until it is enabled again. */
import { WebhookArg, WebhookCommandDeps } from './deps';
import { setWebhookState } from './setWebhookState';

export function disableWebhook(deps: WebhookCommandDeps) {
  return (node?: WebhookArg): Promise<void> => setWebhookState(deps, node, 'disabled');
}
