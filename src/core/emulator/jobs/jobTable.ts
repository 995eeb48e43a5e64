/**
 * The jobs of one kind (batches, interactions, video operations), bounded: beyond the bound the
 * ended jobs are evicted, oldest ended first (a later GET of one is a 404), so the emulator keeps
 * accepting jobs however many it has run. Only when every slot holds a job still running is a new
 * one refused.
 */
import { failedPrecondition } from '../errors';

export const DEFAULT_MAX_JOBS = 10_000;

export class JobTable<T> {
  private readonly jobs = new Map<string, T>();
  /** Ids of ended jobs, in the order they ended (a Set keeps insertion order). */
  private readonly ended = new Set<string>();

  constructor(
    private readonly max: number,
    /** Plural noun for messages, e.g. 'batches'. */
    private readonly what: string,
  ) {}

  get size(): number {
    return this.jobs.size;
  }

  get(id: string): T | undefined {
    return this.jobs.get(id);
  }

  /** Throws 400 FAILED_PRECONDITION (before any side effect) when no slot can be freed for a new job. */
  reserve(): void {
    if (this.jobs.size >= this.max && this.ended.size === 0) {
      throw failedPrecondition(`Too many ${this.what} still running in this emulator (${this.max}); wait for some to end.`);
    }
  }

  /** Adds a job, evicting the oldest ended ones to stay within the bound. */
  add(id: string, job: T): void {
    this.reserve();
    for (const oldest of this.ended) {
      if (this.jobs.size < this.max) break;
      this.delete(oldest);
    }
    this.jobs.set(id, job);
  }

  /** Records that a job ended: from now on it may be evicted. */
  markEnded(id: string): void {
    if (this.jobs.has(id)) this.ended.add(id);
  }

  delete(id: string): void {
    this.jobs.delete(id);
    this.ended.delete(id);
  }
}
