/** What the event commands share: the delivery feed, the inspector, secrets, the backend and the UI. */
import * as vscode from 'vscode';
import type { DynamicSigningMode } from '../../../core/emulator/dynamicSigner';
import { SecretStore } from '../../platform/secretStore';
import { EventFeed } from '../eventFeed';
import { InspectorController } from '../inspector/inspectorPanel';
import { UiHolder } from '../../platform/commandRunner';
import type { Clipboard } from '../../platform/userInterface';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { FailureRehearsal } from '../receiver/failureRehearsal';
import { ReceiverService } from '../receiver/receiverService';

/** What the trigger needs of the backend: which one is live, and the emulator's URL and dynamic signing form when it is the emulator. */
export interface BackendInfo {
  readonly kind: string;
  emulatorUrl(): string | undefined;
  emulatorDynamicSigning?(): DynamicSigningMode | undefined;
}

export interface EventCommandDeps {
  readonly feed: EventFeed;
  readonly inspector: InspectorController;
  readonly secrets: SecretStore;
  readonly ui: UiHolder;
  readonly log: vscode.LogOutputChannel;
  readonly receiver: ReceiverService;
  /** Simulate Receiver Failures: the plan in use. */
  readonly rehearsal: FailureRehearsal;
  readonly clipboard: Clipboard;
  readonly backend?: BackendInfo;
  /** The name the user gave a webhook (the Webhooks view's list), to show instead of its id. */
  readonly webhookNames?: (webhookId: string) => string | undefined;
}

/** What commands on an Events view node (or the inspector) receive. */
export type EventArg = { readonly seq: number } | undefined;

/**
 * The event a command acts on: the node's, or one the user picks from the newest.
 * `placeHolder` is the whole (localised) prompt, e.g. "Pick the event to replay".
 */
export async function resolveEvent(
  deps: EventCommandDeps,
  arg: EventArg,
  placeHolder: string,
  /** Only these are offered (e.g. the deliveries a replay can send). */
  offer: (record: ReceivedDelivery) => boolean = () => true,
): Promise<number> {
  if (arg && typeof arg.seq === 'number') return arg.seq;
  const records = deps.feed.newest(200).filter(offer);
  if (records.length === 0) throw new Error(vscode.l10n.t('There are no events yet: start the receiver and trigger a test event first.'));
  const items = records.map((r) => ({
    label: `#${r.seq} ${r.eventType ?? (r.verdict === 'rejected' ? vscode.l10n.t('(rejected)') : vscode.l10n.t('(no event type)'))}`,
    description: `${r.verdict} · ${r.receivedAt}`,
    detail: r.webhookId,
    seq: r.seq,
  }));
  const picked = await deps.ui.current.pick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked.seq;
}
