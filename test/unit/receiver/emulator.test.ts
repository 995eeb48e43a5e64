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
    // TODO(v1a receiver): the receiver verifies only JWT dynamic deliveries until the v1a verifier lands; then drop dynamicSigning here (the default is v1a).
    emu = await startEmulator({ timeScale: 1000, jobDurationMs: 50, deliveryTimeoutMs: 2_000, dynamicSigning: 'jwt' });
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

  it('verifies a batch with a webhook config (JWT via the emulator JWKS) and keeps its user_metadata', async () => {
    await api(emu, 'POST', '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
      batch: {
        inputConfig: { fileName: 'files/abc' },
        displayName: 'nightly',
        webhookConfig: { uris: [receiver.url], userMetadata: { job: 'nightly', run: 3 } },
      },
    });
    const record = await until(receiver, (r) => r.eventType === 'batch.succeeded');
    assert.equal(record.verdict, 'verified', record.reason);
    assert.equal(record.scheme, 'dynamic');
    assert.deepEqual(record.userMetadata, { job: 'nightly', run: 3 });
    assert.equal(record.token?.jti, record.webhookId);
    assert.equal(record.token?.bodyBound, true);
    assert.ok(record.token?.kid);
  });

  it('follows a JWT key rotation (unknown kid → refetch)', async () => {
    const fresh = await startReceiver({ port: 0, jwksUri: `${emu.url}/.well-known/jwks.json`, jwksCooldownMs: 0 });
    try {
      const batch = () =>
        api(emu, 'POST', '/v1beta/models/m:batchGenerateContent', { batch: { inputConfig: { fileName: 'files/a' }, webhookConfig: { uris: [fresh.url] } } });
      await batch();
      const first = await until(fresh, (r) => r.seq === 1);
      await emu.rotateJwtKey();
      await batch();
      const second = await until(fresh, (r) => r.seq === 2);
      assert.equal(first.verdict, 'verified', first.reason);
      assert.equal(second.verdict, 'verified', second.reason);
      assert.notEqual(first.token?.kid, second.token?.kid);
    } finally {
      await fresh.close();
    }
  });

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
