/**
 * Keeps the Jobs view's rows true, driven by events rather than a polling loop: a delivery whose event
 * points at a job links the event to it (adding the job when it is new) and re-reads that job once;
 * Refresh Jobs re-reads every job of the live backend; commands read the job they act on. A read
 * that answers 404 marks the row gone. Video events name only their file: the job is found among the
 * known video operations (re-reading those still running, once, when none matches yet).
 *
 * The re-read after an event is off the receiver's hot path: the event only notes the job, and reads
 * run in rounds at most one per READ_DELAY_MS — the first at once (after the event's own handling), the
 * next when READ_DELAY_MS have passed — each reading at most READS_PER_ROUND jobs, newest first, once per
 * job however many of its events came meanwhile, never a job found gone or no longer listed. A lone
 * event's job is so read at once, and a flood of job events (a load test, a burst of test events) costs
 * a bounded trickle of GETs; the jobs left unread are read by their next event or by Refresh Jobs.
 */
import * as vscode from 'vscode';
import type { JobsClient } from '../../core/api';
import { Json } from '../../core/api/readJson';
import { EventJobRef, JobRef, JobSummary, deliveryJobRef, eventKind, matchesVideo, summarizeJob } from '../../core/jobs';
import type { ReceivedDelivery } from '../../core/receiver/types';
import { redact } from '../../core/util/redact';
import { Disposable, toDisposable } from '../platform/disposable';
import { JobsDeps } from './deps';
import { JobGoneError, KIND_LABELS, onJob } from './jobErrors';
import { JobStore, MAX_JOBS, TrackedJob, jobKey } from './jobStore';

/** Reads at once while refreshing all jobs (a Refresh of 100 jobs is 100 GETs, 4 at a time). */
const CONCURRENCY = 4;
/** The time between two rounds of reads: the events of one job arriving within it cost one read. */
export const READ_DELAY_MS = 250;
/** Reads per round (one round every READ_DELAY_MS while jobs wait): at most 16 GETs a second from events. */
export const READS_PER_ROUND = 4;

export interface FetchedJob {
  readonly job: TrackedJob;
  /** The API's answer as it came (the Open Job document shows it). */
  readonly answer: Json;
}

export class JobTracker extends Disposable {
  private readonly inflight = new Map<string, Promise<FetchedJob>>();
  /** Jobs events pointed at, waiting for their read (by key, oldest first; bounded like the store). */
  private readonly waiting = new Map<string, JobRef>();
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private reading = false;
  /** When the last round started (Date.now()). */
  private lastRound = 0;

  constructor(
    readonly jobs: JobStore,
    private readonly deps: Pick<JobsDeps, 'backend' | 'events' | 'log'>,
  ) {
    super();
    this.register(deps.events.onDidReceive((r) => void this.onDelivery(r)));
    this.register(deps.events.onDidReset(() => this.linkHistory()));
    this.register(toDisposable(() => this.readTimer && clearTimeout(this.readTimer)));
    this.linkHistory();
  }

  /** Jobs waiting for the read their events asked for (tests read it). */
  get readsWaiting(): number {
    return this.waiting.size;
  }

  /** Reads one job from the live backend and records the answer; a 404 marks it gone (and throws JobGoneError). */
  fetch(ref: JobRef, signal?: AbortSignal): Promise<FetchedJob> {
    const key = jobKey(ref);
    const running = this.inflight.get(key);
    if (running && !signal) return running;
    const work = this.read(ref, signal).finally(() => this.inflight.get(key) === work && this.inflight.delete(key));
    this.inflight.set(key, work);
    return work;
  }

