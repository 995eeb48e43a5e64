/**
 * The emulator's data in the service's formats (ids, truncated secrets, delivery ids), and the
 * tree's handling of both webhook id forms and of the service's truncated secrets.
 */
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { newWebhookId } from '../../../src/core/emulator/ids';
import { newMessageId } from '../../../src/core/util/randomId';
import { matchesTruncated, presentWebhook, webhookLabel } from '../../../src/extension/webhooks/tree/webhookPresentation';
import { call, Receiver } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('emulator: real-format data', () => {
  let emu: Emulator;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await new Receiver().start();
    emu = await startEmulator({ timeScale: 1000 });
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
  });

  it("mints webhook ids of 36 lower-case letters and digits, like the service's", () => {
    const ids = Array.from({ length: 200 }, newWebhookId);
    assert.ok(ids.every((id) => /^[a-z0-9]{36}$/.test(id)));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('answers truncated secrets as whsec_... and the last four characters', async () => {
    const created = await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: ['batch.failed'] } });
    const secret: string = created.json.new_signing_secret;
    assert.deepEqual(created.json.signing_secrets, [{ truncated_secret: `whsec_...${secret.slice(-4)}` }]);
    const rotated = await call(emu.url, 'POST', `/v1beta/webhooks/${created.json.id}:rotateSigningSecret`, { body: {} });
    const listed = (await call(emu.url, 'GET', '/v1beta/webhooks')).json.webhooks[0].signing_secrets;
    assert.deepEqual(
      listed.map((s: { truncated_secret: string }) => s.truncated_secret),
      [`whsec_...${secret.slice(-4)}`, `whsec_...${rotated.json.secret.slice(-4)}`],
    );
  });

  it('gives every delivery (static, dynamic, ping) a webhook-id msg_<uuid>', async () => {
    assert.match(newMessageId().slice('msg_'.length), UUID);
    const created = await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: ['batch.succeeded'] } });
    const [emitted] = emu.emit('batch.succeeded');
    await call(emu.url, 'POST', `/v1beta/webhooks/${created.json.id}:ping`);
    await call(emu.url, 'POST', '/v1beta/interactions', { body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [receiver.url] } } });
    await receiver.waitFor(3);
    assert.match(emitted, /^msg_/);
    for (const r of receiver.received) assert.match(String(r.headers['webhook-id']).slice('msg_'.length), UUID);
  });
});

describe("the tree and the service's formats", () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it("tells a stored secret by the service's truncated form (whsec_... and the last four)", () => {
    assert.equal(matchesTruncated(`whsec_...${secret.slice(-4)}`, secret), true);
    assert.equal(matchesTruncated(`whsec_…${secret.slice(-4)}`, secret), true);
    assert.equal(matchesTruncated('whsec_...ZZZZ', secret), false);
    assert.equal(matchesTruncated(`${secret.slice(0, 10)}…`, secret), true, 'the earlier prefix form still matches');
    assert.equal(matchesTruncated('whsec_...', secret), false, 'nothing shown beyond the scheme: cannot tell');
    assert.equal(matchesTruncated(`whsec_...${secret.slice(-2)}`, secret), false, 'too little shown to tell');
  });

  it('shows webhooks with either id form', () => {
    for (const id of ['k0h9q38f6ejj1g9j7cgcdsauadmbewegl79f', 'wh_0123456789abcdefghij']) {
      const row = presentWebhook({ id, uri: 'https://example.test/h', subscribed_events: ['batch.succeeded'], state: 'enabled' });
      assert.equal(row.id, `webhook:${id}`);
      assert.equal(row.label, id);
      assert.equal(webhookLabel({ id, name: 'named' }), 'named');
      assert.ok(row.tooltipLines.includes(`id: ${id}`));
    }
  });
});
