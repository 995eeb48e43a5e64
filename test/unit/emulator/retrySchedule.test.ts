/** The retry schedule, computed deterministically (the jitter's source injected): every attempt within 24 h of the first. */
import * as assert from 'node:assert/strict';
import { JITTER, MAX_ATTEMPTS, RETRY_SCHEDULE_MS, RETRY_WINDOW_MS, nextRetryDelay } from '../../../src/core/emulator/retrySchedule';

const H = 3_600_000;

/** Start times (ms after the first attempt) of every attempt of a delivery that always fails. */
function attemptTimes(random: () => number, o: { scale?: number; attemptMs?: number; retryAfterMs?: (attempt: number) => number | undefined } = {}): number[] {
  const scale = o.scale ?? 1;
  const times = [0];
  for (let attempt = 1; ; attempt++) {
    const finished = times[times.length - 1] + (o.attemptMs ?? 0);
    const delay = nextRetryDelay(attempt, { scale, elapsedMs: finished, retryAfterMs: o.retryAfterMs?.(attempt), random });
    if (delay === undefined) return times;
    assert.ok(delay >= 0, `delay after attempt ${attempt} is not negative`);
    times.push(finished + delay);
  }
}

describe('emulator retry schedule', () => {
  it('is the Standard Webhooks steps that fit in 24 h, then a last attempt at the 24 h mark', () => {
    assert.equal(RETRY_WINDOW_MS, 24 * H);
    assert.equal(MAX_ATTEMPTS, 8);
    assert.deepEqual(RETRY_SCHEDULE_MS.slice(0, 7), [0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6]);
    assert.equal(
      RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0),
      24 * H,
      'nominal total: 24 h',
    );
    assert.equal(JITTER, 0.15);
  });

  for (const [name, random] of [
    ['the most jitter up (+15 %)', () => 0.999999],
    ['no jitter', () => 0.5],
    ['the most jitter down (-15 %)', () => 0],
  ] as const) {
    it(`ends within 24 h of the first attempt with ${name}`, () => {
      const times = attemptTimes(random);
      assert.equal(times.length, 8, 'eight attempts');
      times.slice(1).forEach((t, i) => assert.ok(t > times[i], `attempt ${i + 2} after attempt ${i + 1}`));
      assert.ok(times[times.length - 1] <= 24 * H, `last attempt at ${times[times.length - 1] / H} h`);
      assert.equal(times[7], 24 * H, 'the last attempt is due at the 24 h mark');
      assert.ok(times[6] <= 17.6 * H * (1 + JITTER), 'attempt 7 leaves room for the last one');
    });
  }

  it('ends within 24 h however long the attempts take, and with every duration scaled', () => {
    const slow = attemptTimes(() => 0.999999, { attemptMs: 30_000 });
    assert.ok(slow[slow.length - 1] <= 24 * H);
    const scaled = attemptTimes(() => 0.999999, { scale: 100_000 });
    assert.equal(scaled.length, 8);
    assert.ok(scaled[scaled.length - 1] <= (24 * H) / 100_000);
  });

  it('honours Retry-After, but never past the 24 h window (which then ends the schedule early)', () => {
    const delay = nextRetryDelay(1, { scale: 1, elapsedMs: 0, retryAfterMs: 3_600_000, random: () => 0.5 });
    assert.equal(delay, 3_600_000, 'a Retry-After later than the 5 s step wins');
    const times = attemptTimes(() => 0.5, { retryAfterMs: (attempt) => (attempt === 2 ? 30 * H : undefined) });
    assert.deepEqual(times.slice(0, 3), [0, 5e3, 24 * H], 'a Retry-After beyond the window is cut to its end');
    assert.equal(times.length, 3, 'and the window has passed: no more attempts');
    assert.equal(nextRetryDelay(3, { scale: 1, elapsedMs: 24 * H + 1 }), undefined);
    assert.equal(nextRetryDelay(MAX_ATTEMPTS, { scale: 1, elapsedMs: 0 }), undefined);
  });
});
