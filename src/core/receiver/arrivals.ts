/**
 * The receiver's own view of a delivery's attempts: every time the same `webhook-id` from the same
 * source arrived here, and what we answered each time — for deliveries whose sender publishes no
 * attempts (the real Gemini API). The source is the dedupe's (dedupe.ts sourceKey): a rejected
 * request names none, so it counts for every source of its webhook-id; an imported capture never
 * arrived here and does not count.
 *
 * Looked up by an index (webhook-id → seqs in arrival order) fed as records are appended, so a click
 * costs the arrivals of one id, never a pass over the history (up to 64 MiB, or a historySize of
 * any size). The history evicts without telling: evicted seqs are dropped when their id is looked
 * up, and ids whose records are all gone are swept once the index outgrows the history twice over
 * (a pass over the index, at most every `capacity` appends: constant time per append on average);
 * likewise one id's list once it holds twice the history's bound.
 */
import { sourceKey } from './dedupe';
import { describeRehearsal } from './failurePlan';
import type { DeliveryVerdict, ReceivedDelivery } from './types';

/** One arrival of a delivery at this receiver, and our answer. */
export interface Arrival {
  readonly seq: number;
  readonly receivedAt: string;
  /** What we answered. */
  readonly httpStatus: number;
  readonly verdict: DeliveryVerdict;
  readonly reason?: string;
  /** Duplicates: the seq that first carried this webhook-id. */
  readonly duplicateOf?: number;
  /** A failure rehearsal's answer, in words ("answered 500 (rehearsed)"). */
  readonly rehearsal?: string;
}

/** The record's source as the dedupe knows it; undefined for a rejected request (no secret or key matched). */
export function arrivalSource(record: ReceivedDelivery): string | undefined {
  return record.verdict === 'rejected' ? undefined : sourceKey(record);
}

export class ArrivalIndex {
  private readonly seqs = new Map<string, number[]>();
  private appendsSinceSweep = 0;

  constructor(
    /** The history's record of a seq (undefined once evicted). */
    private readonly lookup: (seq: number) => ReceivedDelivery | undefined,
    /** The history's record bound: how large the index may grow before a sweep. */
    private readonly capacity: () => number = () => 1_000,
  ) {}

  /** Starts over from these records (oldest first): a history (re)loaded or replaced. */
  reset(records: Iterable<ReceivedDelivery> = []): void {
    this.seqs.clear();
    this.appendsSinceSweep = 0;
    for (const record of records) this.add(record);
  }

  add(record: ReceivedDelivery): void {
    if (record.webhookId === undefined || record.imported) return;
    const list = this.seqs.get(record.webhookId);
    if (list) {
      if (list[list.length - 1] !== record.seq) list.push(record.seq);
      // One id arriving again and again (a sender that reuses it): the history holds at most `capacity` of its seqs.
      if (list.length > 2 * this.capacity()) this.prune(record.webhookId, list);
    } else this.seqs.set(record.webhookId, [record.seq]);
    if (++this.appendsSinceSweep >= this.capacity() && this.seqs.size > 2 * this.capacity()) this.sweep();
  }

  /** Every arrival of `record`'s webhook-id from its source (it included), oldest first; none for a capture or a record without a webhook-id. */
  arrivalsOf(record: ReceivedDelivery): Arrival[] {
    if (record.webhookId === undefined || record.imported) return [];
    const list = this.seqs.get(record.webhookId) ?? [];
    const source = arrivalSource(record);
    const out: Arrival[] = [];
    const live: number[] = [];
    for (const seq of list) {
      const other = this.lookup(seq);
      if (!other) continue;
      live.push(seq);
      const otherSource = arrivalSource(other);
      if (source !== undefined && otherSource !== undefined && otherSource !== source) continue;
      out.push(toArrival(other));
    }
    if (live.length === 0) this.seqs.delete(record.webhookId);
    else if (live.length < list.length) this.seqs.set(record.webhookId, live);
    if (!out.some((a) => a.seq === record.seq)) out.push(toArrival(record));
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Ids in the index (tests read it). */
  get size(): number {
    return this.seqs.size;
  }

  private sweep(): void {
    this.appendsSinceSweep = 0;
    for (const [id, list] of this.seqs) this.prune(id, list);
  }

  /** Drops the evicted seqs of one id (the id, when none is left). */
  private prune(id: string, list: number[]): void {
    const live = list.filter((seq) => this.lookup(seq) !== undefined);
    if (live.length === 0) this.seqs.delete(id);
    else if (live.length < list.length) this.seqs.set(id, live);
  }
}

function toArrival(record: ReceivedDelivery): Arrival {
  return {
    seq: record.seq,
    receivedAt: record.receivedAt,
    httpStatus: record.httpStatus,
    verdict: record.verdict,
    ...(record.reason !== undefined ? { reason: record.reason.slice(0, 300) } : {}),
    ...(record.duplicateOf !== undefined ? { duplicateOf: record.duplicateOf } : {}),
    ...(record.rehearsal ? { rehearsal: describeRehearsal(record.rehearsal) } : {}),
  };
}
