/**
 * The bounded delivery history (oldest evicted), optionally persisted as append-only JSON lines:
 * one line per append and per update (a later line with the same seq replaces the earlier one).
 * The file is rewritten (compacted) when it grows to about twice the bound. Loading skips corrupted
 * lines, counts them and warns. Writes are batched and never block the caller.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Emitter } from './emitter';
import { ReceivedDelivery } from './types';

export const DEFAULT_HISTORY_SIZE = 1_000;

export interface ReceiverLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface HistoryOptions {
  readonly size?: number;
  /** JSON-lines file; absent = memory only. */
  readonly path?: string;
  readonly log?: ReceiverLog;
}

/** Records as JSON lines, one per record, each ending in a newline: the history file and exports share it. */
export function toJsonLines(records: readonly ReceivedDelivery[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

export class History {
  private readonly records = new Map<number, ReceivedDelivery>();
  private readonly appended = new Emitter<ReceivedDelivery>();
  private readonly updated = new Emitter<ReceivedDelivery>();
  private readonly cleared = new Emitter<void>();
  /** Fires when a record is added (every request, accepted or not). */
  readonly onDidAppend = this.appended.event;
  /** Fires when a record changes after it was added (forward result, replay). */
  readonly onDidUpdate = this.updated.event;
  readonly onDidClear = this.cleared.event;
  readonly size: number;
  private pending: string[] = [];
  private linesInFile = 0;
  private writing: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private last = 0;
  /** Lines skipped as unreadable when the file was loaded. */
  corruptedLines = 0;

  private constructor(private readonly options: HistoryOptions) {
    this.size = Math.max(1, Math.floor(options.size ?? DEFAULT_HISTORY_SIZE));
  }

  /** Opens a history, loading its file when there is one. */
  static async open(options: HistoryOptions = {}): Promise<History> {
    const history = new History(options);
    if (options.path) await history.load(options.path);
    return history;
  }

  /** The highest seq handed out so far. */
  get lastSeq(): number {
    return this.last;
  }

  nextSeq(): number {
    return ++this.last;
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

  append(record: ReceivedDelivery): void {
    this.records.set(record.seq, record);
    if (record.seq > this.last) this.last = record.seq;
    while (this.records.size > this.size) this.records.delete(this.records.keys().next().value as number);
    this.persist(record);
    this.appended.fire(record);
  }

  /** Re-saves a record changed in place (forward results, replays). */
  update(record: ReceivedDelivery): void {
    if (this.records.get(record.seq) !== record) return;
    this.persist(record);
    this.updated.fire(record);
  }

  async clear(): Promise<void> {
    this.records.clear();
    this.pending = [];
    if (this.options.path) await this.enqueue(() => this.rewrite());
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

  dispose(): void {
    this.appended.dispose();
    this.updated.dispose();
    this.cleared.dispose();
  }

  private persist(record: ReceivedDelivery): void {
    if (!this.options.path) return;
    this.pending.push(JSON.stringify(record) + '\n');
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

  private async writePending(): Promise<void> {
    const file = this.options.path as string;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    if (this.linesInFile + lines.length >= 2 * this.size) return this.rewrite();
    await fs.appendFile(file, lines.join(''), 'utf8');
    this.linesInFile += lines.length;
  }

  /** Replaces the file with exactly the records held now. */
  private async rewrite(): Promise<void> {
    const file = this.options.path as string;
    this.pending = [];
    const records = this.all();
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, toJsonLines(records), 'utf8');
    await fs.rename(tmp, file);
    this.linesInFile = records.length;
  }

  private async load(file: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const bySeq = new Map<number, ReceivedDelivery>();
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines++;
      const record = parseRecord(line);
      if (!record) {
        this.corruptedLines++;
        continue;
      }
      bySeq.set(record.seq, record);
    }
    const sorted = [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-this.size);
    for (const record of sorted) this.records.set(record.seq, record);
    this.last = sorted.length > 0 ? sorted[sorted.length - 1].seq : 0;
    this.linesInFile = lines;
    if (this.corruptedLines > 0) {
      this.options.log?.warn(`Delivery history ${file}: skipped ${this.corruptedLines} corrupted line${this.corruptedLines === 1 ? '' : 's'}.`);
    }
    if (this.corruptedLines > 0 || lines >= 2 * this.size) await this.enqueue(() => this.rewrite());
  }
}

function parseRecord(line: string): ReceivedDelivery | undefined {
  try {
    const value = JSON.parse(line) as Partial<ReceivedDelivery> | null;
    if (!value || typeof value !== 'object' || !Number.isSafeInteger(value.seq) || (value.seq as number) < 1) return undefined;
    if (typeof value.verdict !== 'string' || typeof value.receivedAt !== 'string' || typeof value.body !== 'string') return undefined;
    if (!value.headers || typeof value.headers !== 'object') return undefined;
    return value as ReceivedDelivery;
  } catch {
    return undefined;
  }
}
