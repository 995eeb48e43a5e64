/**
 * `--state FILE`: webhooks and their secrets persisted across restarts. Writes are atomic (temp file
 * + rename) and private (mode 0600: the file holds signing secrets). A corrupt file is never lost:
 * it is moved aside to `FILE.corrupt-<time>` with a clear warning, and the emulator starts empty.
 *
 * Several emulators may share one file (two VS Code windows each run one on the same global
 * storage). Owning the file by one of them (a lock held while it runs) would leave the other without
 * persistence — its webhooks and their secrets gone at its next start, the very loss to avoid — or
 * without an emulator. So the file is shared, and every change is a short transaction instead:
 *
 *   take `FILE.lock` (O_EXCL; held for the few milliseconds of one change; a lock whose process is
 *   gone, or older than 10 s, is stale and taken over) → re-read the file and merge it into memory →
 *   apply the change → write → release.
 *
 * The merge rule, per webhook id, against the ids the file held when this emulator last read or
 * wrote it: an id only in the file that we never knew is another emulator's new webhook (taken in);
 * one in the file that we knew but no longer have was deleted here (it stays deleted); one we have
 * that the file no longer has was deleted there (dropped here); an id on both sides takes the file's
 * version — not the later update_time, which two changes within one millisecond share: the file holds
 * every saved change in the order the lock admitted them, and this emulator keeps no unsaved one (a
 * change that cannot be saved is undone). Changes never
 * interleave (the lock), so each one starts from everything saved before it. Between changes, API
 * calls take in the file when it has changed (one stat), so each emulator lists the other's webhooks.
 *
 * A change whose file cannot be written is undone and fails (a 500 in Google's envelope): a create
 * or a rotation never answers a secret that the next start would not know.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from './errors';
import { randomToken } from './ids';
import { secretRecord } from './secrets';
import { WEBHOOK_STATES, Webhook, WebhookInput, WebhookState } from '../api/types';
import { StorePersistence, StoredWebhook, WebhookStore } from './webhookStore';
import { validateSigningSecret } from '../verify/secretFormat';

const FORMAT = 'gemini-webhooks-emulator-state';
const VERSION = 1;
/** A lock is held for one synchronous change: one this old was left by a process that died holding it. */
const LOCK_STALE_MS = 10_000;
/** How long a change waits for another emulator's lock before it fails. */
const LOCK_WAIT_MS = 2_000;

/** A webhook as the state file keeps it: the API resource's id, input fields and state, with epoch-ms times and the full secrets. */
interface PersistedWebhook extends Pick<Webhook, 'id'>, WebhookInput {
  readonly state: WebhookState;
  readonly create_time: number;
  readonly update_time: number;
  readonly secrets: readonly { readonly secret: string; readonly create_time: number; readonly expire_time?: number }[];
}

export class StateFile implements StorePersistence {
  /** The ids the file held when this emulator last read or wrote it: what a merge tells deletions by. */
  private known = new Set<string>();
  /** The file's identity (inode, size, mtime) as of that moment: unchanged means nothing to take in. */
  private seen: string | undefined;

  constructor(
    readonly file: string,
    private readonly warn: (line: string) => void,
  ) {}

  /** At start: the file's webhooks (none when it is missing; a corrupt one is moved aside). */
  load(store: WebhookStore): void {
    const webhooks = this.read(true);
    for (const w of webhooks ?? []) store.restore(fromPersisted(w));
    this.known = new Set((webhooks ?? []).map((w) => w.id));
  }

  refresh(store: WebhookStore): void {
    if (this.identity() === this.seen) return;
    try {
      this.merge(store);
    } catch (err) {
      this.warn(`emulator: could not re-read the state file ${this.file}: ${describe(err)}`);
    }
  }

  merge(store: WebhookStore): void {
    const webhooks = this.read(false);
    if (webhooks === undefined) {
      // Missing, or corrupt and moved aside: nothing to take in, and nothing we have counts as deleted.
      this.known = new Set([...store.all()].map((r) => r.id));
      return;
    }
    const theirs = new Map(webhooks.map((w) => [w.id, w]));
    for (const record of [...store.all()]) {
      const other = theirs.get(record.id);
      if (!other) {
        if (this.known.has(record.id)) store.drop(record.id); // deleted in another emulator
      } else store.assign(record, fromPersisted(other)); // the file holds every saved change, in lock order
    }
    for (const w of webhooks) if (!store.find(w.id) && !this.known.has(w.id)) store.restore(fromPersisted(w)); // created in another one
    this.known = new Set(theirs.keys());
  }

