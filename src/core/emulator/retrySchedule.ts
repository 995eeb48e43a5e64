/**
 * The Standard Webhooks example schedule: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 14 h, 20 h, 24 h after the previous attempt — each divided by the time scale, with ±15 % jitter,
 * and never sooner than the receiver's `Retry-After`.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** Delay before attempt n+1 (index n-1 is the first attempt's delay: 0). */
export const RETRY_SCHEDULE_MS: readonly number[] = [0, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length;
export const JITTER = 0.15;
const MAX_RETRY_AFTER_MS = 24 * H;

/**
 * The (scaled) delay before the attempt after `attempt` (1-based), or undefined when the schedule
 * is exhausted. `retryAfterMs` is the receiver's Retry-After, unscaled.
 */
export function nextRetryDelay(attempt: number, scale: number, retryAfterMs?: number, random: () => number = Math.random): number | undefined {
  if (attempt >= MAX_ATTEMPTS) return undefined;
  const base = RETRY_SCHEDULE_MS[attempt] / scale;
  const jittered = base * (1 + (random() * 2 - 1) * JITTER);
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) / scale;
  return Math.max(jittered, floor);
}
