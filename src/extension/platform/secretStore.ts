/**
 * The one place secrets are kept: VS Code's SecretStorage, behind typed keys.
 * - the Gemini API key;
 * - signing secrets, one entry per webhook id (`geminiWebhooks.signingSecrets/<id>`: current and
 *   previous ones with their expiry), one entry per secret added by hand for webhooks made elsewhere,
 *   and an index listing them (SecretStorage in VS Code 1.100 cannot list its keys).
 * Each entry is validated on its own: a bad one is skipped with a warning, never thrown. A value that
 * does not read is copied to `<key>.backup-<time>` before it is overwritten. Writing one webhook's
 * secrets never rewrites another's, so two windows do not lose each other's updates (the index is
 * re-checked after each write and healed when an entry is read).
 * Other windows may change the same storage: `onDidChange` re-emits those changes.
 */
import * as vscode from 'vscode';
import { localTime } from '../../core/util/when';
import { SecretCandidate } from '../../core/verify/secretCandidates';
import { SECRET_KEYS } from './ids';
import { ManualSecret, SecretIndex, StoredSigningSecret, emptyIndex, parseIndex, parseManualSecret, parseWebhookSecrets } from './storedSecrets';
import { Disposable } from './disposable';

export type { StoredSigningSecret } from './storedSecrets';

const API_KEY = SECRET_KEYS.apiKey;
const INDEX = SECRET_KEYS.signingSecretsIndex;
const WEBHOOK_PREFIX = SECRET_KEYS.webhookSecretPrefix;
const MANUAL_PREFIX = SECRET_KEYS.manualSecretPrefix;

export const webhookSecretKey = (webhookId: string): string => `${WEBHOOK_PREFIX}${webhookId}`;
export const manualSecretKey = (label: string): string => `${MANUAL_PREFIX}${label}`;
export const SIGNING_SECRETS_INDEX_KEY = INDEX;

export type SecretKey = 'apiKey' | 'signingSecrets';

interface Snapshot {
  webhooks: Map<string, StoredSigningSecret[]>;
  manual: ManualSecret[];
}

