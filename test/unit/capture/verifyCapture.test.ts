/** verifyCapture: the receiver's verifier as of a chosen moment, the capture's age, who signed it, and the imported record. */
import * as assert from 'node:assert/strict';
import { AT_WEBHOOK_TIMESTAMP, CapturedRequest, importedDelivery, parseCapture, verifyCapture, verifyCaptures } from '../../../src/core/capture';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { envelopeBody, JwksServer, newKey, newSecret, signedDynamic, signedStatic, TEST_AUDIENCE } from '../verify/fixtures';

const NOW = Date.UTC(2026, 0, 22, 12, 0, 0);
const HOUR_AGO = NOW - 3_600_000;

/** A raw HTTP capture of a delivery, as a log would show it. */
function rawCapture(d: { headers: Record<string, string>; body: string }): CapturedRequest {
  const text = `POST /webhooks HTTP/1.1\r\n${Object.entries(d.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${d.body}`;
  const parsed = parseCapture(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  return parsed.captures[0];
}

describe('verifyCapture', () => {
  const secret = newSecret();
  const secrets: SecretCandidate[] = [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];
  const options = { secrets: () => secrets, now: () => NOW };

  it('verifies a fresh static capture, names the secret and the age', async () => {
    const result = await verifyCapture(rawCapture(signedStatic([secret], envelopeBody(), NOW - 5_000)), options);
    assert.equal(result.valid, true);
    assert.equal(result.verdict.signatureMethod, 'v1 HMAC');
    assert.equal(result.matched, 'secret "wh_1 (current)"');
    assert.equal(result.ageSeconds, 5);
    assert.equal(result.checkedAs, 'now');
    assert.equal(result.checkedAt, NOW / 1000);
    assert.equal(result.reason, undefined);
  });

  it('an old capture as of now: timestamp too old, with its age; as of its own timestamp or a given time: valid', async () => {
    const capture = rawCapture(signedStatic([secret], envelopeBody(), HOUR_AGO));
    const now = await verifyCapture(capture, options);
    assert.equal(now.valid, false);
    assert.equal(now.reason, 'timestamp too old (3600 s ago, tolerance 300 s)');
    assert.equal(now.ageSeconds, 3600);
    const own = await verifyCapture(capture, { ...options, at: AT_WEBHOOK_TIMESTAMP });
    assert.equal(own.valid, true, own.reason);
    assert.equal(own.checkedAs, 'its webhook-timestamp');
    assert.equal(own.checkedAt, HOUR_AGO / 1000);
    assert.equal(own.ageSeconds, 3600, 'the age is always against the real now');
    const given = await verifyCapture(capture, { ...options, at: HOUR_AGO / 1000 + 100 });
    assert.equal(given.valid, true);
    assert.equal(given.checkedAs, 'given time');
  });

  it('a secret rotated out since counts when checked as of the capture time', async () => {
    const rotated: SecretCandidate[] = [{ secret, webhookId: 'wh_1', label: 'wh_1 (previous)', notAfter: HOUR_AGO + 60_000 }];
    const capture = rawCapture(signedStatic([secret], envelopeBody(), HOUR_AGO));
    assert.equal((await verifyCapture(capture, { secrets: () => rotated, now: () => NOW, at: AT_WEBHOOK_TIMESTAMP })).matched, 'secret "wh_1 (previous)"');
  });

  it('a tampered body: no secret matched, how many were tried', async () => {
    const d = signedStatic([secret], envelopeBody(), NOW);
    const result = await verifyCapture(rawCapture({ ...d, body: d.body.replace('batch.succeeded', 'batch.failed') }), options);
    assert.equal(result.valid, false);
    assert.equal(result.reason, 'no secret matched (tried 1 signing secret)');
    assert.equal(result.matched, undefined);
  });

  it('missing signature headers get the verifier’s plain reason', async () => {
    const d = signedStatic([secret], envelopeBody(), NOW);
    const { 'webhook-signature': _drop, ...rest } = d.headers;
    const result = await verifyCapture(rawCapture({ headers: rest, body: d.body }), options);
    assert.equal(result.reason, 'missing header: webhook-signature');
    const bare = await verifyCapture(rawCapture({ headers: { 'content-type': 'application/json' }, body: d.body }), options);
    assert.equal(bare.reason, 'missing header: webhook-id');
    assert.equal(bare.ageSeconds, undefined);
  });

  it('a truncated exported record is invalid without being checked, and says why', async () => {
    const d = signedStatic([secret], envelopeBody(), NOW);
    const parsed = parseCapture(JSON.stringify({ seq: 3, headers: d.headers, body: d.body.slice(0, 5), bodyBytes: d.body.length, bodyTruncated: true }));
    assert.ok(parsed.ok);
    const result = await verifyCapture(parsed.captures[0], options);
    assert.equal(result.valid, false);
    assert.equal(result.verdict.ok ? '' : result.verdict.code, 'incomplete_request');
    assert.match(result.reason ?? '', /truncated .* cannot be checked/);
  });

  describe('dynamic (JWT) captures against a local JWKS', () => {
    let jwks: JwksServer;
    before(async () => {
      jwks = await new JwksServer().start();
    });
    after(() => jwks.close());

    it('verifies with the key set and audience, names the kid; one key-set fetch for a whole export', async () => {
      const key = await newKey();
      jwks.keys = [key.publicJwk];
      const before = jwks.fetches;
      const captures = await Promise.all([0, 1, 2].map(async () => rawCapture(await signedDynamic(key, envelopeBody(), NOW - 10_000))));
      const results = await verifyCaptures(captures, { ...options, jwksUri: jwks.uri, audience: TEST_AUDIENCE });
      for (const r of results) {
        assert.equal(r.valid, true, r.reason);
        assert.equal(r.verdict.scheme, 'dynamic');
        assert.match(r.matched ?? '', new RegExp(key.kid));
        assert.equal(r.ageSeconds, 10);
        assert.deepEqual(r.notes, []);
      }
      assert.equal(jwks.fetches - before, 1);
    });

    it('says when the audience was not checked, and refuses a wrong one', async () => {
      const key = await newKey();
      jwks.keys = [key.publicJwk];
      const capture = rawCapture(await signedDynamic(key, envelopeBody(), NOW));
      const unchecked = await verifyCapture(capture, { ...options, jwksUri: jwks.uri });
      assert.equal(unchecked.valid, true);
      assert.match(unchecked.notes.join(' '), /audience \(aud\) was not checked/);
      const wrong = await verifyCapture(capture, { ...options, jwksUri: jwks.uri, audience: 'http://elsewhere.test/hook' });
      assert.equal(wrong.valid, false);
      assert.match(wrong.reason ?? '', /^wrong audience/);
    });

    it('an expired token verifies as of its own timestamp', async () => {
      const key = await newKey();
      jwks.keys = [key.publicJwk];
      const capture = rawCapture(await signedDynamic(key, envelopeBody(), HOUR_AGO));
      const now = await verifyCapture(capture, { ...options, jwksUri: jwks.uri, audience: TEST_AUDIENCE });
      assert.equal(now.valid, false);
      assert.match(now.reason ?? '', /timestamp too old|expired/);
      const own = await verifyCapture(capture, { ...options, jwksUri: jwks.uri, audience: TEST_AUDIENCE, at: AT_WEBHOOK_TIMESTAMP });
      assert.equal(own.valid, true, own.reason);
    });
  });

  it('importedDelivery: a signed body nested 6,000 deep verifies, but nothing is parsed out of it, so the record serializes', async () => {
    const body = `{"type":"batch.failed","version":"v1","timestamp":"2026-01-22T12:00:00Z","data":{},"user_metadata":${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}}`;
    const result = await verifyCapture(rawCapture(signedStatic([secret], body, NOW)), options);
    assert.equal(result.valid, true);
    const record = importedDelivery(result, { seq: 1, from: 'x', nowMs: NOW });
    assert.equal(record.userMetadata, undefined);
    assert.equal(record.eventType, undefined);
    assert.equal(record.body, body);
    assert.equal((JSON.parse(JSON.stringify(record)) as { seq: number }).seq, 1);
  });

  it('importedDelivery: a history record marked imported, with the verdict, event type and body', async () => {
    const d = signedStatic([secret], envelopeBody('batch.failed', { user_metadata: { run: 1 } }), NOW);
    const result = await verifyCapture(rawCapture(d), options);
    const record = importedDelivery(result, { seq: 42, from: 'the clipboard (raw HTTP request)', nowMs: NOW });
    assert.equal(record.seq, 42);
    assert.deepEqual(record.imported, { from: 'the clipboard (raw HTTP request)' });
    assert.equal(record.verdict, 'verified');
    assert.deepEqual(record.matchedSecret, { label: 'wh_1 (current)', webhookId: 'wh_1' });
    assert.equal(record.signatureMethod, 'v1 HMAC');
    assert.equal(record.eventType, 'batch.failed');
    assert.deepEqual(record.userMetadata, { run: 1 });
    assert.equal(record.webhookId, d.headers['webhook-id']);
    assert.equal(record.body, d.body);
    assert.equal(record.path, '/webhooks');
    assert.equal(record.receivedAt, new Date(NOW).toISOString());
    assert.equal(record.httpStatus, 200);

    const rejected = importedDelivery(await verifyCapture(rawCapture({ ...d, body: `${d.body} ` }), options), { seq: 43, from: 'x' });
    assert.equal(rejected.verdict, 'rejected');
    assert.equal(rejected.reason, 'no secret matched (tried 1 signing secret)');
    assert.equal(rejected.code, 'no_secret_matched');
    assert.equal(rejected.httpStatus, 401);
  });
});
