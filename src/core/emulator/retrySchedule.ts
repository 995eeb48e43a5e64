/**
 * When a failed delivery is tried again. Google's guide: the service "retries failed requests for
 * 24 hours using exponential backoff" (no schedule, attempt count or disable rule is published).
 * Our choice: the Standard Webhooks example steps (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 14 h, 20 h, 24 h after the previous attempt) truncated to the ones that fit in 24 hours, then one
 * last attempt at the 24 h mark:
 *
 *   attempt   1    2    3      4       5     6     7      8
 *   delay     0    5 s  5 min  30 min  2 h   5 h   10 h   until 24 h after attempt 1
 *   at        0    5 s  ~5 min ~35 min ~2.6 h ~7.6 h ~17.6 h  24 h
 *
 * Delays 2–7 are jittered ±15 % (at most 20.2 h in all, so attempt 8 always comes last) and never
 * sooner than the receiver's `Retry-After`; every delay is cut so that no attempt starts later than
 * 24 h after the first (RETRY_WINDOW_MS), whatever the jitter, Retry-After or attempt durations.
 * Past the window or after attempt 8 the schedule is exhausted and a static webhook goes to
 * `disabled_due_to_failed_deliveries`. All durations are divided by the time scale.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** No attempt starts later than this after the first one (unscaled). */
export const RETRY_WINDOW_MS = 24 * H;
const BACKOFF_MS: readonly number[] = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H];

/**
 * Nominal delay before attempt n+1 (index n-1; the first attempt's delay is 0). The last entry is
 * what remains of the window without jitter; in practice attempt 8 is due exactly at the window's end.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [0, ...BACKOFF_MS, RETRY_WINDOW_MS - BACKOFF_MS.reduce((a, b) => a + b, 0)];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length;
export const JITTER = 0.15;
const MAX_RETRY_AFTER_MS = 24 * H;

export interface RetryTiming {
  /** The time scale: every duration is divided by it. */
  readonly scale: number;
  /** Scaled (real) ms since the first attempt started. */
  readonly elapsedMs: number;
  /** The receiver's Retry-After, unscaled. */
  readonly retryAfterMs?: number;
  /** [0, 1): the jitter's source (tests inject it). */
  readonly random?: () => number;
}

/**
 * The (scaled) delay before the attempt after `attempt` (1-based), or undefined when the schedule
 * is exhausted: after the last attempt, or once the window since the first attempt has passed.
 */
export function nextRetryDelay(attempt: number, t: RetryTiming): number | undefined {
  if (attempt >= MAX_ATTEMPTS) return undefined;
  const remaining = RETRY_WINDOW_MS / t.scale - t.elapsedMs;
  if (remaining <= 0) return undefined;
  if (attempt === MAX_ATTEMPTS - 1) return remaining;
  const base = RETRY_SCHEDULE_MS[attempt] / t.scale;
  const jittered = base * (1 + ((t.random ?? Math.random)() * 2 - 1) * JITTER);
  const floor = t.retryAfterMs === undefined ? 0 : Math.min(t.retryAfterMs, MAX_RETRY_AFTER_MS) / t.scale;
  return Math.min(Math.max(jittered, floor), remaining);
}
