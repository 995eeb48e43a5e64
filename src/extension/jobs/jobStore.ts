/**
 * The jobs the Jobs view lists: those started from the editor and those events pointed at, kept in
 * workspaceState (bounded: beyond MAX_JOBS the oldest ended ones go first), each with its last known
 * summary, the seqs of its events, and whether the API said it is gone (404).
 */
import * as vscode from 'vscode';
import { JOB_KINDS, JobRef, JobSummary, mergeSummary } from '../../core/jobs';
import { Disposable, toDisposable } from '../platform/disposable';

export type JobOrigin = 'editor' | 'event';

export interface TrackedJob {
  readonly summary: JobSummary;
  /** Started from this editor, or first seen in an event. */
  readonly origin: JobOrigin;
  /** The backend it lives on ('emulator' or 'gemini'). */
  readonly backend: string;
  /** ISO time it was added. */
  readonly addedAt: string;
  /** ISO time of the last answer about it. */
  readonly checkedAt?: string;
  /** The API's 404, when a read found it gone. */
  readonly gone?: string;
  /** The last read that failed otherwise (network, 5xx). */
  readonly problem?: string;
  /** Seqs of its events in the receiver's history, oldest first. */
  readonly events: readonly number[];
}

export const MAX_JOBS = 100;
export const MAX_EVENTS_PER_JOB = 20;
const STATE_KEY = 'jobs.tracked';

export const jobKey = (ref: JobRef): string => `${ref.kind}:${ref.name}`;

export class JobStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly jobs = new Map<string, TrackedJob>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly max = MAX_JOBS,
  ) {
    super();
    for (const job of readStored(memento.get<unknown>(STATE_KEY))) this.jobs.set(jobKey(job.summary), job);
    this.register(toDisposable(() => this.saveTimer && this.persist()));
  }

  /** Newest first. */
  list(): TrackedJob[] {
    return [...this.jobs.values()].reverse();
  }

  get(ref: JobRef): TrackedJob | undefined {
    return this.jobs.get(jobKey(ref));
  }

  /** Records what is known of a job now (the answer merged over what was known); it is no longer gone. */
  upsert(summary: JobSummary, origin: JobOrigin, backend: string): TrackedJob {
    const key = jobKey(summary);
    const known = this.jobs.get(key);
    const job: TrackedJob = {
      summary: mergeSummary(known?.summary, summary),
      origin: known?.origin ?? origin,
      backend: known?.backend ?? backend,
      addedAt: known?.addedAt ?? new Date().toISOString(),
      checkedAt: new Date().toISOString(),
      events: known?.events ?? [],
    };
    this.jobs.set(key, job); // a known job keeps its place in the order
    this.evict();
    this.save();
    return job;
  }

  /** Adds a job known only by its reference (an event pointed at it), unless it is known already. */
  ensure(ref: JobRef, backend: string): TrackedJob {
    return this.get(ref) ?? this.upsert({ kind: ref.kind, name: ref.name, ended: false }, 'event', backend);
  }

  markGone(ref: JobRef, message: string): void {
    this.update(ref, (job) => ({ ...job, gone: message, problem: undefined, checkedAt: new Date().toISOString() }));
  }

  noteProblem(ref: JobRef, message: string | undefined): void {
    this.update(ref, (job) => ({ ...job, problem: message }));
  }

  /** Links an event (by seq) to its job; false when it was linked already. */
  addEvent(ref: JobRef, seq: number): boolean {
    const job = this.get(ref);
    if (!job || job.events.includes(seq)) return false;
    this.update(ref, (j) => ({ ...j, events: [...j.events, seq].sort((a, b) => a - b).slice(-MAX_EVENTS_PER_JOB) }));
    return true;
  }

  private update(ref: JobRef, change: (job: TrackedJob) => TrackedJob): void {
    const key = jobKey(ref);
    const job = this.jobs.get(key);
    if (!job) return;
    this.jobs.set(key, change(job));
    this.save();
  }

  /** Beyond the bound, ended (or gone) jobs go first, oldest first; then the oldest. */
  private evict(): void {
    while (this.jobs.size > this.max) {
      // One pass in insertion order, nothing copied: it runs for every new job while a flood of events fills the view.
      let victim: string | undefined;
      for (const [key, job] of this.jobs) {
        victim ??= key;
        if (job.summary.ended || job.gone) {
          victim = key;
          break;
        }
      }
      this.jobs.delete(victim as string);
    }
  }

  /** Tells the view at once; writes workspaceState at most every 500 ms (a burst of events is one write), and on dispose. */
  private save(): void {
    this.changed.fire();
    this.saveTimer ??= setTimeout(() => this.persist(), 500);
  }

  private persist(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    void Promise.resolve(this.memento.update(STATE_KEY, [...this.jobs.values()])).catch(() => undefined);
  }
}

/** What workspaceState holds, read tolerantly: malformed entries are dropped. */
function readStored(value: unknown): TrackedJob[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (j): j is TrackedJob =>
      !!j &&
      typeof j === 'object' &&
      !!(j as TrackedJob).summary &&
      JOB_KINDS.includes((j as TrackedJob).summary.kind) &&
      typeof (j as TrackedJob).summary.name === 'string' &&
      (j as TrackedJob).summary.name !== '' &&
      Array.isArray((j as TrackedJob).events),
  );
}
