/**
 * Sequence numbers unique across every process that shares a history file. A seq is needed
 * synchronously, while a request is answered (the answer names it), so it cannot wait for the
 * history's write lock: each process reserves a block of seqs at a time from a small counter file
 * beside the history (`<history>.seq`), under its own lock held for a few syscalls, and hands them
 * out from memory. Two windows therefore never give out the same seq; their seqs interleave by
 * block. On close, a process hands back the unused rest of its block when nobody reserved after it,
 * so a single window's seqs stay contiguous across reloads.
 *
 * Seqs are kept at or below MAX_SEQ: a counter (or a record) beyond it is treated as corrupt, so a
 * hand-edited `Number.MAX_SAFE_INTEGER` cannot push the counter past the integers a double holds
 * exactly (where `n + 1 === n` and every later record would land on the same seq).
 */
import * as fs from 'node:fs';
import { FileLock } from './fileLock';

/** 2^48: far more deliveries than any history sees, far below Number.MAX_SAFE_INTEGER. */
export const MAX_SEQ = 2 ** 48;
export const SEQ_BLOCK = 100;

export function validSeq(seq: unknown): seq is number {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 && seq <= MAX_SEQ;
}

export class SeqCounter {
  /** The highest seq known to be taken (loaded, appended or handed out). */
  private floor = 0;
  /** The next seq of the reserved block, and the block's end (exclusive). */
  private nextInBlock = 1;
  private blockEnd = 1;
  private readonly lock: FileLock | undefined;
  private warned = false;

  constructor(
    /** Absent: seqs are local to this process (a history kept in memory only). */
    private readonly file: string | undefined,
    private readonly warn: (message: string) => void = () => undefined,
    private readonly block = SEQ_BLOCK,
  ) {
    this.lock = file ? new FileLock(`${file}.lock`) : undefined;
  }

  /** The highest seq seen so far. */
  get last(): number {
    return this.floor;
  }

  /** A seq is in use (loaded from the file, or appended by the caller): never hand it out. */
  observe(seq: number): void {
    if (seq > this.floor) this.floor = seq;
    if (this.nextInBlock <= seq) this.nextInBlock = seq + 1;
  }

  next(): number {
    if (this.nextInBlock >= this.blockEnd) this.reserve();
    const seq = this.nextInBlock++;
    if (seq > this.floor) this.floor = seq;
    return seq;
  }

  /** Hands back the unused rest of the block when the counter still ends with it (no other process reserved since). */
  release(): void {
    if (!this.file || !this.lock || this.nextInBlock >= this.blockEnd) return;
    try {
      if (!this.lock.acquireSync(200)) return;
      try {
        if (readCounter(this.file) === this.blockEnd) writeCounter(this.file, Math.max(this.nextInBlock, this.floor + 1));
        this.blockEnd = this.nextInBlock;
      } finally {
        this.lock.release();
      }
    } catch {
      // Keeping the gap is harmless.
    }
  }

  private reserve(): void {
    const local = Math.max(this.floor + 1, this.nextInBlock);
    if (!this.file || !this.lock) {
      this.nextInBlock = local;
      this.blockEnd = local + this.block;
      return;
    }
    try {
      if (this.lock.acquireSync()) {
        try {
          const stored = readCounter(this.file);
          if (stored === 'corrupt') this.warn(`Delivery history: the seq counter ${this.file} was not readable; continuing after seq ${local - 1}.`);
          const start = Math.max(local, typeof stored === 'number' ? stored : 1);
          writeCounter(this.file, start + this.block);
          this.nextInBlock = start;
          this.blockEnd = start + this.block;
          return;
        } finally {
          this.lock.release();
        }
      }
    } catch (error) {
      this.warnOnce(`could not update the seq counter ${this.file} (${error instanceof Error ? error.message : String(error)})`);
    }
    this.warnOnce(`the seq counter ${this.file} is locked by another process`);
    // Degraded: unique within this process; another window writing the same history may reuse these seqs.
    this.nextInBlock = local;
    this.blockEnd = local + this.block;
  }

  private warnOnce(what: string): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`Delivery history: ${what}; seqs continue locally, and another window writing the same history may repeat them.`);
  }
}

/** The counter's next free seq; undefined when there is no counter yet; 'corrupt' when unreadable or out of range. */
function readCounter(file: string): number | undefined | 'corrupt' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const next = (JSON.parse(text) as { next?: unknown }).next;
    return validSeq(next) ? next : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

function writeCounter(file: string, next: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ next }) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
