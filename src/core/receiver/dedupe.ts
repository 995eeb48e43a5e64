/**
 * A bounded set of seen deliveries (least recently seen evicted first), mapping each to the seq that first
 * carried it. A delivery is known by its source and its webhook-id: senders may reuse one message id for
 * every endpoint, so two webhooks pointing at the same receiver are not duplicates of each other.
 */
import type { MatchedSecret, TokenSummary } from '../verify/verdict';

export const DEFAULT_DEDUPE_SIZE = 10_000;

/** What identifies an accepted delivery's source: the matched webhook (or secret), or the token's issuer. */
export interface DeliverySource {
  readonly matchedSecret?: MatchedSecret;
  readonly token?: TokenSummary;
}

export function dedupeKey(source: DeliverySource, webhookId: string): string {
  const from = source.matchedSecret ? `static:${source.matchedSecret.webhookId ?? source.matchedSecret.label}` : `dynamic:${source.token?.iss ?? ''}`;
  return `${from}\u0000${webhookId}`;
}

export class DedupeSet {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = DEFAULT_DEDUPE_SIZE) {}

  /** The seq of the first delivery with this key (see dedupeKey), or undefined (and the key is remembered as `seq`). */
  firstOrRemember(key: string, seq: number): number | undefined {
    const first = this.seen.get(key);
    if (first !== undefined) {
      // Refresh its place: a retried delivery stays remembered.
      this.seen.delete(key);
      this.seen.set(key, first);
      return first;
    }
    this.seen.set(key, seq);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return undefined;
  }

  get size(): number {
    return this.seen.size;
  }
}
