/** Delete Webhook: a modal naming it, then DELETE, then its stored secrets go too. */
import { WebhookGoneError } from '../apiErrors';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';
import { webhookLabel } from '../tree/webhookPresentation';


export function deleteWebhook(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, 'delete');
    const label = webhookLabel(webhook);
    await deps.ui.current.confirm(`Delete webhook "${label}"?`, `Deliveries to ${webhook.uri} stop, and its signing secrets are removed from this editor. This cannot be undone.`, 'Delete');
    try {
      await onExistingWebhook(deps, webhook, (name) => `Deleting ${name}…`, (client, id, signal) => client.delete(id, { signal }));
    } catch (error) {
      // Already gone elsewhere: still forget its secrets.
      if (error instanceof WebhookGoneError) await deps.secrets.deleteSigningSecrets(webhook.id);
      throw error;
    }
    await deps.secrets.deleteSigningSecrets(webhook.id);
    deps.log.info(`Deleted webhook ${webhook.id}.`);
    await deps.tree.refresh();
  };
}
