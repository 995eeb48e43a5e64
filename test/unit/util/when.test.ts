import * as assert from 'node:assert/strict';
import { formatWhen, localTime, relativeTime } from '../../../src/core/util/when';

describe('times as a person reads them', () => {
  const now = Date.parse('2026-12-01T09:01:00Z');

  it('says how far from now, in both directions', () => {
    assert.equal(relativeTime('2026-12-02T09:01:00Z', now), 'in 24 h');
    assert.equal(relativeTime('2026-12-01T09:06:00Z', now), 'in 5 min');
    assert.equal(relativeTime('2026-12-01T08:56:00Z', now), '5 min ago');
    assert.equal(relativeTime('2026-11-28T09:01:00Z', now), '3 days ago');
    assert.equal(relativeTime('2026-12-01T09:01:20Z', now), 'now');
    assert.equal(relativeTime('not a time', now), 'not a time');
  });

  it('gives the local date and time, with the year only when it is not this one', () => {
    assert.equal(localTime('2026-12-02T09:01:00Z', { locale: 'en-GB', timeZone: 'UTC', now }), '2 Dec, 09:01');
    assert.equal(localTime('2026-12-02T09:01:00Z', { locale: 'en-GB', timeZone: 'Europe/Berlin', now }), '2 Dec, 10:01');
    assert.equal(localTime('2025-03-04T05:06:00Z', { locale: 'en-GB', timeZone: 'UTC', now }), '4 Mar 2025, 05:06');
  });

  it('puts both together, never a raw ISO string', () => {
    const text = formatWhen('2026-12-02T09:01:00.000Z', { locale: 'en-GB', timeZone: 'UTC', now });
    assert.equal(text, 'in 24 h — 2 Dec, 09:01');
    assert.doesNotMatch(text, /T\d\d:/);
  });
});
