/**
 * The deliveries already seen, mapping each to the seq that first carried it. A delivery is known by
 * its source and its webhook-id — never by the secret or key that verified it: an event first signed
 * with secrets A and B and retried after A's revocation (signed by B alone) is the same event. The
 * source is the webhook when the matched secret names one, else "static" or "dynamic": senders may
 * reuse one message id for every endpoint, so two webhooks pointing at the same receiver are not
 * duplicates of each other.
 *
 * Gemini retries for 24 hours, so an id is remembered for 24 hours plus the timestamp tolerance from
 * when it was first seen, bounded in count (oldest forgotten first), independently of the history's
 * bound. Persisted as JSON lines beside the history (`<name>.dedupe.jsonl`, one `{k, s, t}` per id),
 * appended and compacted under a lock the way the history is, so a restart remembers every id.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { KeyQueue } from '../util/keyQueue';
import type { MatchedSecret, Scheme } from '../verify/verdict';
import type { ReceiverLog } from './history';
import { FileLock } from './store/fileLock';
import { appendLines, replaceLines, scanLines } from './store/lineFile';

export const DEFAULT_DEDUPE_SIZE = 50_000;
/** How long Gemini retries a delivery. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What identifies an accepted delivery's source. */
export interface DeliverySource {
  readonly scheme: Scheme;
  readonly matchedSecret?: MatchedSecret;
}

/** The source part of a delivery's identity: `webhook:<id>` when the matched secret names a webhook, else `static` or `dynamic`. */
export function sourceKey(source: DeliverySource): string {
  return source.matchedSecret?.webhookId ? `webhook:${source.matchedSecret.webhookId}` : source.scheme === 'dynamic' ? 'dynamic' : 'static';
}

export function dedupeKey(source: DeliverySource, webhookId: string): string {
  return `${sourceKey(source)}\u0000${webhookId}`;
}

/** Where the dedupe memory of a history file lives: `receiver-history.jsonl` → `receiver-history.dedupe.jsonl`. */
export function dedupePathFor(historyPath: string): string {
  const dir = path.dirname(historyPath);
  const base = path.basename(historyPath).replace(/\.jsonl$/, '');
  return path.join(dir, `${base}.dedupe.jsonl`);
}

export interface DedupeOptions {
  /** JSON-lines file; absent = memory only. */
  readonly path?: string;
  readonly capacity?: number;
  /** How long an id is remembered after it was first seen (default 24 h + 300 s). */
  readonly windowMs?: number;
  readonly now?: () => number;
  readonly log?: ReceiverLog;
}

interface Seen {
  readonly seq: number;
  /** Epoch ms it was first seen. */
  readonly at: number;
}

export class DedupeStore {
  /** In first-seen order. */
  private readonly seen = new Map<string, Seen>();
  /** The same keys in the same order: what is forgotten next, in O(1) (see KeyQueue). */
  private readonly order = new KeyQueue<string>();
  private readonly capacity: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly lock: FileLock | undefined;
  private pending: string[] = [];
  private linesInFile = 0;
  private writing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Lines skipped as unreadable when the file was loaded. */
  corruptedLines = 0;

