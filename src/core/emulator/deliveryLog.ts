/** The bounded log of delivery attempts (a ring buffer: memory stays flat under load). */

export type DeliveryOutcome = 'delivered' | 'retry_scheduled' | 'failed' | 'cancelled';

/** One delivery attempt, as `GET /emulator/deliveries` and `Emulator.deliveries()` show it. */
export interface DeliveryAttempt {
  /** The registered webhook's id (static), or the target URI (dynamic). */
  readonly webhook: string;
  /** The delivery's `webhook-id` header: the same on every retry. */
  readonly webhook_id: string;
  readonly kind: 'static' | 'dynamic';
  readonly event_type: string;
  readonly url: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** When the attempt started, RFC 3339. */
  readonly time: string;
  readonly outcome: DeliveryOutcome;
  /** The receiver's HTTP status, when it answered. */
  readonly status?: number;
  /** Why the attempt failed without a status (timeout, connection refused, ...), or why it stopped. */
  readonly error?: string;
  readonly duration_ms: number;
  /** When the next attempt is due, if one is scheduled. */
  readonly next_retry_time?: string;
}

export const DEFAULT_LOG_CAPACITY = 10_000;

export class DeliveryLog {
  private readonly items: (DeliveryAttempt | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity = DEFAULT_LOG_CAPACITY) {
    this.items = new Array(capacity);
  }

  add(record: DeliveryAttempt): void {
    this.items[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /**
   * The attempts of one delivery (its `webhook-id`), oldest first: at most MAX_ATTEMPTS. One pass over
   * the ring — capacity comparisons of a short string, well under a millisecond at 10 000 — so no
   * second index has to follow the ring's overwrites.
   */
  forWebhookId(webhookId: string): DeliveryAttempt[] {
    const out: DeliveryAttempt[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(start + i) % this.capacity] as DeliveryAttempt;
      if (item.webhook_id === webhookId) out.push(item);
    }
    return out;
  }

  /** Oldest first. */
  list(): DeliveryAttempt[] {
    const out: DeliveryAttempt[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) out.push(this.items[(start + i) % this.capacity] as DeliveryAttempt);
    return out;
  }
}
