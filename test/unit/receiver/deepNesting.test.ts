import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startReceiver } from '../../../src/core/receiver';
import { deliveryJson, formatDeliveryLine } from '../../../src/core/receiver/deliveryLine';
import { jsonDepth, MAX_JSON_DEPTH } from '../../../src/core/util/jsonDepth';
import { newSecret, signedStatic } from '../verify/fixtures';
import { nextRecords, post } from './helpers';

/** `{"a":{"a":…1…}}`, `depth` objects deep: JSON.parse takes it, JSON.stringify of the value overflows the stack past a few thousand. */
export function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('deep nesting (issue 12 item 5)', function () {
  this.timeout(20_000);

  it('jsonDepth measures without recursion, ignores brackets in strings and stops past the limit', () => {
    assert.equal(jsonDepth('1'), 0);
    assert.equal(jsonDepth('{}'), 1);
    assert.equal(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}'), 3);
    assert.equal(jsonDepth('{"a":"\\"[[["}'), 1, 'an escaped quote does not end the string');
    assert.equal(jsonDepth('['.repeat(1_000_000)), MAX_JSON_DEPTH + 1);
    assert.equal(jsonDepth(nested(50), 10), 11);
  });

  it('a signed 30 KB delivery with user_metadata nested 6,000 deep is rejected with a reason and recorded; the receiver keeps serving', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-deep-'));
    const file = path.join(dir, 'history.jsonl');
    const secret = newSecret();
    const receiver = await startReceiver({ port: 0, secrets: () => [{ secret, label: 'test' }], historyPath: file });
    try {
      // Built as text: the attack as sent (about 36 KB).
      const body = `{"type":"batch.succeeded","version":"v1","timestamp":"${new Date().toISOString()}","data":{},"user_metadata":${nested(6000)}}`;
      assert.ok(body.length > 30_000);
      const d = signedStatic([secret], body);
      const records = nextRecords(receiver, 2);
      const answer = await post(receiver.url, d.headers, d.body);
      assert.equal(answer.status, 400);
      assert.match(String(answer.json.reason), /nested too deeply.*more than 100 levels/);
      const ok = signedStatic([secret]);
      assert.equal((await post(receiver.url, ok.headers, ok.body)).status, 200, 'still serving');
      const [rejected, verified] = await records;
      assert.equal(rejected.verdict, 'rejected');
      assert.equal(rejected.code, 'too_deeply_nested');
      assert.equal(rejected.httpStatus, 400);
      assert.equal(rejected.userMetadata, undefined, 'nothing parsed from it is kept');
      assert.equal(rejected.body, body, 'the body is kept as text');
      assert.equal(verified.verdict, 'verified');
      // Everything that serializes a record works: the CLI's line and JSON, an export, the history file.
      assert.match(formatDeliveryLine(rejected), /REJECTED .*nested too deeply/);
      assert.equal((JSON.parse(JSON.stringify(deliveryJson(rejected))) as { verdict: string }).verdict, 'rejected');
      assert.equal(await receiver.history.export(path.join(dir, 'export.jsonl')), 2);
      await receiver.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2);
      assert.equal((JSON.parse(lines[0]) as { code: string }).code, 'too_deeply_nested');
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`accepts user_metadata up to the limit (${MAX_JSON_DEPTH} levels in all) and keeps it`, async () => {
    const secret = newSecret();
    const receiver = await startReceiver({ port: 0, secrets: () => [{ secret, label: 'test' }] });
    try {
      // The envelope is level 1, user_metadata's object level 2: 99 objects bring the body to 100.
      const body = `{"type":"batch.succeeded","version":"v1","timestamp":"${new Date().toISOString()}","data":{},"user_metadata":${nested(MAX_JSON_DEPTH - 1)}}`;
      assert.equal(jsonDepth(body), MAX_JSON_DEPTH);
      const d = signedStatic([secret], body);
      const records = nextRecords(receiver, 1);
      assert.equal((await post(receiver.url, d.headers, d.body)).status, 200);
      const [record] = await records;
      assert.equal(record.verdict, 'verified');
      assert.ok(record.userMetadata);
      const over = signedStatic([secret], body.replace('"user_metadata":', '"user_metadata":{"b":').replace(/}$/, '}}'));
      assert.equal(jsonDepth(over.body), MAX_JSON_DEPTH + 1);
      assert.equal((await post(receiver.url, over.headers, over.body)).status, 400);
    } finally {
      await receiver.close();
    }
  });
});
