/**
 * Issue 14 item 3, the receiver's own view: every arrival of a webhook-id from one source, and what
 * we answered each time — over real HTTP into a real receiver and its history.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ArrivalIndex, FailurePlan, Receiver, ReceivedDelivery, startReceiver } from '../../../src/core/receiver';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { envelopeBody, newSecret, signedStatic } from '../verify/fixtures';
import { post, recordOf } from './helpers';

describe('arrivals of a webhook-id at the receiver (ArrivalIndex)', function () {
  this.timeout(20_000);
  const a = newSecret();
  const b = newSecret();
  const candidates: SecretCandidate[] = [
    { secret: a, webhookId: 'wh_a', label: 'wh_a (current)' },
    { secret: b, webhookId: 'wh_b', label: 'wh_b (current)' },
  ];
  let receiver: Receiver;
  let index: ArrivalIndex;

  const send = async (secrets: string[], id: string, body = envelopeBody()): Promise<ReceivedDelivery> => {
    const d = secrets.length > 0 ? signedStatic(secrets, body, Date.now(), id) : { headers: { 'content-type': 'application/json', 'webhook-id': id }, body };
    const answer = await post(receiver.url, d.headers, d.body);
    const seq = (answer.json.seq as number | undefined) ?? receiver.history.lastSeq;
    return recordOf(receiver, seq);
  };

  async function open(historySize = 1000, failurePlan?: FailurePlan): Promise<void> {
    receiver = await startReceiver({ port: 0, secrets: () => candidates, historySize, ...(failurePlan ? { failurePlan } : {}) });
    index = new ArrivalIndex(
      (seq) => receiver.history.get(seq),
      () => receiver.history.size,
    );
    receiver.history.onDidAppend((r) => index.add(r));
  }
  afterEach(() => receiver?.close());

  it('a delivery sent twice, and an unsigned copy: three arrivals with our answers; the same id from another webhook is not one of them', async () => {
    await open();
    const id = `msg_${randomUUID()}`;
    const body = envelopeBody();
    const first = await send([a], id, body);
    const unsigned = await send([], id, body);
    const again = await send([a], id, body);
    const fromB = await send([b], id, body);
    const other = await send([a], `msg_${randomUUID()}`);

    const arrivals = index.arrivalsOf(again);
    assert.deepEqual(
      arrivals.map((x) => [x.seq, x.httpStatus, x.verdict]),
      [
        [first.seq, 200, 'verified'],
        [unsigned.seq, unsigned.httpStatus, 'rejected'],
        [again.seq, 200, 'duplicate'],
      ],
    );
    assert.ok(unsigned.httpStatus >= 400);
    assert.match(arrivals[1].reason ?? '', /./, 'a rejection says why');
    assert.equal(arrivals[2].duplicateOf, first.seq);
    assert.deepEqual(index.arrivalsOf(first), arrivals, 'the same view from any of them');
    // B's delivery shares the id, not the source: its own arrival and the unsigned one (whose source is unknown).
    assert.deepEqual(
      index.arrivalsOf(fromB).map((x) => [x.seq, x.verdict]),
      [
        [unsigned.seq, 'rejected'],
        [fromB.seq, 'verified'],
      ],
    );
    assert.deepEqual(
      index.arrivalsOf(other).map((x) => x.seq),
      [other.seq],
    );
  });

  it('a rehearsed failure is an arrival that says so: answered 500 (rehearsed), then the retry verified', async () => {
    await open(1000, FailurePlan.parse('500:1'));
    const id = `msg_${randomUUID()}`;
    const body = envelopeBody();
    const failed = await send([a], id, body);
    const retried = await send([a], id, body);
    assert.deepEqual(
      index.arrivalsOf(retried).map((x) => [x.seq, x.httpStatus, x.verdict, x.rehearsal]),
      [
        [failed.seq, 500, 'verified', 'answered 500 (rehearsed)'],
        [retried.seq, 200, 'verified', undefined],
      ],
    );
  });

  it('built from a loaded history gives the same answer; imported captures and records without a webhook-id are not arrivals', async () => {
    await open();
    const id = `msg_${randomUUID()}`;
    await send([a], id);
    const second = await send([a], id);
    const rebuilt = new ArrivalIndex((seq) => receiver.history.get(seq));
    rebuilt.reset(receiver.history.all());
    assert.deepEqual(rebuilt.arrivalsOf(second), index.arrivalsOf(second));
    const imported = receiver.history.append({ ...second, seq: receiver.history.nextSeq(), imported: { from: 'a capture' } });
    assert.equal(index.arrivalsOf(second).length, 2, 'the capture did not arrive here');
    assert.deepEqual(index.arrivalsOf(imported), [], 'nor does it have arrivals of its own');
    const { webhookId: _drop, ...anonymous } = second;
    assert.deepEqual(index.arrivalsOf({ ...anonymous, seq: 999 } as ReceivedDelivery), []);
  });

  it('follows the history’s eviction: evicted arrivals drop out and the index stays bounded', async () => {
    await open(10);
    const id = `msg_${randomUUID()}`;
    const first = await send([a], id);
    for (let i = 0; i < 40; i++) await send([a], `msg_${randomUUID()}`);
    const late = await send([a], id);
    assert.equal(receiver.history.get(first.seq), undefined, 'the first arrival was evicted');
    assert.deepEqual(
      index.arrivalsOf(late).map((x) => [x.seq, x.verdict]),
      [[late.seq, 'duplicate']],
      'only what the history still holds (the dedupe still knows the first)',
    );
    assert.ok(index.size <= 2 * receiver.history.size + 1, `${index.size} ids indexed for a history of ${receiver.history.size}`);
  });

  it('one webhook-id arriving again and again: its list stays within the history, so a click reads only what is kept', () => {
    const kept = new Map<number, ReceivedDelivery>();
    let lookups = 0;
    const capacity = 10;
    const plain = new ArrivalIndex(
      (seq) => (lookups++, kept.get(seq)),
      () => capacity,
    );
    const record = (seq: number) =>
      ({ seq, webhookId: 'msg_same', verdict: 'verified', receivedAt: new Date(seq).toISOString(), httpStatus: 200 }) as ReceivedDelivery;
    for (let seq = 1; seq <= 5_000; seq++) {
      const r = record(seq);
      kept.set(seq, r);
      kept.delete(seq - capacity); // the history's bound
      plain.add(r);
    }
    lookups = 0;
    const arrivals = plain.arrivalsOf(record(5_000));
    assert.equal(arrivals.length, capacity);
    assert.ok(lookups <= 2 * capacity + 1, `${lookups} lookups for the ${capacity} arrivals the history holds`);
  });
});
