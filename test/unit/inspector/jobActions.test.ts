/** The detail pane offers Open Job on an event that names a job, and Open Results on one that points at its output. */
import * as assert from 'node:assert/strict';
import { makeEnvelope } from '../../../src/core/events/envelope';
import type { ReceivedDelivery } from '../../../src/core/receiver/types';
import { toDetail } from '../../../src/extension/events/inspector/summary';

function delivery(body: string, fields: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  const eventType = (() => {
    try {
      return (JSON.parse(body) as { type?: string }).type;
    } catch {
      return undefined;
    }
  })();
  return {
    seq: 1,
    receivedAt: '2026-12-01T12:00:00.000Z',
    method: 'POST',
    path: '/webhooks',
    headers: {},
    body,
    bodyBytes: Buffer.byteLength(body),
    verdict: 'verified',
    scheme: 'dynamic',
    latencyMs: 1,
    httpStatus: 200,
    ...(eventType ? { eventType } : {}),
    ...fields,
  };
}

const actions = (r: ReceivedDelivery) => toDetail(r).display?.jobActions;

describe('inspector: job actions on an event', () => {
  it('Open Job and Open Results for batch.succeeded and video.generated; Open Job for the other job events', () => {
    assert.deepEqual(actions(delivery(JSON.stringify(makeEnvelope('batch.succeeded', { id: 'batches/b', output_file_uri: 'gs://x/y' })))), [
      'openJob',
      'openResults',
    ]);
    assert.deepEqual(actions(delivery(JSON.stringify(makeEnvelope('video.generated', { file_id: 'files/v' })))), ['openJob', 'openResults']);
    assert.deepEqual(actions(delivery(JSON.stringify(makeEnvelope('interaction.completed', { id: 'v1_i' })))), ['openJob']);
    assert.deepEqual(actions(delivery(JSON.stringify(makeEnvelope('batch.cancelled', { id: 'b' })))), ['openJob']);
  });

  it('none for an event that names no job, a rejected delivery, or a body that is not an event', () => {
    assert.equal(actions(delivery(JSON.stringify(makeEnvelope('batch.failed', {})))), undefined);
    assert.equal(actions(delivery(JSON.stringify(makeEnvelope('model.tuned', { id: 'x' })))), undefined);
    assert.equal(actions(delivery(JSON.stringify(makeEnvelope('batch.succeeded', { id: 'b' })), { verdict: 'rejected' })), undefined);
    assert.equal(actions(delivery('{"type":"batch.succeeded","data":', { eventType: 'batch.succeeded' })), undefined);
  });
});
