/**
 * The webhook actions layer: every command that calls the API on one existing webhook (edit,
 * enable/disable, delete, ping, rotate) goes through `onExistingWebhook`, which does once what each
 * of them did by hand — the row's busy spinner in the tree, a cancellable progress notification,
 * and an API 404 turned into `WebhookGoneError` (the describer says it is gone and the tree reloads).
 */
import { Webhook, WebhooksClient } from '../../../core/api';
import { onWebhook } from '../apiErrors';
import { webhookLabel } from '../tree/webhookPresentation';
import { WebhookCommandDeps, withApiProgress } from './deps';

export type WebhookCall<T> = (client: WebhooksClient, webhookId: string, signal: AbortSignal) => Promise<T>;

/** Runs `call` on `webhook` with busy state, progress titled `progress(label)` and not-found handling. */
export function onExistingWebhook<T>(
  deps: WebhookCommandDeps,
  webhook: Pick<Webhook, 'id' | 'name'>,
  progress: (label: string) => string,
  call: WebhookCall<T>,
): Promise<T> {
  const title = progress(webhookLabel(webhook));
  return deps.tree.withBusy(webhook.id, () => onWebhook(webhook.id, () => withApiProgress(title, (client, signal) => call(client, webhook.id, signal), deps)));
}
