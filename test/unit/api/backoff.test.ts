/** The pure parts of the retry policy. */
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, RETRYABLE_METHODS } from '../../../src/core/api';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../../src/core/api/retry';
import { updateMaskOf } from '../../../src/core/api';

describe('api client: backoff policy', () => {
  it('grows exponentially up to the cap, with jitter in the upper half', () => {
    const p = DEFAULT_RETRY_POLICY;
    assert.equal(
      backoffDelay(p, 1, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(p, 1, () => 1),
      500,
    );
    assert.equal(
      backoffDelay(p, 3, () => 1),
      2000,
    );
    assert.equal(
      backoffDelay(p, 10, () => 1),
      8000,
    );
    assert.equal(
      backoffDelay(p, 10, () => 0),
      4000,
    );
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('7'), 7);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter('-5'), undefined, 'not a legacy Date.parse guess');
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
  });

  it('retries 408, 429 and 5xx only, for idempotent methods only', () => {
    assert.deepEqual([400, 401, 403, 404, 408, 409, 429, 500, 503].filter(isRetryableStatus), [408, 429, 500, 503]);
    assert.deepEqual(
      ['GET', 'POST', 'PATCH', 'DELETE'].filter((m) => RETRYABLE_METHODS.has(m)),
      ['GET', 'PATCH', 'DELETE'],
    );
  });

  it('builds update_mask from the fields given', () => {
    assert.deepEqual(updateMaskOf({ subscribed_events: ['a'] }), ['subscribed_events']);
    assert.deepEqual(updateMaskOf({ state: 'enabled', name: 'n' }), ['name', 'state']);
    assert.deepEqual(updateMaskOf({}), []);
  });
});
