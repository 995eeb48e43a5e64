/**
 * Sends test events to the receiver (pure; no vscode): a thin envelope signed the Standard Webhooks
 * way with a stored secret (or unsigned, to see a rejection), or a job on the emulator whose
 * webhook_config points at the receiver, so the emulator delivers it JWT-signed (dynamic).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { makeEnvelope } from '../../../core/events/envelope';
import { signStatic } from '../../../core/verify/staticVerifier';

export interface StaticSendResult {
  readonly status: number;
  /** The receiver's JSON answer (`{ status, webhook_id, seq }` or `{ status: 'rejected', reason }`). */
  readonly answer: { status?: string; seq?: number; reason?: string; webhook_id?: string };
  readonly webhookId: string;
}

export function newWebhookId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}

/** POSTs a thin envelope of `type` to the receiver, signed with `secret` (unsigned when undefined). */
export async function sendStaticTestEvent(receiverUrl: string, type: string, secret: string | undefined, options: { now?: Date; body?: string; webhookId?: string } = {}): Promise<StaticSendResult> {
  const now = options.now ?? new Date();
  const body = Buffer.from(options.body ?? JSON.stringify(makeEnvelope(type, undefined, undefined, now)), 'utf8');
  const webhookId = options.webhookId ?? newWebhookId();
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(timestamp), 'user-agent': 'gemini-webhooks-vscode/test-event' };
  if (secret) headers['webhook-signature'] = signStatic(secret, webhookId, timestamp, body);
  const response = await request(receiverUrl, { method: 'POST', headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await response.body.text();
  let answer: StaticSendResult['answer'] = {};
  try {
    answer = JSON.parse(text) as StaticSendResult['answer'];
  } catch {
    answer = { reason: text.slice(0, 200) };
  }
  return { status: response.statusCode, answer, webhookId };
}

/** Event types the emulator's simulated jobs can produce, and how. */
export const EMULATOR_JOB_TYPES: Readonly<Record<string, string>> = {
  'batch.succeeded': 'a batch job that succeeds',
  'batch.cancelled': 'a batch job, cancelled',
  'interaction.completed': 'a background interaction that completes',
  'interaction.cancelled': 'a background interaction, cancelled',
  'video.generated': 'a video generation operation',
};

export interface EmulatorJob {
  /** The job's resource name or id. */
  readonly name: string;
}

/**
 * Starts a job on the emulator whose webhook_config sends its event to `receiverUrl`; for the
 * cancelled types, cancels it at once. The event arrives when the job ends (the emulator's job duration).
 */
export async function startEmulatorJob(emulatorUrl: string, apiKey: string, type: string, receiverUrl: string, userMetadata: Record<string, unknown> = { source: 'vscode-test-event' }): Promise<EmulatorJob> {
  const webhookConfig = { uris: [receiverUrl], user_metadata: userMetadata };
  const api = `${emulatorUrl}/v1beta`;
  const call = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await request(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey }, body: JSON.stringify(body), headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`The emulator answered ${response.statusCode} to POST ${path}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  switch (type) {
    case 'batch.succeeded':
    case 'batch.cancelled': {
      const op = await call('/models/gemini-2.5-flash:batchGenerateContent', {
        batch: { displayName: 'vscode test event', inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text: 'hello' }] }] } }] } }, webhookConfig },
      });
      const name = String((op.metadata as { name?: string } | undefined)?.name ?? op.name ?? '');
      if (type === 'batch.cancelled') await call(`/${name.replace(/^(operations\/)?/, '')}:cancel`, {});
      return { name };
    }
    case 'interaction.completed':
    case 'interaction.cancelled': {
      const interaction = await call('/interactions', { model: 'gemini-2.5-flash', input: 'hello', background: true, webhook_config: webhookConfig });
      const id = String(interaction.id ?? '');
      if (type === 'interaction.cancelled') await call(`/interactions/${id}/cancel`, {});
      return { name: id };
    }
    case 'video.generated': {
      const op = await call('/models/veo-3.0-generate-001:predictLongRunning', { instances: [{ prompt: 'a test video' }], webhook_config: webhookConfig });
      return { name: String(op.name ?? '') };
    }
    default:
      throw new Error(`The emulator's jobs cannot produce ${type} events; sign it with a stored secret instead.`);
  }
}
