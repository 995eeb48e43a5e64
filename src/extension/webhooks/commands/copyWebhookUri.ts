/** Copy URI of a webhook to the clipboard. */
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';


export function copyWebhookUri(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, 'copy the URI of');
    await deps.clipboard.writeText(webhook.uri);
    await deps.ui.current.info(`Copied ${webhook.uri}.`);
  };
}
