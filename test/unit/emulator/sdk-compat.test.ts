/** The unmodified @google/genai 3.1.0 SDK against the emulator through httpOptions.baseUrl, in both dynamic signing modes. */
import * as assert from 'node:assert/strict';
import { GoogleGenAI } from '@google/genai';
import { decodeProtectedHeader } from 'jose';
import { DYNAMIC_SIGNING_MODES, DynamicSigningMode, Emulator, startEmulator } from '../../../src/core/emulator';
import { Received, Receiver } from './helpers';
import { verifyV1a } from './v1aVerifier';

/** The dynamic delivery's signature header has the form of the mode. */
async function assertSignatureForm(mode: DynamicSigningMode, emuUrl: string, delivery: Received): Promise<void> {
  const header = String(delivery.headers['webhook-signature']);
  if (mode === 'v1a') {
    assert.match(header, /^v1a,[A-Za-z0-9+/]+={0,2}$/, 'a v1a Ed25519 signature');
    await verifyV1a(emuUrl, delivery);
  } else {
    assert.equal(header.split('.').length, 3, 'a JWT');
    assert.equal(decodeProtectedHeader(header).alg, 'RS256');
  }
}

for (const mode of DYNAMIC_SIGNING_MODES)
  describe(`emulator: @google/genai SDK compatibility (dynamic signing ${mode})`, () => {
    let emu: Emulator;
    let receiver: Receiver;
    let client: GoogleGenAI;
    before(async () => {
      receiver = await new Receiver().start();
      emu = await startEmulator({ apiKey: 'test-key', timeScale: 30, dynamicSigning: mode });
      client = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: emu.url } });
    });
    after(async () => {
      await emu.close();
      await receiver.close();
    });

    it('runs webhooks create/list/get/update/ping/rotateSigningSecret/delete', async () => {
      const created = await client.webhooks.create({ name: 'sdk', uri: receiver.url, subscribed_events: ['batch.succeeded'] });
      assert.match(String(created.id), /^[a-z0-9]{36}$/, "an id shaped like the service's");
      assert.match(String(created.new_signing_secret), /^whsec_/);
      const id = created.id as string;
      const list = await client.webhooks.list({ page_size: 50 });
      assert.ok(list.webhooks?.some((w) => w.id === id));
      const got = await client.webhooks.get(id);
      assert.equal(got.uri, receiver.url);
      assert.equal(got.new_signing_secret, undefined);
      const updated = await client.webhooks.update(id, { update_mask: 'subscribed_events', subscribed_events: ['batch.succeeded', 'video.generated'] });
      assert.deepEqual(updated.subscribed_events, ['batch.succeeded', 'video.generated']);
      await client.webhooks.ping(id);
      await receiver.waitFor(1);
      assert.equal(JSON.parse(receiver.received[0].body.toString()).type, 'webhook.ping');
      const rotated = await client.webhooks.rotateSigningSecret(id, { revocation_behavior: 'revoke_previous_secrets_after_h24' });
      assert.match(String(rotated.secret), /^whsec_/);
      assert.equal((await client.webhooks.get(id)).signing_secrets?.length, 2);
      await client.webhooks.delete(id);
      await assert.rejects(client.webhooks.get(id), (err: Error) => /404|not found/i.test(String(err.message) + String((err as { status?: number }).status)));
    });

    it('creates a batch with webhookConfig; the dynamic delivery arrives with user_metadata', async () => {
      const before = receiver.received.length;
      const batch = await client.batches.create({
        model: 'gemini-2.5-flash',
        src: [{ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }],
        config: { displayName: 'sdk-batch', webhookConfig: { uris: [receiver.url], userMetadata: { ticket: 'T-1' } } },
      });
      assert.match(String(batch.name), /^batches\//);
      assert.equal(batch.displayName, 'sdk-batch');
      assert.equal(batch.state, 'JOB_STATE_PENDING');
      await receiver.waitFor(before + 1);
      const delivery = receiver.received[before];
      const envelope = JSON.parse(delivery.body.toString());
      assert.equal(envelope.type, 'batch.succeeded');
      assert.equal(envelope.data.id, batch.name);
      assert.deepEqual(envelope.user_metadata, { ticket: 'T-1' });
      await assertSignatureForm(mode, emu.url, delivery);
      const done = await client.batches.get({ name: batch.name as string });
      assert.equal(done.state, 'JOB_STATE_SUCCEEDED');
    });

    it('creates a background interaction with webhook_config', async () => {
      const before = receiver.received.length;
      const interaction = (await client.interactions.create({
        model: 'gemini-2.5-flash',
        input: 'hello',
        background: true,
        webhook_config: { uris: [receiver.url], user_metadata: { k: 'v' } },
      })) as { id: string; status: string };
      assert.equal(interaction.status, 'in_progress');
      await receiver.waitFor(before + 1);
      const envelope = JSON.parse(receiver.received[before].body.toString());
      await assertSignatureForm(mode, emu.url, receiver.received[before]);
      assert.equal(envelope.type, 'interaction.completed');
      assert.equal(envelope.data.id, interaction.id);
      assert.deepEqual(envelope.user_metadata, { k: 'v' });
      const got = await client.interactions.get(interaction.id);
      assert.equal(got.status, 'completed');
    });
  });
