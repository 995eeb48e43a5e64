/** Load More (the tree's last node): appends the next page. */
import { WebhookCommandDeps } from './deps';

export function loadMore(deps: WebhookCommandDeps) {
  return (): Promise<void> => deps.tree.loadMore();
}
