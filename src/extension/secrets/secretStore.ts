/**
 * The one place secrets are kept: VS Code's SecretStorage, behind typed keys.
 * - the Gemini API key;
 * - signing secrets, by webhook id (current and previous ones with their expiry), plus secrets the
 *   user added by hand for webhooks made elsewhere.
 * Other windows may change the same storage: `onDidChange` re-emits those changes.
 */
import * as vscode from 'vscode';
import { SecretCandidate } from '../../core/verify/secretCandidates';

const KEYS = {
  apiKey: 'geminiWebhooks.apiKey',
  signingSecrets: 'geminiWebhooks.signingSecrets',
} as const;
export type SecretKey = keyof typeof KEYS;

export interface StoredSigningSecret {
  readonly secret: string;
  /** ISO time it was stored. */
  readonly storedAt: string;
  /** ISO time after which it stops verifying (set on the previous secret when rotating). */
  readonly expireTime?: string;
}

interface SigningSecretFile {
  /** webhook id → secrets, newest first. */
  webhooks: Record<string, StoredSigningSecret[]>;
  /** Added by hand: label → secret. */
  manual: Array<StoredSigningSecret & { label: string }>;
}

const EMPTY: SigningSecretFile = { webhooks: {}, manual: [] };

export class SecretStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SecretKey>();
  /** Fires when a secret changes, in this window or another one. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private writes: Promise<unknown> = Promise.resolve();
  private cache: SigningSecretFile | undefined;

  constructor(
    /** The editor's SecretStorage (tests reach it to check what is stored, and to make it fail). */
    readonly storage: vscode.SecretStorage,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.subscription = storage.onDidChange((e) => {
      const key = (Object.keys(KEYS) as SecretKey[]).find((k) => KEYS[k] === e.key);
      if (!key) return;
      if (key === 'signingSecrets') this.cache = undefined;
      this.changed.fire(key);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  // ---- API key ----

  async getApiKey(): Promise<string | undefined> {
    return (await this.storage.get(KEYS.apiKey)) || undefined;
  }

  async setApiKey(key: string): Promise<void> {
    await this.storage.store(KEYS.apiKey, key);
  }

  async clearApiKey(): Promise<void> {
    await this.storage.delete(KEYS.apiKey);
  }

  // ---- signing secrets ----

  /** Stores a webhook's new current secret. With `previousExpireTime`, earlier secrets stay until then; otherwise they are dropped. */
  async storeSigningSecret(webhookId: string, secret: string, previousExpireTime?: string): Promise<void> {
    await this.updateSecrets((file) => {
      const now = new Date().toISOString();
      const previous = previousExpireTime
        ? (file.webhooks[webhookId] ?? [])
            .filter((s) => s.secret !== secret && (!s.expireTime || Date.parse(s.expireTime) > Date.now()))
            .map((s) => ({ ...s, expireTime: s.expireTime && s.expireTime < previousExpireTime ? s.expireTime : previousExpireTime }))
        : [];
      file.webhooks[webhookId] = [{ secret, storedAt: now }, ...previous];
    });
  }

  async deleteSigningSecrets(webhookId: string): Promise<void> {
    await this.updateSecrets((file) => {
      delete file.webhooks[webhookId];
    });
  }

  async addManualSecret(label: string, secret: string): Promise<void> {
    await this.updateSecrets((file) => {
      file.manual = [{ label, secret, storedAt: new Date().toISOString() }, ...file.manual.filter((m) => m.secret !== secret)];
    });
  }

  async removeManualSecret(label: string): Promise<void> {
    await this.updateSecrets((file) => {
      file.manual = file.manual.filter((m) => m.label !== label);
    });
  }

  /** The secrets stored for one webhook, newest first (expired ones included; callers decide). */
  async getSigningSecrets(webhookId: string): Promise<readonly StoredSigningSecret[]> {
    return (await this.readSecrets()).webhooks[webhookId] ?? [];
  }

  /** Every secret that may verify a delivery now, for the receiver. */
  async candidates(now = Date.now()): Promise<SecretCandidate[]> {
    const file = await this.readSecrets();
    const out: SecretCandidate[] = [];
    for (const [webhookId, secrets] of Object.entries(file.webhooks)) {
      secrets.forEach((s, i) => {
        const notAfter = s.expireTime ? Date.parse(s.expireTime) : undefined;
        if (notAfter !== undefined && notAfter <= now) return;
        out.push({ secret: s.secret, webhookId, label: i === 0 ? `${webhookId} (current)` : `${webhookId} (previous, until ${s.expireTime})`, ...(notAfter !== undefined ? { notAfter } : {}) });
      });
    }
    for (const m of file.manual) out.push({ secret: m.secret, label: `${m.label} (added by hand)` });
    return out;
  }

  private async readSecrets(): Promise<SigningSecretFile> {
    if (this.cache) return this.cache;
    const raw = await this.storage.get(KEYS.signingSecrets);
    let file: SigningSecretFile = { webhooks: {}, manual: [] };
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as Partial<SigningSecretFile>;
        file = { webhooks: parsed.webhooks && typeof parsed.webhooks === 'object' ? parsed.webhooks : {}, manual: Array.isArray(parsed.manual) ? parsed.manual : [] };
      } catch {
        // Corrupted entry: keep it readable for nobody, start over, and say so (without its content).
        this.log?.warn('Stored signing secrets were unreadable and have been reset.');
        file = structuredClone(EMPTY);
      }
    }
    this.cache = file;
    return file;
  }

  private updateSecrets(mutate: (file: SigningSecretFile) => void): Promise<void> {
    const next = this.writes.then(async () => {
      this.cache = undefined;
      const file = structuredClone(await this.readSecrets());
      mutate(file);
      await this.storage.store(KEYS.signingSecrets, JSON.stringify(file));
      this.cache = file;
    });
    this.writes = next.catch(() => undefined);
    return next;
  }
}
