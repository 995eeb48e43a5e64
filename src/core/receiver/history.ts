/**
 * The bounded delivery history (oldest evicted), bounded in records AND in bytes, optionally persisted
 * as append-only JSON lines: one line per append and per update (a later line with the same seq
 * replaces the earlier one). Writes are batched and never block the caller.
 *
 * Several processes may share one file (two VS Code windows use the same global storage). The choice
 * made here is ONE shared file whose every write happens under a short-lived lock file with
 * stale-lock recovery (store/fileLock.ts), rather than one file per window merged on read:
 * - a compaction re-reads the file under the lock and keeps the newest records of every writer, so
 *   window B compacting never erases what window A appended — it never rewrites from its own memory;
 * - per-window files would pile up (one per window session) and need adopting by a later window,
 *   and Clear and the count/byte bounds would apply per file instead of to the history the user sees;
 * - the lock is held for one append or one compaction, never for a window's lifetime, so a window
 *   that crashes or hangs costs the others nothing: its lock turns stale (dead pid, or 30 s old).
 * Seqs come from a counter shared the same way (store/seqCounter.ts), in blocks, so two windows never
 * give out the same seq. A window does not see another window's new records until it reloads.
 *
 * Loading reads the file in chunks (store/lineFile.ts), keeping only what the bounds allow as it goes;
 * a bad line (unparsable, too long, out-of-range seq) is skipped and counted, never fatal.
 * The file, its lock and its counter are created 0600: they hold payloads and headers.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { KeyQueue } from '../util/keyQueue';
import { Emitter } from './emitter';
import { boundRecord } from './recordBounds';
import { FileLock } from './store/fileLock';
import { appendLines, replaceLines, scanLines } from './store/lineFile';
import { SeqCounter, validSeq } from './store/seqCounter';
import { ReceivedDelivery } from './types';

export const DEFAULT_HISTORY_SIZE = 1_000;
/** The default bound on the history's size in bytes (as JSON lines): 64 MiB. */
export const DEFAULT_HISTORY_BYTES = 64 * 1024 * 1024;

export interface ReceiverLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface HistoryOptions {
  readonly size?: number;
  /** Bound on the records' total size as JSON (bytes); the newest record is kept even when larger. */
  readonly maxBytes?: number;
  /** JSON-lines file; absent = memory only. */
  readonly path?: string;
  readonly log?: ReceiverLog;
}

