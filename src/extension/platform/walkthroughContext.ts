/**
 * The context keys the walkthrough's steps complete on, kept true to what exists — not to which
 * command was started: a webhook whose URI is the receiver's URL (`webhookAtReceiver`), and a
 * delivery the receiver verified (`eventVerified`). (`emulatorRunning` and `receiverRunning` are set
 * by the backend and the receiver themselves.) Fed by the composition root, so it needs no feature.
 */
import * as vscode from 'vscode';
import { sameEndpoint } from '../../core/util/sameEndpoint';
import { Disposable } from './disposable';
import { CONTEXT_KEYS, ContextKey } from './ids';
import { WebhookDirectory } from './webhookDirectory';

/** What a delivery says about itself, as far as the walkthrough cares. */
export interface DeliverySummary {
  readonly verdict: string;
  readonly imported?: unknown;
}

export interface WalkthroughSources {
  readonly webhooks: WebhookDirectory;
  /** The URL the receiver listens on, or would (undefined while it cannot be known: stopped on port 0). */
  readonly receiverUrl: () => string | undefined;
  readonly onReceiverChange: vscode.Event<unknown>;
  /** The deliveries kept now (read at the start and when the history is reloaded), and each new one. */
  readonly deliveries: () => readonly DeliverySummary[];
  readonly onHistoryChange: vscode.Event<unknown>;
  readonly onDelivery: vscode.Event<DeliverySummary>;
}

export function isReceiverVerified(d: DeliverySummary): boolean {
  return d.verdict !== 'rejected' && !d.imported;
}

export class WalkthroughContext extends Disposable {
  private readonly values = new Map<ContextKey, boolean>();
  private verified = false;

  constructor(private readonly sources: WalkthroughSources) {
    super();
    this.register(sources.webhooks.onDidChange(() => this.updateWebhook()));
    this.register(sources.onReceiverChange(() => this.updateWebhook()));
    this.register(sources.onHistoryChange(() => this.updateEvents(this.sources.deliveries())));
    this.register(sources.onDelivery((d) => this.updateEvents([d])));
    this.updateWebhook();
    this.updateEvents(sources.deliveries());
  }

  /** Whether a known webhook points at the receiver now (tests read it). */
  get webhookAtReceiver(): boolean {
    return this.values.get(CONTEXT_KEYS.webhookAtReceiver) === true;
  }

  /** Re-reads the receiver's URL (its settings changed while it is stopped). */
  refresh(): void {
    this.updateWebhook();
  }

  get eventVerified(): boolean {
    return this.values.get(CONTEXT_KEYS.eventVerified) === true;
  }

  private updateWebhook(): void {
    const url = this.sources.receiverUrl();
    const at = url !== undefined && this.sources.webhooks.all().some((w) => sameEndpoint(w.uri, url));
    this.set(CONTEXT_KEYS.webhookAtReceiver, at);
  }

  private updateEvents(deliveries: readonly DeliverySummary[]): void {
    // Once a delivery was verified the step stays done (clearing the history does not undo it).
    this.verified ||= deliveries.some(isReceiverVerified);
    this.set(CONTEXT_KEYS.eventVerified, this.verified);
  }

  private set(key: ContextKey, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
