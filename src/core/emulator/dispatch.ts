/** Turns events into deliveries: static fan-out to subscribed webhooks, dynamic to a job's uris, pings. */
import { isSubscribableEventType } from '../events/catalog';
import { makeEnvelope } from '../events/envelope';
import { DeliveryEngine } from './deliveryEngine';
import { newMessageId } from './ids';
import { WebhookRecord, WebhookStore } from './webhookStore';

export const PING_EVENT_TYPE = 'webhook.ping';

/** A job's `webhook_config`: its events go to these uris (signed in the dynamic signing mode) instead of the registered webhooks. */
export interface WebhookConfig {
  readonly uris: readonly string[];
  readonly userMetadata?: Record<string, unknown>;
}

export class Dispatcher {
  constructor(
    private readonly store: WebhookStore,
    private readonly engine: DeliveryEngine,
  ) {}

  /**
   * To every enabled webhook subscribed to `type`. A type no webhook can subscribe to — not in the
   * catalog (e.g. `batch.completed`), or known but outside the API enum (`batch.cancelled`,
   * `interaction.cancelled`) — goes to every enabled webhook, so receivers can be tested with it.
   */
  emit(type: string, data?: Record<string, unknown>, userMetadata?: Record<string, unknown>): string[] {
    let body: Buffer | undefined;
    const ids: string[] = [];
    const everyone = !isSubscribableEventType(type);
    this.store.refresh(); // webhooks another emulator on the same state file registered get it too
    for (const record of this.store.all()) {
      if (record.state !== 'enabled' || !(everyone || record.subscribed_events.includes(type))) continue;
      body ??= Buffer.from(JSON.stringify(makeEnvelope(type, data, userMetadata)));
      const msgId = newMessageId();
      ids.push(msgId);
      this.engine.enqueue({ kind: 'static', target: record.id, msgId, type, body, attempt: 0 });
    }
    return ids;
  }

  /** Emits to a job's webhook_config when it has one, else to the registered webhooks. */
  emitForJob(config: WebhookConfig | undefined, type: string, data: Record<string, unknown>): string[] {
    if (!config) return this.emit(type, data);
    const body = Buffer.from(JSON.stringify(makeEnvelope(type, data, config.userMetadata)));
    return config.uris.map((uri) => {
      const msgId = newMessageId();
      this.engine.enqueue({ kind: 'dynamic', target: uri, msgId, type, body, attempt: 0 });
      return msgId;
    });
  }

  /** `webhook.ping` with `{ webhook_id }`, whatever the webhook's subscriptions and state. */
  ping(record: WebhookRecord): string {
    const body = Buffer.from(JSON.stringify(makeEnvelope(PING_EVENT_TYPE, { webhook_id: record.id })));
    const msgId = newMessageId();
    this.engine.enqueue({ kind: 'static', target: record.id, msgId, type: PING_EVENT_TYPE, body, attempt: 0, ignoreState: true });
    return msgId;
  }
}