export class SecretStore extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<SecretKey>());
  /** Fires when a secret changes, in this window or another one. */
  readonly onDidChange = this.changed.event;
  private writes: Promise<unknown> = Promise.resolve();
  private cache: Promise<Snapshot> | undefined;
  /** The API key as last read, kept only so `knownSecrets()` can redact it synchronously. */
  private knownApiKey: string | undefined;

  constructor(
    /** The editor's SecretStorage (tests reach it to check what is stored, and to make it fail). */
    readonly storage: vscode.SecretStorage,
    private readonly log?: vscode.LogOutputChannel,
    /** The name a webhook was given (the Webhooks view's list): secret labels read "My app (current)", not the id. */
    private readonly webhookName: (webhookId: string) => string | undefined = () => undefined,
  ) {
    super();
    this.register(
      storage.onDidChange((e) => {
        if (e.key === API_KEY) {
          // Listeners hear of it at once (as before); the key `knownSecrets()` redacts is re-read beside them
          // (this window's own setApiKey has set it already; another window's change lands a moment later).
          void this.getApiKey().catch(() => undefined);
          return this.changed.fire('apiKey');
        }
        if (e.key.includes('.backup-')) return;
        if (e.key === INDEX || e.key.startsWith(WEBHOOK_PREFIX) || e.key.startsWith(MANUAL_PREFIX)) {
          this.cache = undefined;
          this.changed.fire('signingSecrets');
        }
      }),
    );
  }

  // ---- API key ----

  async getApiKey(): Promise<string | undefined> {
    this.knownApiKey = (await this.storage.get(API_KEY)) || undefined;
    return this.knownApiKey;
  }

  async setApiKey(key: string): Promise<void> {
    this.knownApiKey = key;
    await this.storage.store(API_KEY, key);
  }

  async clearApiKey(): Promise<void> {
    await this.storage.delete(API_KEY);
    this.knownApiKey = undefined;
  }

  /**
   * The secrets to redact from text about to be logged or shown (the API key, once read), for
   * loggers that cannot wait. `loadKnownSecrets()` primes it at activation.
   */
  knownSecrets(): string[] {
    return this.knownApiKey ? [this.knownApiKey] : [];
  }

  /** Reads the API key for `knownSecrets()`; a failing secret storage is logged, never thrown. */
  async loadKnownSecrets(): Promise<void> {
    try {
      await this.getApiKey();
    } catch (error) {
      this.log?.error(`Could not read the API key from secret storage: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // ---- signing secrets ----

  /** Stores a webhook's new current secret. With `previousExpireTime`, earlier secrets stay until then; otherwise they are dropped. */
  storeSigningSecret(webhookId: string, secret: string, previousExpireTime?: string): Promise<void> {
    return this.write(async () => {
      const key = webhookSecretKey(webhookId);
      const earlier = await this.readForWrite(key, parseWebhookSecrets);
      const now = new Date().toISOString();
      const previous = previousExpireTime
        ? (earlier ?? [])
            .filter((s) => s.secret !== secret && (!s.expireTime || Date.parse(s.expireTime) > Date.now()))
            .map((s) => ({ ...s, expireTime: s.expireTime && s.expireTime < previousExpireTime ? s.expireTime : previousExpireTime }))
        : [];
      await this.storage.store(key, JSON.stringify([{ secret, storedAt: now }, ...previous]));
      await this.updateIndex(
        (index) => addTo(index.webhooks, webhookId),
        (index) => index.webhooks.includes(webhookId),
      );
    });
  }

  deleteSigningSecrets(webhookId: string): Promise<void> {
    return this.write(async () => {
      await this.storage.delete(webhookSecretKey(webhookId));
      await this.updateIndex(
        (index) => removeFrom(index.webhooks, webhookId),
        (index) => !index.webhooks.includes(webhookId),
      );
    });
  }

  /** Adds (or replaces) a secret by label; another label holding the same secret is dropped. */
  addManualSecret(label: string, secret: string): Promise<void> {
    return this.write(async () => {
      const index = await this.readIndex();
      for (const other of index.value.manual.filter((l) => l !== label)) {
        const raw = await this.storage.get(manualSecretKey(other));
        if (raw && parseManualSecret(raw)?.secret === secret) await this.removeManual(other);
      }
      const key = manualSecretKey(label);
      await this.readForWrite(key, (raw) => {
        const m = parseManualSecret(raw);
        return { value: m, intact: m !== undefined };
      });
      await this.storage.store(key, JSON.stringify({ label, secret, storedAt: new Date().toISOString() }));
      await this.updateIndex(
        (i) => addTo(i.manual, label),
        (i) => i.manual.includes(label),
      );
    });
  }

  removeManualSecret(label: string): Promise<void> {
    return this.write(() => this.removeManual(label));
  }

  /** The secrets added by hand, by label (the secret itself stays out of this list). */
  async getManualSecrets(): Promise<Array<{ label: string; storedAt: string }>> {
    return (await this.snapshot()).manual.map((m) => ({ label: m.label, storedAt: m.storedAt }));
  }

  /** The secrets stored for one webhook, newest first (expired ones included; callers decide). */
  async getSigningSecrets(webhookId: string): Promise<readonly StoredSigningSecret[]> {
    const snapshot = await this.snapshot();
    const known = snapshot.webhooks.get(webhookId);
    if (known) return known;
    // Not in the index (e.g. another window's index write won a race): read the entry itself, and heal the index.
    const raw = await this.storage.get(webhookSecretKey(webhookId));
    if (!raw) return [];
    const parsed = parseWebhookSecrets(raw);
    if (!parsed.intact) this.log?.warn(`Stored signing secrets of webhook ${webhookId} are unreadable in part and were skipped.`);
    if (parsed.value.length > 0) {
      void this.write(() =>
        this.updateIndex(
          (i) => addTo(i.webhooks, webhookId),
          (i) => i.webhooks.includes(webhookId),
        ),
      ).catch(() => undefined);
    }
    return parsed.value;
  }

  /** Every secret that may verify a delivery now, for the receiver. */
  async candidates(now = Date.now()): Promise<SecretCandidate[]> {
    const snapshot = await this.snapshot();
    const out: SecretCandidate[] = [];
    for (const [webhookId, secrets] of snapshot.webhooks) {
      const name = this.webhookName(webhookId) ?? webhookId;
      secrets.forEach((s, i) => {
        const notAfter = s.expireTime ? Date.parse(s.expireTime) : undefined;
        if (notAfter !== undefined && notAfter <= now) return;
        out.push({
          secret: s.secret,
          webhookId,
          label: i === 0 ? `${name} (current)` : `${name} (previous, until ${s.expireTime ? localTime(s.expireTime) : 'revoked'})`,
          ...(notAfter !== undefined ? { notAfter } : {}),
        });
      });
    }
    for (const m of snapshot.manual) out.push({ secret: m.secret, label: `${m.label} (added by hand)` });
    return out;
  }

  // ---- storage ----

  private snapshot(): Promise<Snapshot> {
    if (!this.cache) {
      const loading = this.load();
      this.cache = loading;
      loading.catch(() => {
        if (this.cache === loading) this.cache = undefined;
      });
    }
    return this.cache;
  }

  private async load(): Promise<Snapshot> {
    const index = (await this.readIndex()).value;
    const webhooks = new Map<string, StoredSigningSecret[]>();
    const manual: ManualSecret[] = [];
    await Promise.all([
      ...index.webhooks.map(async (id) => {
        const raw = await this.storage.get(webhookSecretKey(id));
        if (!raw) return;
        const parsed = parseWebhookSecrets(raw);
        if (!parsed.intact) this.log?.warn(`Stored signing secrets of webhook ${id} are unreadable${parsed.value.length ? ' in part' : ''} and were skipped.`);
        if (parsed.value.length > 0) webhooks.set(id, parsed.value);
      }),
      ...index.manual.map(async (label) => {
        const raw = await this.storage.get(manualSecretKey(label));
        if (!raw) return;
        const parsed = parseManualSecret(raw);
        if (parsed) manual.push(parsed);
        else this.log?.warn(`The signing secret added by hand as "${label}" is unreadable and was skipped.`);
      }),
    ]);
    manual.sort((a, b) => b.storedAt.localeCompare(a.storedAt));
    return { webhooks, manual };
  }

  /** Serialises this window's writes; the cache is reloaded after each. */
  private write(work: () => Promise<void>): Promise<void> {
    const next = this.writes.then(work).finally(() => (this.cache = undefined));
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** Reads a value about to be overwritten; when it exists but does not read, backs it up first. */
  private async readForWrite<T>(key: string, parse: (raw: string) => { value: T; intact: boolean }): Promise<T | undefined> {
    const raw = await this.storage.get(key);
    if (!raw) return undefined;
    const parsed = parse(raw);
    if (!parsed.intact) await this.backup(key, raw);
    return parsed.value;
  }

  private async backup(key: string, raw: string): Promise<string> {
    const backupKey = `${key}.backup-${new Date().toISOString()}`;
    await this.storage.store(backupKey, raw);
    this.log?.warn(`A stored value (${key}) was unreadable; it was copied to ${backupKey} before being replaced.`);
    if (key !== INDEX)
      await this.updateIndex(
        (i) => addTo(i.backups, backupKey),
        (i) => i.backups.includes(backupKey),
      );
    else this.pendingIndexBackup = backupKey;
    return backupKey;
  }

  private pendingIndexBackup: string | undefined;

  private async readIndex(): Promise<{ value: SecretIndex; raw: string | undefined; intact: boolean }> {
    const raw = await this.storage.get(INDEX);
    if (!raw) return { value: emptyIndex(), raw, intact: true };
    const parsed = parseIndex(raw);
    if (!parsed.intact) this.log?.warn('The index of stored signing secrets is unreadable in part; unreadable entries were skipped.');
    return { value: parsed.value, raw, intact: parsed.intact };
  }

  /**
   * Read-modify-write of the index, then re-read until `holds` is true (another window may have
   * written its own version in between); a few rounds at most.
   */
  private async updateIndex(change: (index: SecretIndex) => void, holds: (index: SecretIndex) => boolean): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const current = await this.readIndex();
      if (holds(current.value)) return;
      if (current.raw && !current.intact) await this.backup(INDEX, current.raw);
      const next = structuredClone(current.value);
      change(next);
      if (this.pendingIndexBackup) {
        addTo(next.backups, this.pendingIndexBackup);
        this.pendingIndexBackup = undefined;
      }
      await this.storage.store(INDEX, JSON.stringify(next));
    }
    this.log?.warn('The index of stored signing secrets kept changing under this window; it will be repaired on the next read.');
  }

  private async removeManual(label: string): Promise<void> {
    await this.storage.delete(manualSecretKey(label));
    await this.updateIndex(
      (i) => removeFrom(i.manual, label),
      (i) => !i.manual.includes(label),
    );
  }
}

function addTo(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function removeFrom(list: string[], item: string): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}
