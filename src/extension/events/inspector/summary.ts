/** Maps the receiver's records to what the inspector page shows (pure; no vscode). */
import { describeRehearsal } from '../../../core/receiver/failurePlan';
import { deliveryJobRef, eventKind } from '../../../core/jobs/eventJob';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { formatJson, isJsonText, rawMember } from '../../../core/util/jsonFormat';
import { BODY_UNBOUND_NOTE, describeKey } from '../../../core/verify/verdict';
import type { DetailDisplay, DetailRecord, RowSummary } from '../../../webview/inspector/protocol';

/** How much of the body the page keeps for its text search. */
export const HAYSTACK_BODY_CHARS = 4_096;

/** The names the user gave their webhooks, by id (the Webhooks view's list); none known by default. */
export type WebhookNames = (webhookId: string) => string | undefined;
const NO_NAMES: WebhookNames = () => undefined;

export interface Source {
  /** What the source filter matches on: the webhook id, a hand-added secret's label, the token's issuer. */
  readonly key: string;
  /** What a person reads: the webhook's name (else its id), the label, the issuer. */
  readonly label: string;
  /** The id behind the name, for the tooltip. */
  readonly title?: string;
}

/** Where a delivery came from: the webhook whose secret matched, a secret added by hand, the token's issuer, or a dynamic webhook. */
export function sourceOf(record: ReceivedDelivery, names: WebhookNames = NO_NAMES): Source | undefined {
  const secret = record.matchedSecret;
  if (secret?.webhookId) {
    const name = names(secret.webhookId);
    return { key: secret.webhookId, label: name ?? secret.webhookId, title: `webhook ${secret.webhookId}` };
  }
  if (secret) return { key: secret.label, label: secret.label };
  if (record.token?.iss) return { key: record.token.iss, label: record.token.iss };
  if (record.matchedKey) return { key: 'dynamic webhook', label: 'dynamic webhook', title: `signed by ${describeKey(record.matchedKey)}` };
  return undefined;
}

/** A matched secret's label with the webhook's name as it is now ("My batch app (current)"), not the id it may have been recorded with. */
export function secretLabel(record: ReceivedDelivery, names: WebhookNames = NO_NAMES): string | undefined {
  const secret = record.matchedSecret;
  if (!secret) return undefined;
  const name = secret.webhookId ? names(secret.webhookId) : undefined;
  if (name && secret.webhookId && secret.label.startsWith(secret.webhookId)) return name + secret.label.slice(secret.webhookId.length);
  return secret.label;
}

/** What the list and the Events view call a delivery without a type. */
export function typeLabel(record: Pick<ReceivedDelivery, 'eventType' | 'verdict'>): string {
  return record.eventType ?? (record.verdict === 'rejected' ? '(rejected)' : '(no event type)');
}

export function toRowSummary(record: ReceivedDelivery, names: WebhookNames = NO_NAMES): RowSummary {
  const body = record.bodyEncoding === 'base64' ? '' : record.body.slice(0, HAYSTACK_BODY_CHARS);
  const source = sourceOf(record, names);
  const imported = record.imported ? `imported ${record.imported.from}` : '';
  const haystack = [
    String(record.seq),
    record.eventType ?? '',
    record.webhookId ?? '',
    source?.key ?? '',
    source?.label ?? '',
    record.token?.jti ?? '',
    imported,
    body,
  ]
    .join('\n')
    .toLowerCase();
  return {
    seq: record.seq,
    receivedAt: record.receivedAt,
    verdict: record.verdict,
    httpStatus: record.httpStatus,
    haystack,
    ...(record.eventType !== undefined ? { eventType: record.eventType } : {}),
    ...(record.webhookId !== undefined ? { webhookId: record.webhookId } : {}),
    ...(source ? { source: source.key, sourceLabel: source.label } : {}),
    ...(source?.title ? { sourceTitle: source.title } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
  };
}

/** Why Replay to app cannot send this delivery, or undefined when it can. */
export function replayBlocked(record: ReceivedDelivery): string | undefined {
  if (record.verdict === 'rejected')
    return `Only verified deliveries are replayed to your app: this one was rejected${record.reason ? ` (${record.reason})` : ''}.`;
  if (record.bodyTruncated) return 'Its stored body was truncated, so it cannot be sent again as it came.';
  return undefined;
}

/** A structured copy of the record (the page must not share objects with the history), with what the page shows beside it. */
export function toDetail(record: ReceivedDelivery, names: WebhookNames = NO_NAMES): DetailRecord {
  const copy = JSON.parse(JSON.stringify(record)) as ReceivedDelivery;
  const source = sourceOf(record, names);
  const secret = secretLabel(record, names);
  const blocked = replayBlocked(record);
  const text = record.bodyEncoding === 'base64' ? undefined : record.body;
  const pretty = text !== undefined && isJsonText(text) ? formatJson(text) : undefined;
  // user_metadata as written in the body: JSON.parse would round a large integer and drop a repeated key.
  const metadata = text !== undefined && record.userMetadata ? rawMember(text, 'user_metadata') : undefined;
  const display: DetailDisplay = {
    typeLabel: typeLabel(record),
    ...(source ? { source: source.label } : {}),
    ...(source?.title ? { sourceTitle: source.title } : {}),
    ...(secret ? { secretLabel: secret } : {}),
    ...(pretty !== undefined ? { prettyBody: pretty } : {}),
    ...(metadata !== undefined ? { userMetadata: formatJson(metadata) } : {}),
    ...(blocked ? { replayBlocked: blocked } : {}),
    ...(record.rehearsal ? { rehearsal: describeRehearsal(record.rehearsal) } : {}),
    ...jobActionsOf(record),
  };
  return { ...copy, display, ...(record.bodyUnbound ? { notes: [BODY_UNBOUND_NOTE] } : {}) };
}

/** The body as text: exactly as received, or pretty-printed token for token (never re-serialized). */
export function bodyText(record: Pick<ReceivedDelivery, 'body' | 'bodyEncoding'>, pretty = true): string {
  const text = record.bodyEncoding === 'base64' ? Buffer.from(record.body, 'base64').toString('utf8') : record.body;
  return pretty ? formatJson(text) : text;
}

/** Open Job for an event that points at a job; Open Results for one that points at its output (batch.succeeded, video.generated). */
function jobActionsOf(record: ReceivedDelivery): Pick<DetailDisplay, 'jobActions'> {
  const ref = record.eventType && eventKind(record.eventType) ? deliveryJobRef(record) : undefined;
  if (!ref) return {};
  const results = record.eventType === 'batch.succeeded' || ref.kind === 'video';
  return { jobActions: results ? ['openJob', 'openResults'] : ['openJob'] };
}
