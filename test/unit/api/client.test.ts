/** Every operation of the REST client against the real emulator over HTTP. */
import assert from 'node:assert/strict';
import { ApiError, Webhook, WebhooksClient } from '../../../src/core/api';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { Loopback } from './loopback';

const KEY = 'emulator-test-key-42';

describe('api client against the emulator', () => {
  let emulator: Emulator;
  let client: WebhooksClient;

  before(async () => {
    emulator = await startEmulator({ port: 0, apiKey: KEY });
    client = new WebhooksClient({ baseUrl: emulator.url, apiVersion: 'v1beta', apiKey: async () => KEY, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
  });
  after(async () => {
    await client.close();
    await emulator.close();
  });

  const input = (n: number) => ({ name: `hook ${n}`, uri: `https://example.test/hooks/${n}`, subscribed_events: ['batch.succeeded', 'batch.failed'] });

  it('creates a webhook and shows its secret once', async () => {
    const created = await client.create(input(1));
    assert.match(created.webhook.id, /\S/);
    assert.equal(created.webhook.name, 'hook 1');
    assert.equal(created.webhook.uri, 'https://example.test/hooks/1');
    assert.deepEqual(created.webhook.subscribed_events, ['batch.succeeded', 'batch.failed']);
    assert.equal(created.webhook.state, 'enabled');
    assert.match(created.newSigningSecret ?? '', /^whsec_[A-Za-z0-9+/=]{32,}$/);
    const again = await client.get(created.webhook.id);
    assert.equal(again.signing_secrets?.length, 1);
    assert.ok(!JSON.stringify(again).includes(created.newSigningSecret!), 'get never shows the full secret');
    assert.equal(again.signing_secrets?.[0].truncated_secret, `whsec_...${created.newSigningSecret!.slice(-4)}`);
  });

  it('creates with a caller-chosen webhook_id, and a second create with it is ALREADY_EXISTS', async () => {
    const created = await client.create(input(2), { webhookId: 'my-hook-2' });
    assert.equal(created.webhook.id, 'my-hook-2');
    const error = await client.create(input(2), { webhookId: 'my-hook-2' }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.httpStatus, 409);
    assert.equal(error.status, 'ALREADY_EXISTS');
  });

  it('gets, updates only the masked fields, and deletes', async () => {
    const { webhook } = await client.create(input(3));
    const renamed = await client.update(webhook.id, { name: 'renamed' });
    assert.equal(renamed.name, 'renamed');
    assert.equal(renamed.uri, webhook.uri, 'uri untouched');
    const events = await client.update(webhook.id, { subscribed_events: ['video.generated'] });
    assert.deepEqual(events.subscribed_events, ['video.generated']);
    assert.equal(events.name, 'renamed', 'name untouched');
    const disabled = await client.update(webhook.id, { state: 'disabled' });
    assert.equal(disabled.state, 'disabled');
    const both = await client.update(webhook.id, { uri: 'http://127.0.0.1:9/new', state: 'enabled' });
    assert.equal(both.uri, 'http://127.0.0.1:9/new');
    assert.equal(both.state, 'enabled');
    assert.deepEqual((await client.get(webhook.id)).subscribed_events, ['video.generated']);
    await client.delete(webhook.id);
    const gone = await client.get(webhook.id).catch((e: unknown) => e);
    assert.ok(gone instanceof ApiError);
    assert.equal(gone.httpStatus, 404);
    assert.equal(gone.status, 'NOT_FOUND');
  });

  it('refuses an update with no fields before sending anything', async () => {
    await assert.rejects(client.update('whatever', {}), /at least one field/);
  });

  it('rotates the signing secret: after 24 h keeps the previous one with an expiry, immediately drops it', async () => {
    const { webhook, newSigningSecret } = await client.create(input(4));
    const second = await client.rotateSigningSecret(webhook.id);
    assert.match(second, /^whsec_/);
    assert.notEqual(second, newSigningSecret);
    const graceful = await client.get(webhook.id);
    assert.equal(graceful.signing_secrets?.length, 2);
    const previous = graceful.signing_secrets!.find((s) => s.truncated_secret === `whsec_...${newSigningSecret!.slice(-4)}`);
    assert.ok(previous?.expire_time, 'previous secret has an expiry');
    const hours = (Date.parse(previous.expire_time) - Date.now()) / 3_600_000;
    assert.ok(hours > 23 && hours <= 24, `expires in ~24 h, got ${hours}`);
    const third = await client.rotateSigningSecret(webhook.id, 'revoke_previous_secrets_immediately');
    const now = await client.get(webhook.id);
    assert.deepEqual(
      now.signing_secrets?.map((s) => s.truncated_secret),
      [`whsec_...${third.slice(-4)}`],
    );
  });

  it('pings a webhook: the emulator sends a signed test delivery to its uri', async () => {
    const receiver = await Loopback.start([{ status: 204 }]);
    try {
      const { webhook } = await client.create({ uri: `${receiver.url}/hook`, subscribed_events: ['batch.failed'] });
      await client.ping(webhook.id);
      for (let i = 0; i < 100 && receiver.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(receiver.requests.length, 1);
      assert.equal(receiver.requests[0].method, 'POST');
      assert.equal(receiver.requests[0].url, '/hook');
      assert.match(String(receiver.requests[0].headers['webhook-signature']), /^v1,/);
      const missing = await client.ping('no-such-hook').catch((e: unknown) => e);
      assert.ok(missing instanceof ApiError && missing.httpStatus === 404);
    } finally {
      await receiver.close();
    }
  });

  it('maps a 400 into INVALID_ARGUMENT naming the field', async () => {
    const error = await client.create({ uri: 'ftp://example.test', subscribed_events: ['batch.failed'] }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.httpStatus, 400);
    assert.equal(error.code, 400);
    assert.equal(error.status, 'INVALID_ARGUMENT');
    assert.match(error.message, /webhook\.uri/);
    const events = await client.create({ uri: 'https://example.test', subscribed_events: ['no.such.event'] }).catch((e: unknown) => e);
    assert.ok(events instanceof ApiError);
    assert.match(events.message, /subscribed_events/);
  });

  it('maps 401 (no key) and 403 (wrong key)', async () => {
    const keyless = new WebhooksClient({ baseUrl: emulator.url, apiVersion: 'v1beta', apiKey: async () => undefined });
    const wrong = new WebhooksClient({ baseUrl: emulator.url, apiVersion: 'v1beta', apiKey: async () => 'not-the-key' });
    try {
      const e401 = await keyless.list().catch((e: unknown) => e);
      assert.ok(e401 instanceof ApiError);
      assert.equal(e401.httpStatus, 401);
      assert.equal(e401.status, 'UNAUTHENTICATED');
      const e403 = await wrong.list().catch((e: unknown) => e);
      assert.ok(e403 instanceof ApiError);
      assert.equal(e403.httpStatus, 403);
      assert.equal(e403.status, 'PERMISSION_DENIED');
      assert.ok(!e403.message.includes('not-the-key'));
    } finally {
      await keyless.close();
      await wrong.close();
    }
  });

  it("works on the guide's /v1 path too", async () => {
    const v1 = new WebhooksClient({ baseUrl: `${emulator.url}/`, apiVersion: 'v1', apiKey: async () => KEY });
    try {
      const { webhook } = await v1.create(input(5));
      assert.equal((await v1.get(webhook.id)).id, webhook.id);
    } finally {
      await v1.close();
    }
  });

  it('pages through 120 webhooks 50 at a time, in creation order, with no duplicates', async () => {
    const fresh = await startEmulator({ port: 0, apiKey: KEY });
    const paged = new WebhooksClient({ baseUrl: fresh.url, apiVersion: 'v1beta', apiKey: async () => KEY });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 120; i++) ids.push((await paged.create(input(i), { webhookId: `w-${String(i).padStart(3, '0')}` })).webhook.id);
      const first = await paged.list({ pageSize: 50 });
      assert.equal(first.webhooks.length, 50);
      assert.ok(first.nextPageToken);
      const sizes: number[] = [];
      const seen: Webhook[] = [];
      for await (const page of paged.pages({ pageSize: 50 })) {
        sizes.push(page.webhooks.length);
        seen.push(...page.webhooks);
      }
      assert.deepEqual(sizes, [50, 50, 20]);
      assert.deepEqual(
        seen.map((w) => w.id),
        ids,
      );
      const resumed: string[] = [];
      for await (const page of paged.pages({ pageSize: 50, pageToken: first.nextPageToken })) resumed.push(...page.webhooks.map((w) => w.id));
      assert.deepEqual(resumed, ids.slice(50));
      const bad = await paged.list({ pageToken: 'garbage' }).catch((e: unknown) => e);
      assert.ok(bad instanceof ApiError && bad.status === 'INVALID_ARGUMENT');
    } finally {
      await paged.close();
      await fresh.close();
    }
  });

  it('lists an empty project as one empty last page', async () => {
    const empty = await startEmulator({ port: 0 });
    const c = new WebhooksClient({ baseUrl: empty.url, apiVersion: 'v1beta', apiKey: async () => 'any' });
    try {
      const pages = [];
      for await (const page of c.pages()) pages.push(page);
      assert.deepEqual(pages, [{ webhooks: [], nextPageToken: undefined }]);
    } finally {
      await c.close();
      await empty.close();
    }
  });
});
