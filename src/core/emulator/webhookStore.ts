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

export class WebhookStore {
  private readonly byId = new Map<string, WebhookRecord>();
  private nextSeq = 1;

  constructor(private readonly onChange: () => void = () => undefined) {}

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<WebhookRecord> {
    return this.byId.values();
  }

  create(input: WebhookInput & { readonly id?: string }, now: number): { record: WebhookRecord; secret: string } {
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
    this.onChange();
    return { record, secret: secret.secret };
  }

  /** Restores a persisted record as is (state loading). */
  restore(record: Omit<WebhookRecord, 'seq'>): void {
    this.byId.set(record.id, { ...record, seq: this.nextSeq++ });
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
    this.get(id);
    this.byId.delete(id);
    this.onChange();
  }

  /** Call after mutating a record in place. */
  touch(record: WebhookRecord, now: number): void {
    record.updateTime = now;
    this.onChange();
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
