/** Retry (the error node): restarts the backend if it failed to start, then reloads the tree. */
import { WebhookCommandDeps } from './deps';

export function retry(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    await deps.backend.apply().catch(() => undefined);
    await deps.tree.refresh();
  };
}
