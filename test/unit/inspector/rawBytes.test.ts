/**
 * Raw bytes, always (issue 12 item 4): a body with a 20-digit integer, 1e400, duplicate keys and
 * unicode escapes survives the inspector's body view, Copy body, Copy as curl, Export Events and
 * Replay byte for byte; the pretty view changes whitespace only.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { History, replayDelivery, startReceiver } from '../../../src/core/receiver';
import { toJsonLines } from '../../../src/core/receiver/history';
import type { ReceivedDelivery } from '../../../src/core/receiver/types';
import { parseCapture } from '../../../src/core/capture';
import { buildCurl } from '../../../src/extension/events/inspector/curl';
import { bodyText, replayBlocked, secretLabel, sourceOf, toDetail, toRowSummary } from '../../../src/extension/events/inspector/summary';
import { newSecret, signedStatic } from '../verify/fixtures';
import { post, TestApp } from '../receiver/helpers';

const BODY =
  '{"type":"batch.succeeded","version":"v1","timestamp":"2026-09-01T12:00:00Z",' +
  '"data":{"id":"batches/1","count":12345678901234567890,"huge":1e400,"name":"caf\\u00e9","dup":1,"dup":2},' +
  '"user_metadata":{"order":98765432109876543210,"k":"a","k":"b"}}';

function squeeze(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? '');
}

describe('raw bytes, always: the inspector, copy, curl, export and replay', function () {
  this.timeout(20_000);
  const secret = newSecret();
  const candidates = [{ secret, webhookId: 'abc123webhookid', label: 'abc123webhookid (current)' }];
  let app: TestApp;
  let record: ReceivedDelivery;
  let history: History;

  before(async () => {
    app = await new TestApp().start();
    history = await History.open();
    const receiver = await startReceiver({ port: 0, secrets: () => candidates, history });
    const d = signedStatic([secret], BODY);
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.json.status, 'verified');
    await new Promise((r) => setTimeout(r, 50));
    await receiver.close();
    record = history.get(1)!;
  });
  after(() => app.close());

  it('stores the body as received, and the re-serialization the old view did would have lost tokens', () => {
    assert.equal(record.body, BODY);
    assert.notEqual(JSON.stringify(JSON.parse(BODY)), BODY);
  });

  it('shows the pretty body token for token, raw by Copy body, and user_metadata as written', () => {
    const detail = toDetail(record);
    const pretty = detail.display?.prettyBody ?? '';
    assert.match(pretty, /"count": 12345678901234567890,/);
    assert.match(pretty, /"huge": 1e400,/);
    assert.match(pretty, /"name": "caf\\u00e9",/);
    assert.equal(pretty.match(/"dup":/g)?.length, 2);
    assert.equal(squeeze(pretty), BODY);
    assert.equal(detail.body, BODY, 'the raw view is the body as received');
    assert.match(detail.display?.userMetadata ?? '', /"order": 98765432109876543210/);
    assert.equal(detail.display?.userMetadata?.match(/"k":/g)?.length, 2);
    assert.equal(bodyText(record, false), BODY, 'Copy body and Open JSON (raw)');
    assert.equal(squeeze(bodyText(record, true)), BODY, 'Open JSON (pretty) changes whitespace only');
  });

  it('Copy as curl sends the same bytes (evaluated by a real shell)', () => {
    const command = buildCurl(record, 'http://127.0.0.1:1/webhooks');
    const bodyArg = command.slice(command.indexOf('--data-binary ') + '--data-binary '.length);
    assert.equal(execFileSync('sh', ['-c', `printf '%s' ${bodyArg}`], { encoding: 'utf8' }), BODY);
  });

  it('Export Events writes the body so that reading the file back gives the same bytes', () => {
    const line = toJsonLines([record]);
    assert.equal((JSON.parse(line) as ReceivedDelivery).body, BODY);
    const parsed = parseCapture(Buffer.from(line, 'utf8'));
    assert.ok(parsed.ok);
    assert.equal(Buffer.from(parsed.captures[0].rawBody).toString('utf8'), BODY);
  });

  it('Replay sends the same bytes to the app', async () => {
    const result = await replayDelivery(history, 1, { target: app.url, secrets: () => candidates });
    assert.equal(result.ok, true);
    assert.equal(app.received.at(-1)?.body.toString('utf8'), BODY);
  });

  it('leaves a body that is not JSON text without a pretty form', () => {
    const odd = { ...record, body: '{"a":1,}', seq: 2 };
    assert.equal(toDetail(odd).display?.prettyBody, undefined);
    assert.equal(bodyText(odd, true), '{"a":1,}');
  });
});

describe('inspector detail: names, not ids; what can be replayed; the same words as the list', () => {
  const base: ReceivedDelivery = {
    seq: 1,
    receivedAt: '2026-09-01T12:00:00.000Z',
    method: 'POST',
    path: '/webhooks',
    headers: {},
    body: '{}',
    bodyBytes: 2,
    verdict: 'verified',
    scheme: 'static',
    matchedSecret: { label: 'abc123webhookid (current)', webhookId: 'abc123webhookid' },
    latencyMs: 1,
    httpStatus: 200,
  };
  const names = (id: string) => (id === 'abc123webhookid' ? 'My batch app' : undefined);

  it('names the source and the matched secret by the webhook name, with the id as the tooltip and the filter key', () => {
    assert.deepEqual(sourceOf(base, names), { key: 'abc123webhookid', label: 'My batch app', title: 'webhook abc123webhookid' });
    assert.equal(secretLabel(base, names), 'My batch app (current)');
    const row = toRowSummary(base, names);
    assert.equal(row.source, 'abc123webhookid');
    assert.equal(row.sourceLabel, 'My batch app');
    assert.ok(row.haystack.includes('my batch app'), 'searchable by name');
    const detail = toDetail(base, names);
    assert.equal(detail.display?.source, 'My batch app');
    assert.equal(detail.display?.secretLabel, 'My batch app (current)');
    // Unknown to the Webhooks view (another page, another project): the id.
    assert.equal(sourceOf(base)?.label, 'abc123webhookid');
    assert.equal(secretLabel({ ...base, matchedSecret: { label: 'staging (added by hand)' } }, names), 'staging (added by hand)');
  });

  it('blocks Replay to app on rejected and truncated deliveries, with the reason', () => {
    assert.equal(replayBlocked(base), undefined);
    const rejected: ReceivedDelivery = { ...base, verdict: 'rejected', reason: 'no secret matched (tried 1 signing secret)', matchedSecret: undefined };
    assert.match(replayBlocked(rejected) ?? '', /Only verified deliveries are replayed.*rejected \(no secret matched/);
    assert.equal(toDetail(rejected).display?.replayBlocked, replayBlocked(rejected));
    assert.match(replayBlocked({ ...base, bodyTruncated: true }) ?? '', /truncated/);
  });

  it('types a rejected delivery without a type "(rejected)" in the detail, as the list does', () => {
    assert.equal(toDetail({ ...base, verdict: 'rejected' }).display?.typeLabel, '(rejected)');
    assert.equal(toDetail(base).display?.typeLabel, '(no event type)');
    assert.equal(toDetail({ ...base, eventType: 'batch.succeeded' }).display?.typeLabel, 'batch.succeeded');
  });
});
