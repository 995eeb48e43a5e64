/** Validation of webhook request bodies: each message names the offending field. */
import { isKnownEventType, isSubscribableEventType, SUBSCRIBABLE_EVENT_TYPES } from '../events/catalog';
import { checkHttpUrl, describeHttpUrlProblem } from '../util/url';
import { invalidArgument } from './errors';
import { JsonObject } from './http';
import type { SettableWebhookState, WebhookUpdate } from '../api/types';
import type { Mutable } from '../util/mutable';

/** Field names both spellings map to (Google's JSON APIs accept lowerCamelCase too). */
const FIELD_ALIASES: Record<string, string> = { subscribedEvents: 'subscribed_events' };
export const UPDATABLE_FIELDS = ['name', 'uri', 'subscribed_events', 'state'] as const;
export type UpdatableField = (typeof UPDATABLE_FIELDS)[number];
/** Output-only fields a client may echo back; ignored on input. */
const OUTPUT_ONLY = new Set([
  'id',
  'create_time',
  'createTime',
  'update_time',
  'updateTime',
  'signing_secrets',
  'signingSecrets',
  'new_signing_secret',
  'newSigningSecret',
]);

/** The fields of a create or update body, validated: the API's WebhookUpdate. */
export type WebhookFields = Mutable<WebhookUpdate>;

/** Normalizes field names and rejects unknown ones. */
export function readWebhookFields(body: JsonObject, allowState: boolean): WebhookFields {
  const out: WebhookFields = {};
  for (const [rawKey, value] of Object.entries(body)) {
    if (OUTPUT_ONLY.has(rawKey)) continue;
    const key = FIELD_ALIASES[rawKey] ?? rawKey;
    switch (key) {
      case 'name':
        if (value === null) break;
        if (typeof value !== 'string') throw invalidArgument(`Invalid value at 'webhook.name': expected a string.`);
        if (value.length > 512) throw invalidArgument(`Invalid value at 'webhook.name': at most 512 characters.`);
        out.name = value;
        break;
      case 'uri':
        out.uri = validateUri(value, 'webhook.uri');
        break;
      case 'subscribed_events':
        out.subscribed_events = validateEvents(value, 'webhook.subscribed_events');
        break;
      case 'state':
        if (!allowState)
          throw invalidArgument(
            `Invalid JSON payload received. Unknown name "state" at 'webhook': Cannot find field (a new webhook is enabled; change its state with an update).`,
          );
        out.state = validateState(value);
        break;
      default:
        throw invalidArgument(`Invalid JSON payload received. Unknown name "${rawKey.slice(0, 80)}" at 'webhook': Cannot find field.`);
    }
  }
  return out;
}

export function validateUri(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidArgument(`Invalid value at '${field}': an absolute http(s) URL is required.`);
  if (value.length > 2048) throw invalidArgument(`Invalid value at '${field}': the URL is longer than 2048 characters.`);
  const check = checkHttpUrl(value);
  if (check.ok) return value;
  switch (check.problem) {
    case 'not_http':
      throw invalidArgument(`Invalid value at '${field}': the scheme must be http or https, got '${new URL(value.trim()).protocol.slice(0, 20)}'.`);
    case 'credentials':
      throw invalidArgument(`Invalid value at '${field}': credentials in the URL are not allowed.`);
    default:
      throw invalidArgument(`Invalid value at '${field}': '${value.slice(0, 100)}' is not an absolute URL (${describeHttpUrlProblem(check.problem)}).`);
  }
}

export function validateEvents(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw invalidArgument(`Invalid value at '${field}': expected a list of event types.`);
  if (value.length === 0) throw invalidArgument(`Invalid value at '${field}': subscribe to at least one event type.`);
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') throw invalidArgument(`Invalid value at '${field}': every entry must be a string.`);
    if (!isSubscribableEventType(item)) {
      // batch.cancelled and interaction.cancelled are known events but not in the API's enum (catalog.ts)
      const what = isKnownEventType(item) ? `event type '${item}' cannot be subscribed to` : `unknown event type '${item.slice(0, 80)}'`;
      throw invalidArgument(`Invalid value at '${field}': ${what}; expected one of ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}.`);
    }
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

function validateState(value: unknown): SettableWebhookState {
  if (value === 'enabled' || value === 'disabled') return value;
  if (typeof value === 'string' && (value.toLowerCase() === 'enabled' || value.toLowerCase() === 'disabled'))
    return value.toLowerCase() as SettableWebhookState;
  throw invalidArgument(`Invalid value at 'webhook.state': expected 'enabled' or 'disabled'.`);
}

/** Parses `update_mask` (comma-separated, either spelling); an unknown field is a 400. */
export function parseUpdateMask(raw: string | null): UpdatableField[] | undefined {
  if (raw === null) return undefined;
  const fields: UpdatableField[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    const key = FIELD_ALIASES[name] ?? name;
    if (!(UPDATABLE_FIELDS as readonly string[]).includes(key)) {
      throw invalidArgument(`Invalid update_mask: unknown field '${name.slice(0, 80)}'; updatable fields are ${UPDATABLE_FIELDS.join(', ')}.`);
    }
    if (!fields.includes(key as UpdatableField)) fields.push(key as UpdatableField);
  }
  if (fields.length === 0) throw invalidArgument('Invalid update_mask: name at least one field.');
  return fields;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function validateWebhookId(value: string): string {
  if (!ID_PATTERN.test(value))
    throw invalidArgument(`Invalid webhook_id '${value.slice(0, 80)}': 1-63 letters, digits, '_' or '-', starting with a letter or digit.`);
  return value;
}
