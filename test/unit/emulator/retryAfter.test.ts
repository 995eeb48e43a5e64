/** The shared Retry-After parser the emulator's delivery retries use. */
import * as assert from 'node:assert/strict';
import { parseRetryAfterMs } from '../../../src/core/util/retryAfter';

describe('parseRetryAfterMs (src/core/util)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delay seconds, fractional ones too', () => {
    assert.equal(parseRetryAfterMs('7', now), 7000);
    assert.equal(parseRetryAfterMs(' 0 ', now), 0);
    assert.equal(parseRetryAfterMs('1.5', now), 1500);
    assert.equal(parseRetryAfterMs(['3', '9'], now), 3000);
    assert.equal(parseRetryAfterMs('9'.repeat(400), now), Number.MAX_SAFE_INTEGER);
  });

  it('reads an HTTP date as the time left until it, and a past date as 0', () => {
    assert.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
  });

  it('is undefined for an absent or unreadable header', () => {
    for (const v of [undefined, '', '   ', 'soon', '-5', '12-1', '5s', '1e3', []])
      assert.equal(parseRetryAfterMs(v as string | undefined, now), undefined, String(v));
  });
});