  lock(): () => void {
    const lockFile = `${this.file}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fd = fs.openSync(lockFile, 'wx', 0o600);
        try {
          fs.writeSync(fd, String(process.pid));
        } finally {
          fs.closeSync(fd);
        }
        return () => fs.rmSync(lockFile, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          this.warn(`emulator: could not save state to ${this.file}: cannot create ${lockFile} (${describe(err)})`);
          throw saveFailed(this.file, err);
        }
      }
      if (isStale(lockFile)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new ApiError(
          500,
          'INTERNAL',
          `Could not save the emulator state: ${this.file} stayed locked by another emulator for ${LOCK_WAIT_MS} ms; nothing was changed.`,
        );
      sleepSync(5);
    }
  }

  save(store: WebhookStore): void {
    const webhooks: PersistedWebhook[] = [...store.all()].map((r) => ({
      id: r.id,
      ...(r.name !== undefined ? { name: r.name } : {}),
      uri: r.uri,
      subscribed_events: r.subscribed_events,
      state: r.state,
      create_time: r.createTime,
      update_time: r.updateTime,
      secrets: r.secrets.map((s) => ({ secret: s.secret, create_time: s.createTime, ...(s.expireTime !== undefined ? { expire_time: s.expireTime } : {}) })),
    }));
    const text = JSON.stringify({ format: FORMAT, version: VERSION, webhooks }, null, 2);
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.${randomToken(8)}.tmp`);
    try {
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      this.warn(`emulator: could not save state to ${this.file}: ${describe(err)}`);
      throw saveFailed(this.file, err);
    }
    this.known = new Set(webhooks.map((w) => w.id));
    this.seen = this.identity();
  }

  /** The file's webhooks; undefined when it is missing or (moved aside as) corrupt. Throws when it cannot be read. */
  private read(starting: boolean): PersistedWebhook[] | undefined {
    const before = this.identity();
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.seen = undefined;
        return undefined;
      }
      throw new Error(`cannot read state file ${this.file}: ${describe(err)}`);
    }
    try {
      const webhooks = parseState(text);
      this.seen = before;
      return webhooks;
    } catch (err) {
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(this.file, aside);
      this.seen = undefined;
      this.warn(
        `emulator: state file ${this.file} is not valid (${(err as Error).message}); moved it aside to ${aside} and ${starting ? 'started with no webhooks' : 'kept the webhooks in memory'}`,
      );
      return undefined;
    }
  }

  private identity(): string | undefined {
    try {
      const st = fs.statSync(this.file);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
  }
}

function fromPersisted(w: PersistedWebhook): StoredWebhook {
  return {
    id: w.id,
    ...(w.name !== undefined ? { name: w.name } : {}),
    uri: w.uri,
    subscribed_events: [...w.subscribed_events],
    state: w.state,
    createTime: w.create_time,
    updateTime: w.update_time,
    secrets: w.secrets.map((s) => secretRecord(s.secret, s.create_time, s.expire_time)),
  };
}

function saveFailed(file: string, err: unknown): ApiError {
  return new ApiError(500, 'INTERNAL', `Could not save the emulator state to ${file} (${describe(err)}); nothing was changed.`);
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? (err instanceof Error ? err.message : String(err));
}

/** A lock left by a process that is gone, or held far longer than any change takes. */
function isStale(lockFile: string): boolean {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !processExists(pid)) return true;
    return Date.now() - fs.statSync(lockFile).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // released meanwhile: the next try takes it
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function parseState(text: string): PersistedWebhook[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const v = value as { format?: unknown; version?: unknown; webhooks?: unknown };
  if (typeof v !== 'object' || v === null || v.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
  if (v.version !== VERSION) throw new Error(`unsupported version ${String(v.version)}`);
  if (!Array.isArray(v.webhooks)) throw new Error('webhooks is not a list');
  const ids = new Set<string>();
  for (const [i, w] of (v.webhooks as PersistedWebhook[]).entries()) {
    const ok =
      typeof w === 'object' &&
      w !== null &&
      typeof w.id === 'string' &&
      !ids.has(w.id) &&
      typeof w.uri === 'string' &&
      Array.isArray(w.subscribed_events) &&
      w.subscribed_events.every((e) => typeof e === 'string') &&
      WEBHOOK_STATES.includes(w.state) &&
      typeof w.create_time === 'number' &&
      typeof w.update_time === 'number' &&
      (w.name === undefined || typeof w.name === 'string') &&
      Array.isArray(w.secrets) &&
      w.secrets.length > 0 &&
      w.secrets.every(
        (s) =>
          typeof s === 'object' &&
          s !== null &&
          typeof s.secret === 'string' &&
          validateSigningSecret(s.secret) === undefined &&
          typeof s.create_time === 'number' &&
          (s.expire_time === undefined || typeof s.expire_time === 'number'),
      );
    if (!ok) throw new Error(`webhook #${i} is malformed`);
    ids.add(w.id);
  }
  return v.webhooks as PersistedWebhook[];
}
