/**
 * Reads the attempts of one delivery from an emulator's delivery log
 * (`GET /emulator/deliveries?webhook_id=…`, src/core/emulator/controlRoutes.ts). The real Gemini API
 * publishes no delivery attempts: a backend without the route answers `unsupported`, and the caller
 * shows the receiver's own view instead. Never throws; a short deadline (it runs on a click).
 * The key goes only in the `x-goog-api-key` header (an emulator started with `--api-key` needs it).
 */
import type { DeliveryAttempt, DeliveryOutcome } from '../emulator/deliveryLog';
import { undici } from '../util/undici';
import { checkBaseUrl } from './errors';
import { readBounded } from './transport';

export type { DeliveryAttempt, DeliveryOutcome } from '../emulator/deliveryLog';

export type AttemptsLookup =
  /** The log answered: this delivery's attempts, oldest first (none when the log holds none of it). */
  | { readonly kind: 'found'; readonly attempts: readonly DeliveryAttempt[] }
  /** No delivery log there (404/405, or not the emulator's answer): the real API, or another server. */
  | { readonly kind: 'unsupported'; readonly detail: string }
  /** The log could not be read now (unreachable, too slow, key refused, a server error). */
  | { readonly kind: 'failed'; readonly detail: string };

export interface AttemptsQuery {
  /** The emulator's base URL, e.g. http://127.0.0.1:PORT (no path needed). */
  readonly baseUrl: string;
  readonly webhookId: string;
  readonly apiKey?: string;
  /** Default 5 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The attempts kept of one delivery (the emulator makes at most 8). */
export const MAX_ATTEMPTS_SHOWN = 64;
/** An older emulator ignores `webhook_id` and answers its whole log (10 000 attempts, ~3 MB): read at most this. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const OUTCOMES: ReadonlySet<string> = new Set<DeliveryOutcome>(['delivered', 'retry_scheduled', 'failed', 'cancelled']);

export async function fetchDeliveryAttempts(query: AttemptsQuery): Promise<AttemptsLookup> {
  let url: URL;
  try {
    url = new URL('/emulator/deliveries', checkBaseUrl(query.baseUrl).origin);
  } catch (error) {
    return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  url.searchParams.set('webhook_id', query.webhookId);
  const timeoutMs = query.timeoutMs ?? 5_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = query.signal ? AbortSignal.any([query.signal, deadline]) : deadline;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'gemini-webhooks-vscode' };
  if (query.apiKey) headers['x-goog-api-key'] = query.apiKey;
  try {
    const res = await undici().request(url, { method: 'GET', headers, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const status = res.statusCode;
    if (status === 404 || status === 405) {
      await res.body.dump().catch(() => undefined);
      return { kind: 'unsupported', detail: `${url.host} has no delivery log (HTTP ${status} for /emulator/deliveries)` };
    }
    if (status < 200 || status >= 300) {
      await res.body.dump().catch(() => undefined);
      return { kind: 'failed', detail: `${url.host} answered HTTP ${status} for /emulator/deliveries` };
    }
    const declared = Number(res.headers['content-length']);
    if (declared > MAX_ANSWER_BYTES) {
      await res.body.dump().catch(() => undefined);
      return { kind: 'failed', detail: `${url.host} answered ${declared} bytes for one delivery's attempts` };
    }
    // A chunked answer has no length to check first: read at most the bound.
    const { text, truncated } = await readBounded(res.body, MAX_ANSWER_BYTES);
    if (truncated) return { kind: 'failed', detail: `${url.host} answered more than ${MAX_ANSWER_BYTES} bytes for one delivery's attempts` };
    const attempts = readAttempts(text, query.webhookId);
    return attempts ? { kind: 'found', attempts } : { kind: 'unsupported', detail: `${url.host} did not answer with a delivery log` };
  } catch (error) {
    if (query.signal?.aborted) return { kind: 'failed', detail: 'cancelled' };
    if (deadline.aborted) return { kind: 'failed', detail: `${url.host} did not answer within ${timeoutMs} ms` };
    const code = (error as { code?: string }).code;
    return { kind: 'failed', detail: `can't reach ${url.host}${code ? ` (${code})` : ''}` };
  }
}

/**
 * The attempts of `webhookId` in an answer `{ deliveries: [...] }`, sorted by attempt; entries of
 * another webhook-id (an emulator that ignores the filter) or of the wrong shape are left out.
 * Undefined when the answer is not a delivery log at all.
 */
export function readAttempts(text: string, webhookId: string): DeliveryAttempt[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (value as { deliveries?: unknown } | null)?.deliveries;
  if (!Array.isArray(list)) return undefined;
  const out: DeliveryAttempt[] = [];
  for (const item of list) {
    const attempt = readAttempt(item);
    if (attempt && attempt.webhook_id === webhookId) out.push(attempt);
  }
  out.sort((a, b) => a.attempt - b.attempt || Date.parse(a.time) - Date.parse(b.time));
  return out.slice(-MAX_ATTEMPTS_SHOWN);
}

function readAttempt(item: unknown): DeliveryAttempt | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const a = item as Record<string, unknown>;
  const text = (v: unknown, max = 2_048) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  if (typeof a.webhook_id !== 'string' || !Number.isSafeInteger(a.attempt) || (a.attempt as number) < 1) return undefined;
  if (typeof a.time !== 'string' || Number.isNaN(Date.parse(a.time)) || typeof a.outcome !== 'string' || !OUTCOMES.has(a.outcome)) return undefined;
  const status = Number.isSafeInteger(a.status) ? (a.status as number) : undefined;
  const error = text(a.error, 300);
  const next = text(a.next_retry_time, 64);
  return {
    webhook: text(a.webhook) ?? '',
    webhook_id: a.webhook_id,
    kind: a.kind === 'dynamic' ? 'dynamic' : 'static',
    event_type: text(a.event_type, 200) ?? '',
    url: text(a.url) ?? '',
    attempt: a.attempt as number,
    time: a.time,
    outcome: a.outcome as DeliveryOutcome,
    ...(status !== undefined ? { status } : {}),
    ...(error !== undefined ? { error } : {}),
    duration_ms: typeof a.duration_ms === 'number' && Number.isFinite(a.duration_ms) ? a.duration_ms : 0,
    ...(next !== undefined && !Number.isNaN(Date.parse(next)) ? { next_retry_time: next } : {}),
  };
}
