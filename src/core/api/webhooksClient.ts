/**
 * Every operation of the Gemini webhooks management API (§1 of the reference), on one Transport.
 * Each call takes an optional AbortSignal. List comes as a single page (`list`) and as an async
 * iterator over every page (`pages`).
 */
import { ApiClient } from './apiClient';
import { CallOptions } from './transport';
import {
  CreatedWebhook,
  RevocationBehavior,
  Webhook,
  WebhookInput,
  WebhookPage,
  WebhookUpdate,
  readCreated,
  readPage,
  readRotated,
  readWebhook,
} from './types';

export interface ListOptions extends CallOptions {
  readonly pageSize?: number;
  readonly pageToken?: string;
}

export interface CreateOptions extends CallOptions {
  /** Optional caller-chosen id (query `webhook_id`). */
  readonly webhookId?: string;
}

/** Listing stopped: the server answered a page token it had already given (it would loop forever). */
export class RepeatedPageTokenError extends Error {
  override readonly name = 'RepeatedPageTokenError';
  constructor(readonly pages: number) {
    super(`The server repeated a page token after ${pages} pages; listing stopped so it does not loop forever.`);
  }
}

const UPDATE_FIELDS = ['name', 'uri', 'subscribed_events', 'state'] as const;

/** The update_mask for the fields present in `update` (in a stable order). */
export function updateMaskOf(update: WebhookUpdate): Array<(typeof UPDATE_FIELDS)[number]> {
  return UPDATE_FIELDS.filter((f) => update[f] !== undefined);
}

export class WebhooksClient extends ApiClient {
  async create(input: WebhookInput, opts: CreateOptions = {}): Promise<CreatedWebhook> {
    const body: Record<string, unknown> = { uri: input.uri, subscribed_events: [...input.subscribed_events] };
    if (input.name !== undefined && input.name !== '') body.name = input.name;
    return readCreated(await this.transport.call('POST', '/webhooks', { webhook_id: opts.webhookId }, body, opts));
  }

  /** One page; `nextPageToken` is undefined on the last one. */
  async list(opts: ListOptions = {}): Promise<WebhookPage> {
    return readPage(await this.transport.call('GET', '/webhooks', { page_size: opts.pageSize, page_token: opts.pageToken }, undefined, opts));
  }

  /** Every page, lazily, starting at `opts.pageToken` when given. A server that repeats a page token ends it with an error (no endless loop). */
  async *pages(opts: ListOptions = {}): AsyncGenerator<WebhookPage, void, undefined> {
    let token = opts.pageToken;
    const seen = new Set<string>();
    do {
      if (token) seen.add(token);
      const page = await this.list({ ...opts, pageToken: token });
      yield page;
      token = page.nextPageToken;
      if (token && seen.has(token)) throw new RepeatedPageTokenError(seen.size + 1);
    } while (token);
  }

  async get(id: string, opts: CallOptions = {}): Promise<Webhook> {
    return readWebhook(await this.transport.call('GET', `/webhooks/${encodeURIComponent(id)}`, {}, undefined, opts));
  }

  /** Sends only the fields given, with the matching update_mask. At least one field is required. */
  async update(id: string, update: WebhookUpdate, opts: CallOptions = {}): Promise<Webhook> {
    const mask = updateMaskOf(update);
    if (mask.length === 0) throw new Error('update: give at least one field to change.');
    const body: Record<string, unknown> = {};
    for (const field of mask) body[field] = field === 'subscribed_events' ? [...update.subscribed_events!] : update[field];
    return readWebhook(await this.transport.call('PATCH', `/webhooks/${encodeURIComponent(id)}`, { update_mask: mask.join(',') }, body, opts));
  }

  async delete(id: string, opts: CallOptions = {}): Promise<void> {
    await this.transport.call('DELETE', `/webhooks/${encodeURIComponent(id)}`, {}, undefined, opts);
  }

  /** Answers the new secret: the only time the service shows it. */
  async rotateSigningSecret(id: string, revocation: RevocationBehavior = 'revoke_previous_secrets_after_h24', opts: CallOptions = {}): Promise<string> {
    const answer = await this.transport.call('POST', `/webhooks/${encodeURIComponent(id)}:rotateSigningSecret`, {}, { revocation_behavior: revocation }, opts);
    const secret = readRotated(answer);
    if (!secret) throw new Error('The rotate answer carried no secret.');
    return secret;
  }

  /** Asks the service to send a test delivery to the webhook's uri. */
  async ping(id: string, opts: CallOptions = {}): Promise<void> {
    await this.transport.call('POST', `/webhooks/${encodeURIComponent(id)}:ping`, {}, {}, opts);
  }
}
