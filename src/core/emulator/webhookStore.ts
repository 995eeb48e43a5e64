/** The emulator's registered (static) webhooks, in creation order, with their signing secrets. */
import type { Webhook, WebhookInput, WebhookState } from '../api/types';
import type { Mutable } from '../util/mutable';
import { ApiError, invalidArgument, notFound } from './errors';
import { newWebhookId, rfc3339 } from './ids';
import { PublicSigningSecret, SigningSecretRecord, activeSecrets, newSigningSecret, publicSecret } from './secrets';

/** A stored webhook: the API resource's input fields (edited in place), its id and state, plus the emulator's internal fields. */
export interface WebhookRecord extends Pick<Webhook, 'id'>, Mutable<WebhookInput> {
  state: WebhookState;
  /** Epoch ms; the API answers it as `create_time` (RFC 3339). */
  readonly createTime: number;
  updateTime: number;
  /** The full secrets; the API answers only their `signing_secrets` view. */
  readonly secrets: SigningSecretRecord[];
  /** Creation order; page tokens point into it. */
  readonly seq: number;
}

/** The resource as the API answers it: the API's Webhook with every field the emulator fills (never a full secret). */
export interface WebhookView extends Required<Omit<Webhook, 'name' | 'state' | 'signing_secrets'>>, Pick<Webhook, 'name'> {
  readonly state: WebhookState;
  readonly signing_secrets: readonly PublicSigningSecret[];
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** A webhook as loaded or merged from the state file: every field but the per-process creation order. */
export type StoredWebhook = Omit<WebhookRecord, 'seq'>;

/**
 * Where the store's changes go: the state file (src/core/emulator/state.ts). Without one the store
 * lives in memory only.
 */
export interface StorePersistence {
  /** Takes in what other processes saved since we last looked (cheap when the file has not changed). */
  refresh(store: WebhookStore): void;
  /** Holds the file for one change (other processes wait); returns the release. */
  lock(): () => void;
  /** Under the lock: re-reads the file and takes in what other processes saved. */
  merge(store: WebhookStore): void;
  /** Under the lock: writes the store; throws (an ApiError 500) when it cannot. */
  save(store: WebhookStore): void;
}

export class WebhookStore {
  private readonly byId = new Map<string, WebhookRecord>();
  private nextSeq = 1;

  constructor(private readonly persistence?: StorePersistence) {}

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<WebhookRecord> {
    return this.byId.values();
  }

  /** Takes in what other emulators on the same state file saved (before answering from the store). */
  refresh(): void {
    this.persistence?.refresh(this);
  }

  /**
   * Runs one change and saves it: with a state file, under its lock, after taking in what others
   * saved. When the save fails the change is undone and the error (a 500) thrown: an API call never
   * answers a secret that a restart would lose.
   */
  change<T>(apply: () => T): T {
    const persistence = this.persistence;
    if (!persistence) return apply();
    const release = persistence.lock();
    try {
      persistence.merge(this);
      const before = this.snapshot();
      try {
        const result = apply();
        persistence.save(this);
        return result;
      } catch (error) {
        this.rollback(before);
        throw error;
      }
    } finally {
      release();
    }
  }

  create(input: WebhookInput & { readonly id?: string }, now: number): { record: WebhookRecord; secret: string } {
    return this.change(() => {
      const id = input.id ?? newWebhookId();
      if (this.byId.has(id)) throw new ApiError(409, 'ALREADY_EXISTS', `Webhook '${id}' already exists.`);
      const secret = newSigningSecret(now);
      const record: WebhookRecord = {
        id,
        uri: input.uri,
        subscribed_events: [...input.subscribed_events],
        state: 'enabled',
        createTime: now,
        updateTime: now,
        secrets: [secret],
        seq: this.nextSeq++,
      };
      if (input.name !== undefined) record.name = input.name;
      this.byId.set(id, record);
      return { record, secret: secret.secret };
    });
  }

  /** Changes the webhook `id` in place (404 when it is gone, here or in another emulator) and saves it. */
  update<T>(id: string, now: number, apply: (record: WebhookRecord) => T): T {
    return this.change(() => {
      const record = this.get(id);
      const result = apply(record);
      if (record.name === undefined) delete record.name;
      record.updateTime = now;
      return result;
    });
  }

  find(id: string): WebhookRecord | undefined {
    return this.byId.get(id);
  }

  get(id: string): WebhookRecord {
    const record = this.byId.get(id);
    if (!record) throw notFound(`Webhook '${id.slice(0, 100)}' not found.`);
    return record;
  }

  delete(id: string): void {
    this.change(() => {
      this.get(id);
      this.byId.delete(id);
    });
  }

  // The state file's side: no persistence of their own.

  /** Adds a webhook from the state file, last in creation order. */
  restore(record: StoredWebhook): void {
    this.byId.set(record.id, { ...record, seq: this.nextSeq++ });
  }

  /** Replaces a webhook's fields with the state file's, in place (deliveries hold the record). */
  assign(record: WebhookRecord, from: StoredWebhook): void {
    record.uri = from.uri;
    record.subscribed_events = [...from.subscribed_events];
    record.state = from.state;
    record.updateTime = from.updateTime;
    if (from.name !== undefined) record.name = from.name;
    else delete record.name;
    record.secrets.splice(0, record.secrets.length, ...from.secrets.map((s) => ({ ...s })));
  }

  /** Forgets a webhook deleted in another emulator. */
  drop(id: string): void {
    this.byId.delete(id);
  }

  private snapshot(): { readonly records: [WebhookRecord, StoredWebhook][]; readonly nextSeq: number } {
    const records: [WebhookRecord, StoredWebhook][] = [...this.byId.values()].map((r) => [r, { ...r, secrets: r.secrets.map((s) => ({ ...s })) }]);
    return { records, nextSeq: this.nextSeq };
  }

  private rollback(before: ReturnType<WebhookStore['snapshot']>): void {
    this.byId.clear();
    for (const [record, fields] of before.records) {
      this.assign(record, fields);
      this.byId.set(record.id, record);
    }
    this.nextSeq = before.nextSeq;
  }

  list(pageSize: number, pageToken: string | undefined): { webhooks: WebhookRecord[]; nextPageToken?: string } {
    const after = pageToken === undefined || pageToken === '' ? 0 : decodePageToken(pageToken);
    const page: WebhookRecord[] = [];
    let more = false;
    for (const record of this.byId.values()) {
      if (record.seq <= after) continue;
      if (page.length === pageSize) {
        more = true;
        break;
      }
      page.push(record);
    }
    return more ? { webhooks: page, nextPageToken: encodePageToken(page[page.length - 1].seq) } : { webhooks: page };
  }

  view(record: WebhookRecord, now: number): WebhookView {
    return {
      id: record.id,
      uri: record.uri,
      subscribed_events: [...record.subscribed_events],
      state: record.state,
      create_time: rfc3339(record.createTime),
      update_time: rfc3339(record.updateTime),
      signing_secrets: activeSecrets(record.secrets, now).map(publicSecret),
      ...(record.name !== undefined ? { name: record.name } : {}),
    };
  }
}

function encodePageToken(seq: number): string {
  return Buffer.from(`wh-after:${seq}`).toString('base64url');
}

function decodePageToken(token: string): number {
  const m = /^wh-after:(\d{1,15})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalidArgument(`Invalid page_token '${token.slice(0, 60)}': pass the next_page_token of a previous list call.`);
  return Number(m[1]);
}
