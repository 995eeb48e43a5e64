/**
 * The page's rows: bounded (the history's size), newest first, with the filter and text search.
 * Pure (no DOM), so it is unit-tested on Node.
 */
import type { RowSummary, Verdict } from './protocol';

export interface RowFilter {
  /** '' = every type. */
  readonly eventType: string;
  /** '' = every verdict. */
  readonly verdict: Verdict | '';
  /** '' = every source. */
  readonly source: string;
  /** Case-insensitive text over ids and body; '' = everything. */
  readonly text: string;
}

export const NO_FILTER: RowFilter = { eventType: '', verdict: '', source: '', text: '' };

export function matches(row: RowSummary, filter: RowFilter): boolean {
  if (filter.eventType && (row.eventType ?? '') !== filter.eventType) return false;
  if (filter.verdict && row.verdict !== filter.verdict) return false;
  if (filter.source && (row.source ?? '') !== filter.source) return false;
  const text = filter.text.trim().toLowerCase();
  if (text && !row.haystack.includes(text)) return false;
  return true;
}

export class RowStore {
  /** Oldest first internally (cheap appends); `view` is newest first. */
  private rows: RowSummary[] = [];
  private bySeq = new Map<number, RowSummary>();
  private filter: RowFilter = NO_FILTER;
  private filtered: RowSummary[] | undefined;

  constructor(public capacity: number) {}

  get size(): number {
    return this.rows.length;
  }

  get(seq: number): RowSummary | undefined {
    return this.bySeq.get(seq);
  }

  reset(rows: readonly RowSummary[]): void {
    this.rows = [];
    this.bySeq.clear();
    this.append(rows);
  }

  /** Adds rows (any order); keeps the newest `capacity`. */
  append(rows: readonly RowSummary[]): void {
    for (const row of rows) {
      if (this.bySeq.has(row.seq)) {
        this.replace(row);
        continue;
      }
      const last = this.rows[this.rows.length - 1];
      if (!last || last.seq < row.seq) this.rows.push(row);
      else this.rows.splice(this.insertionIndex(row.seq), 0, row);
      this.bySeq.set(row.seq, row);
    }
    if (this.rows.length > this.capacity) {
      for (const gone of this.rows.splice(0, this.rows.length - this.capacity)) this.bySeq.delete(gone.seq);
    }
    this.filtered = undefined;
  }

  /** Replaces rows already held (forward results arrived); unknown seqs are ignored. */
  update(rows: readonly RowSummary[]): void {
    for (const row of rows) if (this.bySeq.has(row.seq)) this.replace(row);
    this.filtered = undefined;
  }

  clear(): void {
    this.reset([]);
  }

  setFilter(filter: RowFilter): void {
    this.filter = filter;
    this.filtered = undefined;
  }

  /** The rows that pass the filter, newest first. */
  view(): readonly RowSummary[] {
    if (!this.filtered) {
      const out: RowSummary[] = [];
      for (let i = this.rows.length - 1; i >= 0; i--) if (matches(this.rows[i], this.filter)) out.push(this.rows[i]);
      this.filtered = out;
    }
    return this.filtered;
  }

  /** The source filter's options: each source once, by the name a person reads, sorted by it. */
  sourceOptions(): Array<{ value: string; label: string }> {
    const labels = new Map<string, string>();
    for (const row of this.rows) if (row.source) labels.set(row.source, row.sourceLabel ?? row.source);
    return [...labels].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label) || a.value.localeCompare(b.value));
  }

  /** Distinct values for the filter drop-downs, sorted. */
  distinct(field: 'eventType' | 'source'): string[] {
    const values = new Set<string>();
    for (const row of this.rows) {
      const v = row[field];
      if (v) values.add(v);
    }
    return [...values].sort();
  }

  private replace(row: RowSummary): void {
    const index = this.rows.findIndex((r) => r.seq === row.seq);
    if (index >= 0) this.rows[index] = row;
    this.bySeq.set(row.seq, row);
  }

  private insertionIndex(seq: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rows[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The slice of rows a virtual list draws: the rows in view plus `overscan` either side. */
export function visibleWindow(total: number, scrollTop: number, viewportHeight: number, rowHeight: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewportHeight) / rowHeight);
  const start = Math.min(total, Math.max(0, first - overscan));
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** The toolbar's count: "1 event", "14 events", "3 of 14 events". */
export function countText(shown: number, total: number): string {
  const events = (n: number) => `${n} ${n === 1 ? 'event' : 'events'}`;
  return shown === total ? events(total) : `${shown} of ${events(total)}`;
}