  private constructor(private readonly options: DedupeOptions) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_DEDUPE_SIZE));
    this.windowMs = options.windowMs ?? RETRY_WINDOW_MS + 300_000;
    this.now = options.now ?? Date.now;
    this.lock = options.path ? new FileLock(`${options.path}.lock`) : undefined;
  }

  static async open(options: DedupeOptions = {}): Promise<DedupeStore> {
    const store = new DedupeStore(options);
    if (options.path) await store.load(options.path);
    return store;
  }

  /** The seq of the first delivery with this key (see dedupeKey), or undefined (and the key is remembered as `seq`). */
  firstOrRemember(key: string, seq: number): number | undefined {
    const now = this.now();
    this.expire(now);
    const first = this.seen.get(key);
    if (first !== undefined) return first.seq;
    this.remember(key, { seq, at: now });
    if (this.options.path) {
      this.pending.push(JSON.stringify({ k: key, s: seq, t: now }) + '\n');
      this.flushTimer ??= setTimeout(() => void this.flush(), 10);
    }
    return undefined;
  }

  /** The seq of the first delivery with this key, without remembering it when there is none (a rehearsed failure was not processed). */
  first(key: string): number | undefined {
    this.expire(this.now());
    return this.seen.get(key)?.seq;
  }

  /** Remembers a key seen earlier (e.g. a record of the history), keeping the earliest sighting; not persisted. */
  seed(key: string, seq: number, at: number): void {
    if (this.seen.has(key) || at < this.now() - this.windowMs) return;
    this.remember(key, { seq, at });
  }

  get size(): number {
    return this.seen.size;
  }

  /** Resolves once everything remembered so far is on disk. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.options.path) return;
    await this.enqueue(() => this.writePending());
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Adds a key not yet known (the map and the queue stay in step: keys leave only from the head). */
  private remember(key: string, seen: Seen): void {
    this.seen.set(key, seen);
    this.order.push(key);
    while (this.seen.size > this.capacity) this.seen.delete(this.order.shift() as string);
  }

  /** Forgets ids first seen before the window (kept in first-seen order, so only the head is looked at). */
  private expire(now: number): void {
    const horizon = now - this.windowMs;
    for (let key = this.order.peek(); key !== undefined; key = this.order.peek()) {
      if ((this.seen.get(key) as Seen).at >= horizon) break;
      this.seen.delete(key);
      this.order.shift();
    }
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.writing.then(job).catch((error: unknown) => {
      this.options.log?.error(`Could not write the dedupe memory (${this.options.path}): ${error instanceof Error ? error.message : String(error)}`);
    });
    this.writing = next;
    return next;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const file = this.options.path as string;
    const lines = this.pending;
    this.pending = [];
    await (this.lock as FileLock).run(async () => {
      await appendLines(file, lines);
      this.linesInFile += lines.length;
      if (this.linesInFile >= 2 * this.capacity || (this.linesInFile > 1_000 && this.linesInFile > 4 * this.seen.size)) await this.compact(file);
    });
  }

  /** Under the lock: re-reads the file (every writer's ids) and keeps those inside the window, within the bound. */
  private async compact(file: string): Promise<void> {
    const entries = await this.scan(file);
    const written = await replaceLines(
      file,
      [...entries].map(([k, v]) => JSON.stringify({ k, s: v.seq, t: v.at })),
    );
    this.linesInFile = written.lines;
  }

  private async load(file: string): Promise<void> {
    const lock = this.lock as FileLock;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const locked = await lock.acquire(5_000);
    let entries: Map<string, Seen>;
    let lines = 0;
    try {
      entries = await this.scan(file, (n) => (lines = n));
    } finally {
      if (locked) lock.release();
    }
    for (const [key, seen] of entries) this.remember(key, seen);
    this.linesInFile = lines;
    if (this.corruptedLines > 0)
      this.options.log?.warn(`Dedupe memory ${file}: skipped ${this.corruptedLines} corrupted line${this.corruptedLines === 1 ? '' : 's'}.`);
    if (this.corruptedLines > 0 || lines > 2 * entries.size + 1_000) await this.enqueue(() => lock.run(() => this.compact(file)));
  }

  /** The ids of the file still inside the window, in first-seen order, at most `capacity` (the newest). */
  private async scan(file: string, onLines?: (n: number) => void): Promise<Map<string, Seen>> {
    const horizon = this.now() - this.windowMs;
    const all = new Map<string, Seen>();
    let corrupted = 0;
    const result = await scanLines(file, 64 * 1024, (line) => {
      let value: { k?: unknown; s?: unknown; t?: unknown };
      try {
        value = JSON.parse(line) as typeof value;
      } catch {
        corrupted++;
        return;
      }
      if (!value || typeof value.k !== 'string' || typeof value.s !== 'number' || typeof value.t !== 'number') {
        corrupted++;
        return;
      }
      if (value.t < horizon) return;
      const earlier = all.get(value.k);
      if (!earlier || value.t < earlier.at) all.set(value.k, { seq: value.s, at: value.t });
      if (all.size > 2 * this.capacity) trim(all, this.capacity);
    });
    this.corruptedLines = corrupted + (result?.oversized ?? 0);
    onLines?.(result?.lines ?? 0);
    const sorted = new Map([...all].sort((a, b) => a[1].at - b[1].at));
    trim(sorted, this.capacity);
    return sorted;
  }
}

/** Keeps the `capacity` most recently first-seen entries (ties: the later in the file), in first-seen order. */
function trim(map: Map<string, Seen>, capacity: number): void {
  if (map.size <= capacity) return;
  const keep = [...map].sort((a, b) => a[1].at - b[1].at).slice(-capacity);
  map.clear();
  for (const [k, v] of keep) map.set(k, v);
}