/** Records as JSON lines, one per record, each ending in a newline: the history file and exports share it. */
export function toJsonLines(records: readonly ReceivedDelivery[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

interface Entry {
  record: ReceivedDelivery;
  bytes: number;
  /** The record's line as read (compaction writes it back without re-serializing). */
  line?: string;
}

/** What a pass over the file found: the records the bounds keep, oldest first, and what was skipped. */
interface FileScan {
  readonly entries: Entry[];
  readonly lines: number;
  readonly corrupted: number;
  readonly bytes: number;
}

export class History {
  private readonly records = new Map<number, ReceivedDelivery>();
  /** The seqs in the records' order: the next to evict, in O(1) (see KeyQueue). */
  private readonly order = new KeyQueue<number>();
  /** Seqs appended again (moved to the end): their earlier place in `order` is skipped, once per move. */
  private readonly moved = new Map<number, number>();
  private readonly sizes = new Map<number, number>();
  private totalBytes = 0;
  private readonly appended = new Emitter<ReceivedDelivery>();
  private readonly updated = new Emitter<ReceivedDelivery>();
  private readonly cleared = new Emitter<void>();
  /** Fires when a record is added (every request, accepted or not). */
  readonly onDidAppend = this.appended.event;
  /** Fires when a record changes after it was added (forward result, replay). */
  readonly onDidUpdate = this.updated.event;
  readonly onDidClear = this.cleared.event;
  readonly size: number;
  readonly maxBytes: number;
  private pending: string[] = [];
  /** Lines (and bytes) in the file as far as this process knows: other writers' appends are not counted until a compaction. */
  private linesInFile = 0;
  private writing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private readonly seq: SeqCounter;
  private readonly lock: FileLock | undefined;
  /** Lines skipped as unreadable when the file was loaded. */
  corruptedLines = 0;

  private constructor(private readonly options: HistoryOptions) {
    this.size = Math.max(1, Math.floor(options.size ?? DEFAULT_HISTORY_SIZE));
    this.maxBytes = Math.max(1024, Math.floor(options.maxBytes ?? DEFAULT_HISTORY_BYTES));
    this.seq = new SeqCounter(options.path ? `${options.path}.seq` : undefined, (m) => options.log?.warn(m));
    this.lock = options.path ? new FileLock(`${options.path}.lock`) : undefined;
  }

  /** Opens a history, loading its file when there is one. */
  static async open(options: HistoryOptions = {}): Promise<History> {
    const history = new History(options);
    if (options.path) await history.load(options.path);
    return history;
  }

  /** The file it is persisted in, if any. */
  get path(): string | undefined {
    return this.options.path;
  }

  /** The highest seq handed out or loaded so far. */
  get lastSeq(): number {
    return this.seq.last;
  }

  /** A seq no process sharing this history's file has given out. */
  nextSeq(): number {
    return this.seq.next();
  }

  /** Oldest first. */
  all(): ReceivedDelivery[] {
    return [...this.records.values()];
  }

  get(seq: number): ReceivedDelivery | undefined {
    return this.records.get(seq);
  }

  get count(): number {
    return this.records.size;
  }

  /** The records' total size as JSON lines (estimated for a history kept in memory only). */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Adds a record, its fields bounded (see recordBounds.ts); resolves to the record as stored. */
  append(record: ReceivedDelivery): ReceivedDelivery {
    const stored = boundRecord(record);
    this.seq.observe(stored.seq);
    const line = this.serialize(stored);
    if (this.records.has(stored.seq)) this.moved.set(stored.seq, (this.moved.get(stored.seq) ?? 0) + 1);
    this.records.delete(stored.seq);
    this.records.set(stored.seq, stored);
    this.order.push(stored.seq);
    this.setBytes(stored.seq, line === undefined ? estimateBytes(stored) : Buffer.byteLength(line) + 1);
    this.evict();
    if (line !== undefined) this.persist(line);
    this.appended.fire(stored);
    return stored;
  }

  /** Re-saves a record changed in place (forward results, replays). */
  update(record: ReceivedDelivery): void {
    if (this.records.get(record.seq) !== record) return;
    const line = this.serialize(record);
    this.setBytes(record.seq, line === undefined ? estimateBytes(record) : Buffer.byteLength(line) + 1);
    if (line !== undefined) this.persist(line);
    this.updated.fire(record);
  }

  /** Empties the history and its file (every writer's records: the file is shared). */
  async clear(): Promise<void> {
    this.records.clear();
    this.order.clear();
    this.moved.clear();
    this.sizes.clear();
    this.totalBytes = 0;
    this.pending = [];
    if (this.options.path) await this.enqueue(() => this.locked(() => this.rewrite([])));
    this.cleared.fire();
  }

  /** Writes every record, oldest first, as JSON lines; resolves to how many. */
  async export(file: string): Promise<number> {
    const records = this.all();
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, toJsonLines(records), 'utf8');
    return records.length;
  }

  /** Resolves once everything appended so far is on disk. */
  async flush(): Promise<void> {
    if (!this.options.path) return;
    this.flushScheduled = false;
    await this.enqueue(() => this.writePending());
  }

  /** Releases the listeners and hands back the unused seqs of this process's block. */
  dispose(): void {
    this.appended.dispose();
    this.updated.dispose();
    this.cleared.dispose();
    this.seq.release();
  }

  private serialize(record: ReceivedDelivery): string | undefined {
    if (!this.options.path) return undefined;
    try {
      return JSON.stringify(record);
    } catch (error) {
      this.options.log?.error(`Delivery #${record.seq} could not be saved to the history file: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private setBytes(seq: number, bytes: number): void {
    this.totalBytes += bytes - (this.sizes.get(seq) ?? 0);
    this.sizes.set(seq, bytes);
  }

  /** Drops the oldest records until both bounds hold (the newest record stays, however large). */
  private evict(): void {
    while (this.records.size > 1 && (this.records.size > this.size || this.totalBytes > this.maxBytes)) {
      const oldest = this.takeOldest();
      this.records.delete(oldest);
      this.totalBytes -= this.sizes.get(oldest) ?? 0;
      this.sizes.delete(oldest);
    }
  }

  /** Removes and answers the oldest seq of `order` that is still where its record is. */
  private takeOldest(): number {
    for (;;) {
      const seq = this.order.shift() as number;
      const skips = this.moved.get(seq);
      if (skips === undefined) return seq;
      if (skips === 1) this.moved.delete(seq);
      else this.moved.set(seq, skips - 1);
    }
  }

  private persist(line: string): void {
    this.pending.push(line + '\n');
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => {
        if (this.flushScheduled) void this.flush();
      }, 10);
    }
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.writing.then(job).catch((error: unknown) => {
      this.options.log?.error(`Could not write the delivery history (${this.options.path}): ${error instanceof Error ? error.message : String(error)}`);
    });
    this.writing = next;
    return next;
  }

  /** Runs a write holding the file's lock (shared with every other process writing this history). */
  private async locked<T>(job: () => Promise<T>): Promise<T> {
    return (this.lock as FileLock).run(job);
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const file = this.options.path as string;
    const lines = this.pending;
    this.pending = [];
    let written = false;
    try {
      await this.locked(async () => {
        const bytes = await appendLines(file, lines);
        written = true;
        this.linesInFile += lines.length;
        if (this.linesInFile >= 2 * this.size || bytes >= 2 * this.maxBytes) await this.compact();
      });
    } catch (error) {
      // Not written (e.g. another process held the lock too long): keep the lines for the next flush, within the bound.
      if (!written) {
        this.pending = [...lines, ...this.pending];
        while (this.pending.length > 2 * this.size) this.pending.shift();
      }
      throw error;
    }
  }

  /** Under the lock: re-reads the file — every writer's lines — and keeps the newest records the bounds allow. */
  private async compact(): Promise<void> {
    const file = this.options.path as string;
    const scan = await this.scan(file, true);
    await this.rewrite(scan.entries.map((e) => e.line ?? JSON.stringify(e.record)));
  }

  /** Replaces the file's lines. Lines still pending are not in them: they were appended after, and are written next. */
  private async rewrite(lines: string[]): Promise<void> {
    const file = this.options.path as string;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const written = await replaceLines(file, lines);
    this.linesInFile = written.lines;
  }

  private async load(file: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.chmod(file, 0o600).catch(() => undefined);
    // Under the lock when it can be had, so that no half-written line of another writer is read as corrupt.
    const locked = await (this.lock as FileLock).acquire(5_000);
    let scan: FileScan;
    let compacted = false;
    const needsCompaction = (s: FileScan) => s.corrupted > 0 || s.lines >= 2 * this.size || s.bytes >= 2 * this.maxBytes;
    try {
      scan = await this.scan(file, false);
      if (locked && needsCompaction(scan)) {
        // Still holding the lock: what was just read is the file's content, so write it back without reading it again.
        try {
          await this.rewrite(scan.entries.map((e) => JSON.stringify(e.record)));
          compacted = true;
        } catch (error) {
          this.options.log?.error(`Could not compact the delivery history (${file}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      if (locked) this.lock?.release();
    }
    for (const entry of scan.entries) {
      if (!this.records.has(entry.record.seq)) this.order.push(entry.record.seq);
      this.records.set(entry.record.seq, entry.record);
      this.setBytes(entry.record.seq, entry.bytes);
      this.seq.observe(entry.record.seq);
    }
    if (!compacted) this.linesInFile = scan.lines;
    this.corruptedLines = scan.corrupted;
    if (scan.corrupted > 0) {
      this.options.log?.warn(`Delivery history ${file}: skipped ${scan.corrupted} corrupted line${scan.corrupted === 1 ? '' : 's'}.`);
    }
    if (!compacted && needsCompaction(scan)) await this.enqueue(() => this.locked(() => this.compact()));
  }

  /**
   * One pass over the file, holding only what the bounds allow (plus a quarter, pruned as it goes):
   * the newest `size` records whose lines add up to at most `maxBytes`, oldest first.
   */
  private async scan(file: string, keepLines: boolean): Promise<FileScan> {
    const bySeq = new Map<number, Entry>();
    let held = 0;
    let corrupted = 0;
    const prune = (count: number, bytes: number) => {
      const kept = newest([...bySeq.values()], count, bytes);
      bySeq.clear();
      held = 0;
      for (const e of kept) {
        bySeq.set(e.record.seq, e);
        held += e.bytes;
      }
    };
    const result = await scanLines(file, Math.max(16 * 1024 * 1024, this.maxBytes), (line) => {
      const record = parseRecord(line);
      if (!record) {
        corrupted++;
        return;
      }
      const bytes = Buffer.byteLength(line) + 1;
      const earlier = bySeq.get(record.seq);
      const merged = earlier ? mergeVersions(earlier.record, record) : record;
      const entry: Entry = { record: merged, bytes, ...(keepLines && merged === record ? { line } : {}) };
      if (earlier) held -= earlier.bytes;
      bySeq.delete(record.seq);
      bySeq.set(record.seq, entry);
      held += bytes;
      if (bySeq.size > this.size + (this.size >> 2) + 16 || held > this.maxBytes + (this.maxBytes >> 2)) prune(this.size, this.maxBytes);
    });
    if (!result) return { entries: [], lines: 0, corrupted: 0, bytes: 0 };
    const entries = newest([...bySeq.values()], this.size, this.maxBytes);
    return { entries, lines: result.lines, corrupted: corrupted + result.oversized, bytes: result.bytes };
  }
}

/** The newest entries (by seq) within both bounds, oldest first; the newest one always. */
function newest(entries: Entry[], count: number, bytes: number): Entry[] {
  entries.sort((a, b) => b.record.seq - a.record.seq);
  const kept: Entry[] = [];
  let total = 0;
  for (const e of entries) {
    if (kept.length >= count || (kept.length > 0 && total + e.bytes > bytes)) break;
    kept.push(e);
    total += e.bytes;
  }
  return kept.reverse();
}

/**
 * Two lines for one seq: the later one, but a forward result or replays that only the earlier one has
 * are kept — two windows may each have added theirs to a copy of the same record.
 */
function mergeVersions(earlier: ReceivedDelivery, later: ReceivedDelivery): ReceivedDelivery {
  const forward = later.forward ?? earlier.forward;
  const replays = (earlier.replays?.length ?? 0) > (later.replays?.length ?? 0) ? earlier.replays : later.replays;
  if (forward === later.forward && replays === later.replays) return later;
  return { ...later, ...(forward ? { forward } : {}), ...(replays ? { replays } : {}) };
}

/** What a record held only in memory costs, roughly, as a JSON line (no serialization on the hot path). */
function estimateBytes(record: ReceivedDelivery): number {
  let bytes = 400 + record.body.length + record.path.length + (record.reason?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers)) bytes += name.length + value.length + 6;
  // user_metadata is a part of the body: it costs at most the body again.
  if (record.userMetadata) bytes += Math.min(record.body.length, 64 * 1024);
  return bytes;
}

function parseRecord(line: string): ReceivedDelivery | undefined {
  try {
    const value = JSON.parse(line) as Partial<ReceivedDelivery> | null;
    // A seq beyond MAX_SEQ (a hand-edited Number.MAX_SAFE_INTEGER) would stop seqs from increasing: such a line is corrupt.
    if (!value || typeof value !== 'object' || !validSeq(value.seq)) return undefined;
    if (typeof value.verdict !== 'string' || typeof value.receivedAt !== 'string' || typeof value.body !== 'string') return undefined;
    if (!value.headers || typeof value.headers !== 'object') return undefined;
    return value as ReceivedDelivery;
  } catch {
    return undefined;
  }
}
