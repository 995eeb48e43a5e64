/** A bounded set of seen webhook-ids (least recently seen evicted first), mapping each to the seq that first carried it. */

export const DEFAULT_DEDUPE_SIZE = 10_000;

export class DedupeSet {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = DEFAULT_DEDUPE_SIZE) {}

  /** The seq of the first delivery with this id, or undefined (and the id is remembered as `seq`). */
  firstOrRemember(webhookId: string, seq: number): number | undefined {
    const first = this.seen.get(webhookId);
    if (first !== undefined) {
      // Refresh its place: a retried id stays remembered.
      this.seen.delete(webhookId);
      this.seen.set(webhookId, first);
      return first;
    }
    this.seen.set(webhookId, seq);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return undefined;
  }

  get size(): number {
    return this.seen.size;
  }
}
