/** What the webhook commands share: the services they act through, and small prompts used by several. */
import * as vscode from 'vscode';
import { urlProblemMessage } from '../../platform/urlProblem';
import { Webhook, WebhooksClient } from '../../../core/api';
import { SUBSCRIBABLE_EVENT_TYPES, describeEventType, isKnownEventType } from '../../../core/events/catalog';
import { checkHttpUrl } from '../../../core/util/url';
import type { ReceiverUrls } from '../../../core/tunnel/publicUrl';
import { BackendService } from '../backend/backendService';
import { WebhookDetailsProvider } from '../webhookDetailsProvider';
import { SecretStore } from '../../platform/secretStore';
import { UiHolder } from '../../platform/commandRunner';
import type { NewSecretHook } from '../../platform/newSecretHook';
import { UserCancelledError, type Clipboard, type PromptFlow } from '../../platform/userInterface';
import { stateLabel, webhookLabel, WebhookNode } from '../tree/webhookNode';
import { WebhooksTreeProvider } from '../tree/webhooksTreeProvider';
import { withCancellableProgress } from '../../platform/progress';

export interface WebhookCommandDeps {
  readonly backend: BackendService;
  readonly tree: WebhooksTreeProvider;
  readonly secrets: SecretStore;
  readonly ui: UiHolder;
  readonly log: vscode.LogOutputChannel;
  readonly details: WebhookDetailsProvider;
  readonly clipboard: Clipboard;
  /** After Create and Rotate showed and stored a new secret (the handler feature's "Write to .env"). */
  readonly onNewSecret?: NewSecretHook;
  /** The receiver's local and public URLs while it runs (resolved now, under a short deadline): Create Webhook fills one in. */
  readonly receiverUrls?: () => Promise<ReceiverUrls | undefined>;
}

/** What a command needs of the node it was invoked on. */
export type WebhookArg = Pick<WebhookNode, 'webhook'> | undefined;

/** How many webhooks the picker lists at most (the picker says so when there are more). */
export const PICKER_LIMIT = 1000;

/**
 * The webhook a command acts on: the node's, or one the user picks from the live list.
 * `placeHolder` is the whole (localised) prompt, e.g. "Pick the webhook to ping".
 */
export async function resolveWebhook(
  deps: WebhookCommandDeps,
  node: WebhookArg,
  placeHolder: string,
  /** From the palette, only the webhooks `filter` keeps are offered (Enable offers the disabled ones); `none` says so when there are none. */
  offer?: { readonly filter: (webhook: Webhook) => boolean; readonly none: string },
): Promise<Webhook> {
  if (node?.webhook) return node.webhook;
  const client = await deps.backend.client();
  const all: Webhook[] = [];
  let more = false;
  for await (const page of client.pages({ pageSize: 100 })) {
    all.push(...page.webhooks);
    if (all.length >= PICKER_LIMIT) {
      more = page.nextPageToken !== undefined || all.length > PICKER_LIMIT;
      all.length = Math.min(all.length, PICKER_LIMIT);
      break;
    }
  }
  if (all.length === 0) throw new NoWebhooksError();
  const offered = offer ? all.filter(offer.filter) : all;
  if (offered.length === 0) {
    // Nothing to do is not a failure: say so, and stop quietly.
    await deps.ui.current.info(offer?.none ?? vscode.l10n.t('There are no webhooks yet. Create one first.'));
    throw new UserCancelledError();
  }
  const items = offered.map((w) => ({ label: webhookLabel(w), description: `${stateLabel(w.state)} · ${w.id}`, detail: w.uri, webhook: w }));
  const prompt = more
    ? vscode.l10n.t('{0} (the first {1} are listed; for others, use the Webhooks view\'s "Load more")', placeHolder, PICKER_LIMIT)
    : placeHolder;
  const picked = await deps.ui.current.pick(items, { placeHolder: prompt, matchOnDescription: true, matchOnDetail: true });
  return picked.webhook;
}

export class NoWebhooksError extends Error {
  override readonly name = 'NoWebhooksError';
  constructor() {
    super(vscode.l10n.t('There are no webhooks yet. Create one first.'));
  }
}

/** Runs an API call with a cancellable notification; the signal aborts it. */
export async function withApiProgress<T>(
  title: string,
  work: (client: WebhooksClient, signal: AbortSignal) => Promise<T>,
  deps: WebhookCommandDeps,
): Promise<T> {
  return await withCancellableProgress(title, async (signal) => work(await deps.backend.client(), signal));
}

/** An absolute http(s) URL with a host and no credentials (the core's checkHttpUrl, as the CLI and the emulator), or the reason it is not. */
export function validateWebhookUri(value: string): string | undefined {
  const check = checkHttpUrl(value);
  return check.ok ? undefined : urlProblemMessage(check.problem, undefined, vscode.l10n.t('Enter the URL deliveries are sent to.'));
}

/**
 * The multi-select of the subscribable events (the API enum), with descriptions; `current` prefilled.
 * At least one. A current type the catalog does not know is offered too (the API accepted it, so it
 * may be newer than this catalog); a known type outside the enum (`batch.cancelled`,
 * `interaction.cancelled`) is not — the API refuses it — so an edit drops it, and the log says so.
 */
export async function pickEvents(
  deps: WebhookCommandDeps,
  current: readonly string[],
  title: string,
  prompts: Pick<PromptFlow, 'pickMany'> = deps.ui.current,
): Promise<string[]> {
  const known = SUBSCRIBABLE_EVENT_TYPES;
  const extra = current.filter((t) => !known.includes(t) && !isKnownEventType(t));
  const dropped = current.filter((t) => !known.includes(t) && isKnownEventType(t));
  if (dropped.length > 0) deps.log.info(`Not offering ${dropped.join(', ')}: known events the API does not accept in subscribed_events.`);
  const items = [...known, ...extra].map((type) => ({ label: type, description: describeEventType(type).description, picked: current.includes(type) }));
  for (;;) {
    const picked = await prompts.pickMany(items, {
      title,
      placeHolder: vscode.l10n.t('Events this webhook receives (pick at least one)'),
      matchOnDescription: true,
    });
    if (picked.length > 0) return picked.map((p) => p.label);
    await deps.ui.current.warn(vscode.l10n.t('Pick at least one event type.'));
  }
}
