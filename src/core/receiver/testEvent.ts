/**
 * Sends a test event to a receiver the way a static (Standard Webhooks) sender does: a thin
 * envelope of the picked type, signed with a stored secret, or unsigned to see a rejection.
 * A plain signed POST to the local receiver (not an API call).
 */
import { undici } from '../util/undici';
import { newMessageId } from '../util/randomId';
import { makeEnvelope } from '../events/envelope';
import { signStatic } from '../verify/staticVerifier';

export interface StaticSendResult {
  readonly status: number;
  /** The receiver's JSON answer (`{ status, webhook_id, seq }` or `{ status: 'rejected', reason }`). */
  readonly answer: { status?: string; seq?: number; reason?: string; webhook_id?: string };
  readonly webhookId: string;
}

/** POSTs a thin envelope of `type` to the receiver, signed with `secret` (unsigned when undefined). */
export async function sendStaticTestEvent(
  receiverUrl: string,
  type: string,
  secret: string | undefined,
  options: { now?: Date; body?: string; webhookId?: string } = {},
): Promise<StaticSendResult> {
  const now = options.now ?? new Date();
  const body = Buffer.from(options.body ?? JSON.stringify(makeEnvelope(type, undefined, undefined, now)), 'utf8');
  const webhookId = options.webhookId ?? newMessageId();
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'user-agent': 'gemini-webhooks-vscode/test-event',
  };
  if (secret) headers['webhook-signature'] = signStatic(secret, webhookId, timestamp, body);
  const response = await undici().request(receiverUrl, { method: 'POST', headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await response.body.text();
  let answer: StaticSendResult['answer'] = {};
  try {
    answer = JSON.parse(text) as StaticSendResult['answer'];
  } catch {
    answer = { reason: text.slice(0, 200) };
  }
  return { status: response.statusCode, answer, webhookId };
}
