/** The Attempts section's words for durations and times: seconds matter at a compressed time scale. */
import * as assert from 'node:assert/strict';
import { relative, span } from '../../../src/webview/inspector/attemptsTimeline';

describe('attempts timeline durations', () => {
  it('reads a gap as a person would: ms, s, min, h, days', () => {
    assert.deepEqual([8, 5_000, 12_400, 300_000, 5_400_000, 7_200_000, 36_000_000, 200_000_000].map(span), [
      '8 ms',
      '5.0 s',
      '12 s',
      '5 min',
      '1.5 h',
      '2.0 h',
      '10 h',
      '2 days',
    ]);
    assert.equal(span(-1), '?');
    assert.equal(span(Number.NaN), '?');
  });

  it('says when, from now', () => {
    assert.equal(relative(400), 'now');
    assert.equal(relative(5_000), 'in 5.0 s');
    assert.equal(relative(-120_000), '2 min ago');
    assert.equal(relative(Number.NaN), '?');
  });
});
