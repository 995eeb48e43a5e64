/**
 * The Gemini webhooks resource model, in the API's own snake_case spelling (§1 of the reference).
 * Responses are normalised through `readWebhook`, which accepts both spellings (snake_case and
 * lowerCamelCase), so a tolerant client works against the real service, the guide's examples and
 * the local emulator alike.
 */
import { asObject, pick, str } from './readJson';

export type WebhookState = 'enabled' | 'disabled' | 'disabled_due_to_failed_deliveries';
export const WEBHOOK_STATES: readonly WebhookState[] = ['enabled', 'disabled', 'disabled_due_to_failed_deliveries'];

export type RevocationBehavior = 'revoke_previous_secrets_after_h24' | 'revoke_previous_secrets_immediately';

export interface SigningSecret {
  readonly truncated_secret?: string;
  readonly expire_time?: string;
}

/** The webhook resource: the fields a client sets (WebhookInput) plus the ones the service fills. */
export interface Webhook extends WebhookInput {
  readonly id: string;
  readonly state?: WebhookState | string;
  readonly create_time?: string;
  readonly update_time?: string;
  readonly signing_secrets?: readonly SigningSecret[];
}

/** What `create` answers: the resource plus the one time its signing secret is shown. */
export interface CreatedWebhook {
  readonly webhook: Webhook;
  readonly newSigningSecret: string | undefined;
}

/** What a client sets on a webhook when it creates one. */
export interface WebhookInput {
  readonly name?: string;
  readonly uri: string;
  readonly subscribed_events: readonly string[];
}

/** The states a client may set (the service alone disables a webhook for failed deliveries). */
export type SettableWebhookState = Exclude<WebhookState, 'disabled_due_to_failed_deliveries'>;

/** What a client may change on a webhook: any of its input fields, and its state. */
export interface WebhookUpdate extends Partial<WebhookInput> {
  readonly state?: SettableWebhookState;
}

export interface WebhookPage {
  readonly webhooks: readonly Webhook[];
  /** Absent on the last page. */
  readonly nextPageToken: string | undefined;
}

/** Reads a webhook from a response body in either spelling; the id falls back to the last segment of `name`-style paths. */
export function readWebhook(value: unknown): Webhook {
  const obj = asObject(value);
  const rawSecrets = pick(obj, 'signing_secrets', 'signingSecrets');
  const events = pick(obj, 'subscribed_events', 'subscribedEvents');
  const secrets = Array.isArray(rawSecrets)
    ? rawSecrets.map((s: unknown) => {
        const o = asObject(s);
        const truncated = str(pick(o, 'truncated_secret', 'truncatedSecret'));
        const expire = str(pick(o, 'expire_time', 'expireTime'));
        return { ...(truncated !== undefined ? { truncated_secret: truncated } : {}), ...(expire !== undefined ? { expire_time: expire } : {}) };
      })
    : undefined;
  const name = str(obj.name);
  const state = str(obj.state);
  const createTime = str(pick(obj, 'create_time', 'createTime'));
  const updateTime = str(pick(obj, 'update_time', 'updateTime'));
  return {
    id: str(obj.id) ?? '',
    ...(name !== undefined ? { name } : {}),
    uri: str(obj.uri) ?? '',
    subscribed_events: Array.isArray(events) ? events.filter((e): e is string => typeof e === 'string') : [],
    ...(state !== undefined ? { state: state.toLowerCase() } : {}),
    ...(createTime !== undefined ? { create_time: createTime } : {}),
    ...(updateTime !== undefined ? { update_time: updateTime } : {}),
    ...(secrets ? { signing_secrets: secrets } : {}),
  };
}

export function readCreated(value: unknown): CreatedWebhook {
  const obj = asObject(value);
  return { webhook: readWebhook(obj), newSigningSecret: str(pick(obj, 'new_signing_secret', 'newSigningSecret')) };
}

export function readPage(value: unknown): WebhookPage {
  const obj = asObject(value);
  const list = obj.webhooks;
  const token = str(pick(obj, 'next_page_token', 'nextPageToken'));
  return { webhooks: Array.isArray(list) ? list.map(readWebhook) : [], nextPageToken: token ? token : undefined };
}

/** The new secret from a rotate answer (`{ secret }`; tolerant of `new_signing_secret` too). */
export function readRotated(value: unknown): string | undefined {
  const obj = asObject(value);
  return str(obj.secret) ?? str(pick(obj, 'new_signing_secret', 'newSigningSecret'));
}
