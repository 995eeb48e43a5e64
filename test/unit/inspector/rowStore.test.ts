import * as assert from 'node:assert/strict';
import { RowSummary, Verdict } from '../../../src/webview/inspector/protocol';
import { NO_FILTER, RowStore, countText, matches, visibleWindow } from '../../../src/webview/inspector/rowStore';
import { toRowSummary } from '../../../src/extension/events/inspector/summary';
import { ReceivedDelivery } from '../../../src/core/receiver/types';

function record(seq: number, over: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  return {
    seq,
    receivedAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'webhook-id': `msg_${seq}` },
    body: JSON.stringify({ type: 'batch.succeeded', data: { id: `batches/b${seq}` } }),
    bodyBytes: 50,
    verdict: 'verified',
    scheme: 'static',
    eventType: 'batch.succeeded',
    webhookId: `msg_${seq}`,
    matchedSecret: { label: 'wh (current)', webhookId: 'webhooks/one' },
    latencyMs: 1,
    httpStatus: 200,
    ...over,
  };
}

const row = (seq: number, over: Partial<ReceivedDelivery> = {}): RowSummary => toRowSummary(record(seq, over));

describe('inspector rows: summary, filter and search', () => {
  it('summarises a record with its source webhook and a lower-cased haystack of ids and body', () => {
    const r = row(7, { body: '{"type":"batch.succeeded","data":{"id":"batches/ABC"}}' });
    assert.equal(r.source, 'webhooks/one');
    assert.equal(r.eventType, 'batch.succeeded');
    assert.ok(r.haystack.includes('batches/abc'));
    assert.ok(r.haystack.includes('msg_7'));
    const dynamic = toRowSummary(
      record(8, { matchedSecret: undefined, scheme: 'dynamic', token: { iss: 'http://127.0.0.1:9', jti: 'jti-1', bodyBound: true } }),
    );
    assert.equal(dynamic.source, 'http://127.0.0.1:9');
    assert.ok(dynamic.haystack.includes('jti-1'));
  });

  it('filters by type, verdict, source and text (case-insensitive); all filters combine', () => {
    const rows = [
      row(1),
      row(2, { verdict: 'rejected', eventType: undefined, matchedSecret: undefined, reason: 'no secret matched' }),
      row(3, { eventType: 'video.generated', body: '{"type":"video.generated","data":{"file_id":"files/XYZ"}}' }),
      row(4, { verdict: 'duplicate', duplicateOf: 1, matchedSecret: { label: 'other', webhookId: 'webhooks/two' } }),
    ];
    const pick = (f: Partial<typeof NO_FILTER>) => rows.filter((r) => matches(r, { ...NO_FILTER, ...f })).map((r) => r.seq);
    assert.deepEqual(pick({}), [1, 2, 3, 4]);
    assert.deepEqual(pick({ verdict: 'rejected' as Verdict }), [2]);
    assert.deepEqual(pick({ eventType: 'video.generated' }), [3]);
    assert.deepEqual(pick({ source: 'webhooks/two' }), [4]);
    assert.deepEqual(pick({ text: 'files/xyz' }), [3]);
    assert.deepEqual(pick({ text: '  MSG_4 ' }), [4]);
    assert.deepEqual(pick({ text: 'msg_1', verdict: 'verified' as Verdict }), [1]);
    assert.deepEqual(pick({ text: 'nothing-like-this' }), []);
  });

  it('keeps the newest `capacity` rows, newest first, in order whatever the arrival order', () => {
    const store = new RowStore(3);
    store.append([row(2), row(1), row(5)]);
    store.append([row(4), row(3)]);
    assert.deepEqual(
      store.view().map((r) => r.seq),
      [5, 4, 3],
    );
    assert.equal(store.size, 3);
    assert.equal(store.get(1), undefined);
    store.update([row(4, { verdict: 'duplicate' }), row(99)]);
    assert.equal(store.get(4)?.verdict, 'duplicate');
    assert.equal(store.get(99), undefined);
    store.setFilter({ ...NO_FILTER, verdict: 'duplicate' });
    assert.deepEqual(
      store.view().map((r) => r.seq),
      [4],
    );
    store.clear();
    assert.deepEqual(store.view(), []);
  });

  it('counts in words that agree with the number: 1 event, 2 events, 1 of 2 events', () => {
    assert.equal(countText(1, 1), '1 event');
    assert.equal(countText(0, 0), '0 events');
    assert.equal(countText(14, 14), '14 events');
    assert.equal(countText(1, 14), '1 of 14 events');
    assert.equal(countText(0, 1), '0 of 1 event');
  });

  it('offers each source once in the filter, by name, keyed by the webhook id', () => {
    const store = new RowStore(10);
    const names = (id: string) => ({ 'webhooks/one': 'Zeta app', 'webhooks/two': 'Alpha app' })[id];
    store.reset([
      toRowSummary(record(1), names),
      toRowSummary(record(2, { matchedSecret: { label: 'x', webhookId: 'webhooks/two' } }), names),
      toRowSummary(record(3), names),
      toRowSummary(record(4, { matchedSecret: { label: 'hand (added by hand)' } }), names),
    ]);
    assert.deepEqual(store.sourceOptions(), [
      { value: 'webhooks/two', label: 'Alpha app' },
      { value: 'hand (added by hand)', label: 'hand (added by hand)' },
      { value: 'webhooks/one', label: 'Zeta app' },
    ]);
  });

  it('lists distinct types and sources for the drop-downs', () => {
    const store = new RowStore(10);
    store.append([row(1), row(2, { eventType: 'video.generated' }), row(3, { matchedSecret: undefined, verdict: 'rejected', eventType: undefined })]);
    assert.deepEqual(store.distinct('eventType'), ['batch.succeeded', 'video.generated']);
    assert.deepEqual(store.distinct('source'), ['webhooks/one']);
  });

  it('handles 10,000 rows: a window of rows to draw, filtering stays linear', () => {
    const store = new RowStore(10_000);
    const many: RowSummary[] = [];
    for (let i = 1; i <= 10_000; i++) many.push(row(i, i % 10 === 0 ? { verdict: 'rejected' } : {}));
    store.append(many);
    assert.equal(store.view().length, 10_000);
    store.setFilter({ ...NO_FILTER, verdict: 'rejected' });
    assert.equal(store.view().length, 1_000);
    assert.deepEqual(visibleWindow(10_000, 0, 240, 24, 5), { start: 0, end: 15 });
    assert.deepEqual(visibleWindow(10_000, 24 * 5000, 240, 24, 5), { start: 4995, end: 5015 });
    assert.deepEqual(visibleWindow(10, 24 * 100, 240, 24, 5), { start: 10, end: 10 });
    assert.deepEqual(visibleWindow(0, 0, 240, 24), { start: 0, end: 0 });
  });
});
