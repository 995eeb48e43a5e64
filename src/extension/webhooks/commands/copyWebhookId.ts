/** Copy ID of a webhook to the clipboard. */
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';


export function copyWebhookId(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, 'copy the id of');
    await deps.clipboard.writeText(webhook.id);
    await deps.ui.current.info(`Copied the id ${webhook.id}.`);
  };
}
