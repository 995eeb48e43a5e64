/** Maps the receiver's records to what the inspector page shows (pure; no vscode). */
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { BODY_UNBOUND_NOTE } from '../../../core/verify/verdict';
import type { DetailRecord, RowSummary } from '../../../webview/inspector/protocol';

/** How much of the body the page keeps for its text search. */
export const HAYSTACK_BODY_CHARS = 4_096;

/** Where a delivery came from: the webhook whose secret matched, the token's issuer, or a secret's label. */
export function sourceOf(record: ReceivedDelivery): string | undefined {
  return record.matchedSecret?.webhookId ?? record.matchedSecret?.label ?? record.token?.iss ?? (record.matchedKey ? 'dynamic webhook' : undefined);
}

export function toRowSummary(record: ReceivedDelivery): RowSummary {
  const body = record.bodyEncoding === 'base64' ? '' : record.body.slice(0, HAYSTACK_BODY_CHARS);
  const source = sourceOf(record);
  const imported = record.imported ? `imported ${record.imported.from}` : '';
  const haystack = [String(record.seq), record.eventType ?? '', record.webhookId ?? '', source ?? '', record.token?.jti ?? '', imported, body]
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
    ...(source !== undefined ? { source } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
  };
}

/** A structured copy of the record (the page must not share objects with the history). */
export function toDetail(record: ReceivedDelivery): DetailRecord {
  const copy = JSON.parse(JSON.stringify(record)) as ReceivedDelivery;
  return record.bodyUnbound ? { ...copy, notes: [BODY_UNBOUND_NOTE] } : copy;
}

/** The body as text: pretty JSON when it parses, otherwise as received. */
export function bodyText(record: Pick<ReceivedDelivery, 'body' | 'bodyEncoding'>, pretty = true): string {
  if (record.bodyEncoding === 'base64') return Buffer.from(record.body, 'base64').toString('utf8');
  if (!pretty) return record.body;
  try {
    return JSON.stringify(JSON.parse(record.body), null, 2);
  } catch {
    return record.body;
  }
}
