/**
 * Collects items (new deliveries) and hands them on in batches: at most one flush per interval
 * (50 ms → ≤ 20 flushes/s), at most `maxBatch` items per flush, and never more than `capacity`
 * items queued (the oldest are dropped: the page keeps only that many anyway). Pure; timers injected.
 */

export interface BatcherOptions<T> {
  readonly flush: (items: T[]) => void;
  /** Minimum ms between two flushes. Default 50. */
  readonly intervalMs?: number;
  /** Items per flush. Default 500. */
  readonly maxBatch?: number;
  /** Items kept waiting at most. Default 1000. */
  readonly capacity?: number;
  readonly now?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

export class AppendBatcher<T> {
  private queue: T[] = [];
  private timer: unknown;
  private lastFlush = -Infinity;
  private disposed = false;
  /** Flushes so far. */
  flushes = 0;
  /** Items dropped because the queue was full. */
  dropped = 0;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: BatcherOptions<T>) {
    this.intervalMs = options.intervalMs ?? 50;
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.capacity = Math.max(1, options.capacity ?? 1_000);
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get pending(): number {
    return this.queue.length;
  }

  push(item: T): void {
    if (this.disposed) return;
    this.queue.push(item);
    if (this.queue.length > this.capacity) {
      const over = this.queue.length - this.capacity;
      this.queue.splice(0, over);
      this.dropped += over;
    }
    this.schedule();
  }

  /** Forgets what is queued (e.g. the history was cleared). */
  reset(): void {
    this.queue = [];
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.reset();
    this.disposed = true;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = this.setTimer(() => this.run(), wait);
  }

  private run(): void {
    this.timer = undefined;
    if (this.disposed || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.lastFlush = this.now();
    this.flushes++;
    try {
      this.options.flush(batch);
    } finally {
      this.schedule();
    }
  }
}