  /** Re-reads every job of the live backend that is not gone. Resolves to how many were read and how many failed. */
  async refreshAll(signal?: AbortSignal): Promise<{ read: number; failed: number }> {
    const jobs = this.jobs.list().filter((j) => !j.gone && j.backend === this.deps.backend.kind);
    let read = 0;
    let failed = 0;
    const queue = [...jobs];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (signal?.aborted) return;
        try {
          await this.fetch(job.summary, signal);
          read++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
    return { read, failed };
  }

  /** Records a job just started (what the request said, merged with the answer). */
  started(summary: JobSummary): TrackedJob {
    return this.jobs.upsert(summary, 'editor', this.deps.backend.kind);
  }

  /**
   * The tracked job an event points at. A video event: the known video operation that made its file,
   * after re-reading those still running when none matches yet; undefined when none did.
   */
  async jobOfEvent(ref: EventJobRef): Promise<TrackedJob | undefined> {
    if (ref.kind !== 'video') return this.jobs.ensure(ref, this.deps.backend.kind);
    const match = () => this.jobs.list().find((j) => matchesVideo(ref, j.summary));
    const found = match();
    if (found) return found;
    const running = this.jobs.list().filter((j) => j.summary.kind === 'video' && !j.summary.ended && !j.gone && j.backend === this.deps.backend.kind);
    await Promise.all(running.map((j) => this.fetch(j.summary).catch(() => undefined)));
    return match();
  }

  private async read(ref: JobRef, signal: AbortSignal | undefined): Promise<FetchedJob> {
    const client = await this.deps.backend.jobsClient();
    try {
      const answer = await onJob(ref, 'read', () => get(client, ref, signal));
      const summary = summarizeJob(ref.kind, answer);
      // The API may spell the name differently (an id for a name): the row keeps the name it is known by.
      const job = this.jobs.upsert({ ...summary, name: ref.name }, 'event', this.deps.backend.kind);
      return { job, answer };
    } catch (error) {
      if (error instanceof JobGoneError) {
        this.jobs.markGone(ref, error.apiMessage);
        this.deps.log.info(`jobs: ${KIND_LABELS[ref.kind]} ${ref.name} is gone (404): ${error.apiMessage}`);
      } else if (!(error instanceof Error && error.name === 'AbortError')) {
        this.jobs.noteProblem(ref, redact(error instanceof Error ? error.message : String(error)));
      }
      throw error;
    }
  }

  /** A delivery arrived: link its event to the job it points at, then re-read that job once (soon, off this path). */
  private async onDelivery(record: ReceivedDelivery): Promise<void> {
    // Only bodies of job event types are parsed.
    if (!record.eventType || !eventKind(record.eventType)) return;
    const ref = deliveryJobRef(record);
    if (!ref) return;
    try {
      const job = await this.jobOfEvent(ref);
      if (!job) {
        this.deps.log.info(
          `jobs: #${record.seq} ${ref.type} names the file ${ref.kind === 'video' ? (ref.fileId ?? ref.videoUri) : ''}; no known video operation made it.`,
        );
        return;
      }
      this.jobs.addEvent(job.summary, record.seq);
      // A video operation was just re-read to be found (jobOfEvent); every other job is read soon.
      if (ref.kind === 'video' && job.summary.ended) return;
      this.readSoon(job.summary);
    } catch (error) {
      this.deps.log.debug(`jobs: linking #${record.seq} to its job failed: ${redact(error instanceof Error ? error.message : String(error))}`);
    }
  }

  /** Notes a job to read in the next round (once, however many of its events arrive before that round). */
  private readSoon(ref: JobRef): void {
    const key = jobKey(ref);
    this.waiting.delete(key); // newest last
    this.waiting.set(key, { kind: ref.kind, name: ref.name });
    // Beyond what the view keeps, the oldest would be read for rows already dropped.
    for (const old of this.waiting.keys()) {
      if (this.waiting.size <= MAX_JOBS) break;
      this.waiting.delete(old);
    }
    this.scheduleRound();
  }

  /** The next round: at once when none ran within READ_DELAY_MS, else when that time is up. */
  private scheduleRound(): void {
    this.readTimer ??= setTimeout(() => void this.readRound(), Math.max(0, this.lastRound + READ_DELAY_MS - Date.now()));
  }

  /** One round: the newest waiting jobs still listed and not gone, READS_PER_ROUND at most; the next round if more wait. */
  private async readRound(): Promise<void> {
    this.readTimer = undefined;
    if (this.reading) return;
    this.reading = true;
    this.lastRound = Date.now();
    try {
      const round: JobRef[] = [];
      for (const [key, ref] of [...this.waiting].reverse()) {
        if (round.length >= READS_PER_ROUND) break;
        this.waiting.delete(key);
        const job = this.jobs.get(ref);
        if (job && !job.gone) round.push(ref);
      }
      await Promise.all(
        round.map((ref) =>
          this.fetch(ref).catch((error: unknown) =>
            this.deps.log.debug(`jobs: re-reading ${ref.name} failed: ${redact(error instanceof Error ? error.message : String(error))}`),
          ),
        ),
      );
    } finally {
      this.reading = false;
      if (this.waiting.size > 0 && !this.isDisposed) this.scheduleRound();
    }
  }

  /** Links the history's events to the jobs already listed (no reads: a history of old events must not start a burst of GETs). */
  private linkHistory(): void {
    if (this.jobs.list().length === 0) return;
    for (const record of this.deps.events.all()) {
      // Only bodies of job event types are parsed (a history may hold 64 MiB of other bodies).
      if (!record.eventType || !eventKind(record.eventType)) continue;
      const ref = deliveryJobRef(record);
      if (!ref) continue;
      const job = ref.kind === 'video' ? this.jobs.list().find((j) => matchesVideo(ref, j.summary)) : this.jobs.get(ref);
      if (job) this.jobs.addEvent(job.summary, record.seq);
    }
  }
}

function get(client: JobsClient, ref: JobRef, signal: AbortSignal | undefined): Promise<Json> {
  const opts = { signal };
  switch (ref.kind) {
    case 'batch':
      return client.getBatch(ref.name, opts);
    case 'interaction':
      return client.getInteraction(ref.name, opts);
    case 'video':
      return client.getVideoOperation(ref.name, opts);
  }
}

/** Why a job cannot be read with the live backend (it lives on the other one), or undefined. */
export function otherBackend(job: TrackedJob | undefined, liveKind: string): string | undefined {
  if (!job || job.backend === liveKind) return undefined;
  return job.backend === 'emulator'
    ? vscode.l10n.t(
        '{0} {1} was started on the local emulator, and the Gemini API is in use: run "Start Local Emulator" to reach it.',
        KIND_LABELS[job.summary.kind],
        job.summary.name,
      )
    : vscode.l10n.t(
        '{0} {1} lives on the Gemini API, and the local emulator is in use: run "Use Gemini API" to reach it.',
        KIND_LABELS[job.summary.kind],
        job.summary.name,
      );
}
