/**
 * An exclusive lock between processes: a lock file created with O_EXCL (`wx`) naming its holder
 * (pid, host, time). Held only for the few milliseconds of one write (an append, a compaction, a seq
 * reservation), never for a process's lifetime, so a leftover lock means its holder died mid-write:
 * it is stale when its pid no longer runs on this host, or when it is older than `staleMs` (any host).
 *
 * Stealing a stale lock goes through a second, short-lived lock (`<lock>.steal`): only the process
 * holding it may remove the stale lock, after reading it once more, so two processes that both saw
 * the stale lock cannot both delete it — and cannot delete a fresh lock created in between.
 */
import * as fs from 'node:fs';
import { hostname } from 'node:os';

export const DEFAULT_LOCK_STALE_MS = 30_000;

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly at: number;
}

export interface LockOptions {
  /** A lock older than this is stale whoever holds it (default 30 s: no write takes that long). */
  readonly staleMs?: number;
  /** Give up waiting after this long (default 10 s async, 500 ms sync). */
  readonly timeoutMs?: number;
}

const HOST = hostname();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class FileLock {
  private held = false;
  private readonly staleMs: number;

  constructor(
    readonly file: string,
    options: Pick<LockOptions, 'staleMs'> = {},
  ) {
    this.staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Waits (polling, without blocking the event loop) until the lock is ours; false on timeout. */
  async acquire(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let wait = 2; ; wait = Math.min(50, wait * 2)) {
      if (this.tryOnce()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** The same, blocking: for the tiny critical sections that must finish synchronously (seq reservation). */
  acquireSync(timeoutMs = 500): boolean {
    const deadline = Date.now() + timeoutMs;
    for (let wait = 1; ; wait = Math.min(20, wait * 2)) {
      if (this.tryOnce()) return true;
      if (Date.now() >= deadline) return false;
      Atomics.wait(sleeper, 0, 0, wait);
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      fs.unlinkSync(this.file);
    } catch {
      // Already gone (stolen as stale): nothing to release.
    }
  }

  /** Runs `job` holding the lock; throws when the lock cannot be had within the timeout. */
  async run<T>(job: () => Promise<T>, timeoutMs?: number): Promise<T> {
    if (!(await this.acquire(timeoutMs))) throw new Error(`the lock ${this.file} is held by another process`);
    try {
      return await job();
    } finally {
      this.release();
    }
  }

  private tryOnce(): boolean {
    if (this.create(this.file)) {
      this.held = true;
      return true;
    }
    const holder = readHolder(this.file);
    if (holder === 'gone') return false; // released meanwhile: the caller's next try takes it
    if (!this.isStale(this.file, holder)) return false;
    // Stale: remove it, but only as the one process holding the steal lock.
    const steal = `${this.file}.steal`;
    if (!this.create(steal)) {
      const stealer = readHolder(steal);
      if (stealer !== 'gone' && this.isStale(steal, stealer, 5_000)) rm(steal);
      return false;
    }
    try {
      const again = readHolder(this.file);
      if (again !== 'gone' && sameHolder(again, holder) && this.isStale(this.file, again)) rm(this.file);
    } finally {
      rm(steal);
    }
    if (this.create(this.file)) {
      this.held = true;
      return true;
    }
    return false;
  }

  private create(file: string): boolean {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: HOST, at: Date.now() } satisfies Holder));
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }

  private isStale(file: string, holder: Holder | undefined, staleMs = this.staleMs): boolean {
    if (holder && holder.host === HOST && holder.pid !== process.pid && !alive(holder.pid)) return true;
    try {
      return Date.now() - fs.statSync(file).mtimeMs > staleMs;
    } catch {
      return false;
    }
  }
}

/** The holder named in a lock file: undefined when unreadable (half-written by a process that died), 'gone' when there is no file. */
function readHolder(file: string): Holder | undefined | 'gone' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.at === 'number') return value as Holder;
  } catch {
    // fall through
  }
  return undefined;
}

function sameHolder(a: Holder | undefined, b: Holder | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.pid === b.pid && a.host === b.host && a.at === b.at);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function rm(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
