/** The Attempts section's words for durations and times: seconds matter at a compressed time scale. */
import * as assert from 'node:assert/strict';
import { localWhen, relative, span } from '../../../src/webview/inspector/attemptsTimeline';

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

  it("reads a time as local time with how far off it is, the date only when it is not today (also the detail pane's Received row)", () => {
    const now = Date.parse('2026-12-01T12:05:00Z');
    const clock = (iso: string) =>
      new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false }).format(new Date(iso));
    assert.equal(localWhen('2026-12-01T12:03:00Z', now), `${clock('2026-12-01T12:03:00Z')} (2 min ago)`);
    const day = new Date('2026-11-28T12:03:00Z').toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
    assert.equal(localWhen('2026-11-28T12:03:00Z', now), `${day} ${clock('2026-11-28T12:03:00Z')} (3 days ago)`);
    assert.doesNotMatch(localWhen('2026-12-01T12:03:00Z', now), /T\d\d:|Z/);
  });
});
