/** Imported captures in a receiver's history: never received there, so never what a later delivery duplicates. */
import * as assert from 'node:assert/strict';
import { importedDelivery, parseCapture, verifyCapture } from '../../../src/core/capture';
import { History, startReceiver } from '../../../src/core/receiver';
import { post, recordOf } from '../receiver/helpers';
import { envelopeBody, newSecret, signedStatic } from '../verify/fixtures';

describe('imported records in the history', () => {
  it('a delivery whose webhook-id was imported before is verified, not flagged duplicate, after a restart', async () => {
    const secret = newSecret();
    const secrets = () => [{ secret, label: 'mine (added by hand)' }];
    const d = signedStatic([secret], envelopeBody());
    const parsed = parseCapture(
      `POST /webhooks HTTP/1.1\n${Object.entries(d.headers)
        .map(([k, v]) => `${k}: ${v}\n`)
        .join('')}\n${d.body}`,
    );
    assert.ok(parsed.ok);
    const history = await History.open({ size: 10 });
    const result = await verifyCapture(parsed.captures[0], { secrets });
    history.append(importedDelivery(result, { seq: history.nextSeq(), from: 'capture.http (raw HTTP request)' }));
    assert.equal(history.get(1)?.verdict, 'verified');

    const receiver = await startReceiver({ port: 0, secrets, history });
    try {
      const answer = await post(receiver.url, d.headers, d.body);
      assert.equal(answer.status, 200);
      assert.equal(answer.json.status, 'verified', JSON.stringify(answer.json));
      const record = await recordOf(receiver, answer.json.seq as number);
      assert.equal(record.duplicateOf, undefined);
      assert.equal(record.imported, undefined);
      // A second real delivery of it is a duplicate of the received one, as always.
      const again = await post(receiver.url, d.headers, d.body);
      assert.equal(again.json.duplicate_of, record.seq);
    } finally {
      await receiver.close();
    }
  });
});
