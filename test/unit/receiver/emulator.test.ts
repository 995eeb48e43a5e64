import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { startEmulator, Emulator } from '../../../src/core/emulator';
import { ReceivedDelivery, Receiver, startReceiver } from '../../../src/core/receiver';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { FaultProxy } from '../../load/faultProxy';

async function api(emu: Emulator, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${emu.url}${path}`, {
    method: method as 'POST',
    headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode} ${JSON.stringify(json)}`);
  return json;
}

function until(receiver: Receiver, predicate: (r: ReceivedDelivery) => boolean): Promise<ReceivedDelivery> {
  const found = receiver.history.all().find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const sub = receiver.onDelivery((r) => {
      if (predicate(r)) {
        sub.dispose();
        resolve(r);
      }
    });
  });
}

describe('receiver ← emulator over HTTP', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let receiver: Receiver;
  let secrets: SecretCandidate[];

  beforeEach(async () => {
    emu = await startEmulator({ timeScale: 1000, jobDurationMs: 50, deliveryTimeoutMs: 2_000 });
    secrets = [];
    receiver = await startReceiver({ port: 0, secrets: () => secrets, jwksUri: `${emu.url}/.well-known/jwks.json` });
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
  });

  async function createWebhook(uri: string, events = ['batch.succeeded']): Promise<string> {
    const created = await api(emu, 'POST', '/v1beta/webhooks', { uri, subscribed_events: events });
    const id = String(created.id);
    secrets.push({ secret: String(created.new_signing_secret), webhookId: id, label: `${id} (current)` });
    return id;
  }

  it("verifies a webhook's ping (static signature) and names the webhook whose secret matched", async () => {
    const id = await createWebhook(receiver.url);
    await api(emu, 'POST', `/v1beta/webhooks/${id}:ping`);
    const record = await until(receiver, (r) => r.eventType === 'webhook.ping');
    assert.equal(record.verdict, 'verified', record.reason);
    assert.equal(record.scheme, 'static');
    assert.equal(record.matchedSecret?.webhookId, id);
    await emu.idle();
    assert.equal(emu.deliveries().at(-1)?.status, 200);
  });

  it('verifies emitted events against the secret kept through a rotation grace window', async () => {
    const id = await createWebhook(receiver.url);
    const rotated = await api(emu, 'POST', `/v1beta/webhooks/${id}:rotateSigningSecret`, { revocation_behavior: 'revoke_previous_secrets_after_h24' });
    // During the grace window each delivery carries one signature per active secret: the old one alone verifies...
    const [first] = emu.emit('batch.succeeded');
    const before = await until(receiver, (r) => r.webhookId === first);
    assert.equal(before.verdict, 'verified', before.reason);
    // ...and so does the new one alone.
    secrets.splice(0, secrets.length, { secret: String(rotated.secret), webhookId: id, label: `${id} (new)` });
    const [second] = emu.emit('batch.succeeded');
    const after = await until(receiver, (r) => r.webhookId === second);
    assert.equal(after.verdict, 'verified', after.reason);
    assert.equal(after.matchedSecret?.label, `${id} (new)`);
  });

  for (const mode of ['v1a', 'jwt'] as const) {
    const method = mode === 'v1a' ? 'v1a Ed25519' : 'JWT RS256';
    describe(`dynamic deliveries signed ${method}`, () => {
      let signer: Emulator;
      let dynamic: Receiver;
      beforeEach(async () => {
        signer = await startEmulator({ timeScale: 1000, jobDurationMs: 50, deliveryTimeoutMs: 2_000, dynamicSigning: mode });
        dynamic = await startReceiver({ port: 0, jwksUri: `${signer.url}/.well-known/jwks.json`, jwksCooldownMs: 0 });
      });
      afterEach(async () => {
        await signer.close();
        await dynamic.close();
      });
      const batch = (metadata?: Record<string, unknown>) =>
        api(signer, 'POST', '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
          batch: {
            inputConfig: { fileName: 'files/abc' },
            displayName: 'nightly',
            webhookConfig: { uris: [dynamic.url], ...(metadata ? { userMetadata: metadata } : {}) },
          },
        });

      it('verifies a batch with a webhook config against the emulator JWKS and keeps its user_metadata', async () => {
        await batch({ job: 'nightly', run: 3 });
        const record = await until(dynamic, (r) => r.eventType === 'batch.succeeded');
        assert.equal(record.verdict, 'verified', record.reason);
        assert.equal(record.scheme, 'dynamic');
        assert.equal(record.signatureMethod, method);
        assert.deepEqual(record.userMetadata, { job: 'nightly', run: 3 });
        assert.ok(record.matchedKey?.thumbprint);
        // The latency of a dynamic delivery, split: the key set (fetched for this first one) and the check.
        assert.equal(record.timings?.keySetFetched, true, JSON.stringify(record.timings));
        assert.ok(record.timings.verifyMs > 0 && record.timings.keySetMs <= record.latencyMs);
        if (mode === 'jwt') {
          assert.equal(record.token?.jti, record.webhookId);
          assert.equal(record.token?.bodyBound, true);
          assert.equal(record.bodyUnbound, undefined, 'our emulator binds the body');
          assert.ok(record.token?.kid);
        } else {
          assert.equal(record.token, undefined, 'v1a carries no token');
          assert.match(record.webhookId ?? '', /^msg_[0-9a-f-]{36}$/);
        }
      });

      it('follows a key rotation (a miss refetches the key set)', async () => {
        await batch();
        const first = await until(dynamic, (r) => r.seq === 1);
        await signer.rotateSigningKey();
        await batch();
        const second = await until(dynamic, (r) => r.seq === 2);
        assert.equal(first.verdict, 'verified', first.reason);
        assert.equal(second.verdict, 'verified', second.reason);
        assert.notEqual(first.matchedKey?.thumbprint, second.matchedKey?.thumbprint, 'the rotated-in key signed the second');
      });
    });
  }

  it('an event answered 500 twice is retried by the emulator and processed exactly once', async () => {
    // Attempt 1 reaches the receiver but the sender sees 500; attempt 2 fails before the receiver; attempt 3 passes.
    const proxy = await new FaultProxy(receiver.url, (_id, attempt) => (attempt === 1 ? 'fail-after' : attempt === 2 ? 'fail-before' : 'pass')).start();
    try {
      await createWebhook(proxy.url);
      const processed: ReceivedDelivery[] = [];
      receiver.onDelivery((r) => r.verdict === 'verified' && processed.push(r));
      const [webhookId] = emu.emit('batch.succeeded');
      const dup = await until(receiver, (r) => r.verdict === 'duplicate');
      await emu.idle();
      const attempts = emu.deliveries().filter((d) => d.webhook_id === webhookId);
      assert.deepEqual(
        attempts.map((a) => a.status),
        [500, 500, 200],
      );
      assert.equal(processed.length, 1);
      assert.equal(processed[0].webhookId, webhookId);
      assert.equal(dup.duplicateOf, processed[0].seq);
    } finally {
      await proxy.close();
    }
  });
});
