/** Refresh (view title): reloads the webhooks from the live backend. */
import { WebhookCommandDeps } from './deps';

export function refreshWebhooks(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    await deps.tree.refresh();
    deps.details.refreshAll();
  };
}
