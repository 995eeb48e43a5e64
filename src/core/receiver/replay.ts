/**
 * Replay: sends a stored delivery to the user's app again, byte for byte, re-signed with a fresh
 * webhook-timestamp when the secret that verified it is still stored (otherwise with its original
 * headers), and records the result on the delivery. Needs no running receiver.
 */
import { signStatic } from '../verify/staticVerifier';
import { liveCandidates, SecretCandidate } from '../verify/secretCandidates';
import { forward, forwardableHeaders } from './forwarder';
import { History } from './history';
import { ReceivedDelivery, ForwardResult } from './types';

export interface ReplayOptions {
  /** The app to send to. */
  readonly target: string | undefined;
  readonly secrets: () => readonly SecretCandidate[];
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

export async function replayDelivery(history: History, seq: number, options: ReplayOptions): Promise<ForwardResult> {
  const record = history.get(seq);
  if (!record) throw new Error(`No delivery #${seq} in the history.`);
  // Only what the receiver accepted goes to the app: a forged or unsigned request must not be laundered by a replay.
  if (record.verdict === 'rejected')
    throw new Error(`Delivery #${seq} was rejected (${record.reason ?? 'not verified'}): only verified deliveries are replayed.`);
  if (!options.target) throw new Error('No forward-to URL is configured: set one to replay deliveries to your app.');
  if (record.bodyTruncated) throw new Error(`Delivery #${seq} cannot be replayed: its stored body was truncated.`);
  const now = options.now ?? Date.now;
  const body = Buffer.from(record.body, record.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  const headers = forwardableHeaders(record.headers);
  const secret = record.scheme === 'static' ? findSecret(liveCandidates(options.secrets(), now()), record) : undefined;
  if (secret && record.webhookId) {
    const ts = Math.floor(now() / 1000);
    headers['webhook-timestamp'] = String(ts);
    headers['webhook-signature'] = signStatic(secret.secret, record.webhookId, ts, body);
  }
  const result = await forward({ target: options.target, headers, body, timeoutMs: options.timeoutMs, replay: true, resigned: secret !== undefined });
  record.replays = [...(record.replays ?? []), result];
  history.update(record);
  return result;
}

/** The stored secret that verified a record: same label first, else the webhook's current one. */
function findSecret(candidates: readonly SecretCandidate[], record: ReceivedDelivery): SecretCandidate | undefined {
  const matched = record.matchedSecret;
  if (!matched) return undefined;
  return (
    candidates.find((c) => c.label === matched.label && c.webhookId === matched.webhookId) ??
    (matched.webhookId ? candidates.find((c) => c.webhookId === matched.webhookId) : undefined)
  );
}
