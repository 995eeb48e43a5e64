/**
 * When to retry a call and how long to wait: exponential backoff with full jitter, honouring
 * `Retry-After`. Only idempotent methods are retried (see `RETRYABLE_METHODS`).
 */
import { parseRetryAfterMs } from '../util/retryAfter';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is surfaced with its retryAfterSeconds. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 10_000 };

/**
 * GET and DELETE are idempotent by HTTP; PATCH is too in this API, since it sets the masked fields to
 * absolute values. POST (create, rotate, ping) never is: retrying could create a second webhook,
 * rotate twice, or ping twice.
 */
export const RETRYABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'DELETE', 'PATCH']);

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): full jitter over an exponential cap. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Parses Retry-After (delta seconds or an HTTP date) into seconds; undefined when absent or invalid. The one parser is src/core/util/retryAfter.ts. */
export function parseRetryAfter(value: string | readonly string[] | undefined, now = Date.now()): number | undefined {
  const ms = parseRetryAfterMs(value, now);
  return ms === undefined ? undefined : ms / 1000;
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}
