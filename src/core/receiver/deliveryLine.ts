/** One human line per delivery (CLI stdout, VS Code output channel), and the CLI's JSON form. Untrusted text is stripped of control characters. */
import { redact } from '../util/redact';
import { BODY_UNBOUND_NOTE, describeKey } from '../verify/verdict';
import { describeRehearsal } from './failurePlan';
import { ReceivedDelivery, RehearsedAnswer } from './types';

export function formatDeliveryLine(record: ReceivedDelivery): string {
  const time = record.receivedAt.slice(11, 23);
  const parts = [time, `#${record.seq}`, safe(record.eventType ?? '-'), safe(record.webhookId ?? '-'), record.verdict.toUpperCase()];
  if (record.signatureMethod) parts.push(record.signatureMethod);
  else if (record.scheme !== 'none') parts.push(record.scheme);
  if (record.matchedSecret) parts.push(`(${safe(record.matchedSecret.label)})`);
  if (record.matchedKey) parts.push(`(${safe(describeKey(record.matchedKey))})`);
  else if (record.token?.kid) parts.push(`(kid ${safe(record.token.kid)})`);
  if (record.bodyUnbound) parts.push(`[${BODY_UNBOUND_NOTE}]`);
  if (record.duplicateOf !== undefined) parts.push(`of #${record.duplicateOf}`);
  if (record.reason) parts.push(`— ${safe(record.reason)}`);
  if (record.rehearsal) parts.push(`[${describeRehearsal(record.rehearsal)}]`);
  parts.push(`${record.httpStatus}`, `${record.latencyMs.toFixed(1)} ms`);
  return parts.join(' ');
}

export function deliveryJson(record: ReceivedDelivery): Record<string, unknown> {
  return {
    seq: record.seq,
    received_at: record.receivedAt,
    webhook_id: record.webhookId ?? null,
    type: record.eventType ?? null,
    verdict: record.verdict,
    reason: record.reason ?? null,
    scheme: record.scheme,
    ...(record.signatureMethod ? { signature_method: record.signatureMethod } : {}),
    http_status: record.httpStatus,
    latency_ms: record.latencyMs,
    ...(record.matchedSecret ? { matched_secret: record.matchedSecret.label } : {}),
    ...(record.matchedKey ? { key: record.matchedKey } : {}),
    ...(record.token?.kid ? { kid: record.token.kid } : {}),
    ...(record.bodyUnbound ? { body_unbound: true, note: BODY_UNBOUND_NOTE } : {}),
    ...(record.duplicateOf !== undefined ? { duplicate_of: record.duplicateOf } : {}),
    ...(record.rehearsal ? { rehearsal: rehearsalJson(record.rehearsal) } : {}),
    ...(record.userMetadata ? { user_metadata: record.userMetadata } : {}),
  };
}

function rehearsalJson(r: RehearsedAnswer): Record<string, unknown> {
  return {
    kind: r.kind,
    plan: r.plan,
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.retryAfterSeconds !== undefined ? { retry_after_seconds: r.retryAfterSeconds } : {}),
    ...(r.delaySeconds !== undefined ? { delay_seconds: r.delaySeconds } : {}),
    ...(r.heldMs !== undefined ? { held_ms: r.heldMs } : {}),
    ...(r.senderHungUp ? { sender_hung_up: true } : {}),
    description: describeRehearsal(r),
  };
}

function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return redact(clean.length > 120 ? `${clean.slice(0, 120)}…` : clean);
}
