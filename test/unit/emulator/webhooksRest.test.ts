import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call, CallResult } from './helpers';

function assertEnvelope(r: CallResult, code: number, status: string, mentions?: string): void {
  assert.equal(r.status, code, r.text);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(r.json.error.status, status, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  if (mentions) assert.ok(r.json.error.message.includes(mentions), `'${r.json.error.message}' should name '${mentions}'`);
}

const input = { name: 'first', uri: 'https://example.com/hook', subscribed_events: ['batch.succeeded'] };

for (const version of ['v1beta', 'v1']) {
  describe(`emulator webhooks REST (/${version})`, () => {
    let emu: Emulator;
    let base: string;
    beforeEach(async () => {
      emu = await startEmulator();
      base = `${emu.url}/${version}`;
    });
    afterEach(() => emu.close());

    it('creates a webhook, showing the secret once and only truncated afterwards', async () => {
      const r = await call(base, 'POST', '/webhooks', { body: input });
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.id, /^[a-z0-9]{36}$/, "36 lower-case letters and digits, like the service's");
      assert.equal(r.json.name, 'first');
      assert.equal(r.json.uri, input.uri);
      assert.deepEqual(r.json.subscribed_events, ['batch.succeeded']);
      assert.equal(r.json.state, 'enabled');
      assert.match(r.json.new_signing_secret, /^whsec_[A-Za-z0-9+/]{32}$/);
      assert.equal(Buffer.from(r.json.new_signing_secret.slice(6), 'base64').length, 24);
      assert.ok(!Number.isNaN(Date.parse(r.json.create_time)));
      assert.equal(r.json.signing_secrets.length, 1);
      assert.equal(r.json.signing_secrets[0].expire_time, undefined);
      const got = await call(base, 'GET', `/webhooks/${r.json.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.json.new_signing_secret, undefined);
      assert.ok(!got.text.includes(r.json.new_signing_secret.slice(12)), 'full secret never shown again');
      assert.equal(got.json.signing_secrets[0].truncated_secret, `whsec_...${r.json.new_signing_secret.slice(-4)}`, "the service's form");
      assert.deepEqual(r.json.signing_secrets, got.json.signing_secrets);
    });

    it('honours ?webhook_id= and rejects a duplicate or malformed one', async () => {
      const r = await call(base, 'POST', '/webhooks?webhook_id=my-hook', { body: input });
      assert.equal(r.json.id, 'my-hook');
      assertEnvelope(await call(base, 'POST', '/webhooks?webhook_id=my-hook', { body: input }), 409, 'ALREADY_EXISTS', 'my-hook');
      assertEnvelope(await call(base, 'POST', '/webhooks?webhook_id=bad%20id', { body: input }), 400, 'INVALID_ARGUMENT', 'webhook_id');
      // both id forms: the service's (36 lower-case alphanumerics) and the emulator's earlier `wh_…`
      for (const id of ['k0h9q38f6ejj1g9j7cgcdsauadmbewegl79f', 'wh_abcdefghij0123456789']) {
        assert.equal((await call(base, 'POST', `/webhooks?webhook_id=${id}`, { body: input })).json.id, id);
        assert.equal((await call(base, 'GET', `/webhooks/${id}`)).json.id, id);
        assert.equal((await call(base, 'POST', `/webhooks/${id}:ping`)).status, 200);
      }
    });

    it('accepts camelCase subscribedEvents', async () => {
      const r = await call(base, 'POST', '/webhooks', { body: { uri: 'http://127.0.0.1:9/x', subscribedEvents: ['video.generated'] } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.subscribed_events, ['video.generated']);
    });

    it('validates create bodies, naming the field', async () => {
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { subscribed_events: ['batch.succeeded'] } }), 400, 'INVALID_ARGUMENT', 'uri');
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, uri: '/relative' } }), 400, 'INVALID_ARGUMENT', 'webhook.uri');
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, uri: 'ftp://example.com/x' } }), 400, 'INVALID_ARGUMENT', 'webhook.uri');
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, uri: 42 } }), 400, 'INVALID_ARGUMENT', 'webhook.uri');
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, subscribed_events: [] } }), 400, 'INVALID_ARGUMENT', 'subscribed_events');
      assertEnvelope(
        await call(base, 'POST', '/webhooks', { body: { ...input, subscribed_events: ['batch.completed'] } }),
        400,
        'INVALID_ARGUMENT',
        'batch.completed',
      );
      // the guide names the cancelled events, the API enum does not: refused, naming the valid values
      for (const type of ['batch.cancelled', 'interaction.cancelled']) {
        const refused = await call(base, 'POST', '/webhooks', { body: { ...input, subscribed_events: ['batch.succeeded', type] } });
        assertEnvelope(refused, 400, 'INVALID_ARGUMENT', `'${type}' cannot be subscribed to`);
        assert.ok(
          refused.json.error.message.includes(
            'batch.succeeded, batch.expired, batch.failed, interaction.requires_action, interaction.completed, interaction.failed, video.generated',
          ),
          refused.json.error.message,
        );
      }
      assertEnvelope(
        await call(base, 'POST', '/webhooks', { body: { ...input, subscribed_events: 'batch.succeeded' } }),
        400,
        'INVALID_ARGUMENT',
        'subscribed_events',
      );
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, name: 7 } }), 400, 'INVALID_ARGUMENT', 'webhook.name');
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, colour: 'red' } }), 400, 'INVALID_ARGUMENT', 'colour');
      // WebhookInput has no state (the real API rejects it): named, and nothing is created
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, state: 'disabled' } }), 400, 'INVALID_ARGUMENT', '"state"');
      assertEnvelope(await call(base, 'POST', '/webhooks', { body: { ...input, state: 'enabled' } }), 400, 'INVALID_ARGUMENT', '"state"');
      assert.deepEqual((await call(base, 'GET', '/webhooks')).json, {}, 'no webhook was created');
      assertEnvelope(
        await call(base, 'POST', '/webhooks', { raw: '{"uri": ', headers: { 'content-type': 'application/json' } }),
        400,
        'INVALID_ARGUMENT',
        'Invalid JSON',
      );
      assertEnvelope(
        await call(base, 'POST', '/webhooks', { raw: '[1,2]', headers: { 'content-type': 'application/json' } }),
        400,
        'INVALID_ARGUMENT',
        'JSON object',
      );
      const form = await call(base, 'POST', '/webhooks', { raw: 'uri=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assertEnvelope(form, 415, 'INVALID_ARGUMENT', 'application/json');
      const huge = await call(base, 'POST', '/webhooks', { raw: Buffer.alloc(1024 * 1024 + 10, 0x20), headers: { 'content-type': 'application/json' } });
      assertEnvelope(huge, 413, 'INVALID_ARGUMENT', 'size');
    });

    it('lists with page_size (default 50), an opaque page token, and next_page_token only when more remain', async () => {
      const empty = await call(base, 'GET', '/webhooks');
      assert.deepEqual(empty.json, {});
      const ids: string[] = [];
      for (let i = 0; i < 53; i++) ids.push((await call(base, 'POST', '/webhooks', { body: { ...input, name: `n${i}` } })).json.id);
      const first = await call(base, 'GET', '/webhooks');
      assert.equal(first.json.webhooks.length, 50);
      assert.equal(typeof first.json.next_page_token, 'string');
      const second = await call(base, 'GET', `/webhooks?page_token=${encodeURIComponent(first.json.next_page_token)}`);
      assert.equal(second.json.webhooks.length, 3);
      assert.equal(second.json.next_page_token, undefined);
      assert.deepEqual(
        [...first.json.webhooks, ...second.json.webhooks].map((w: { id: string }) => w.id),
        ids,
      );
      const small = await call(base, 'GET', '/webhooks?page_size=20');
      assert.equal(small.json.webhooks.length, 20);
      let token = small.json.next_page_token;
      const seen = small.json.webhooks.length;
      const rest = await call(base, 'GET', `/webhooks?page_size=20&page_token=${token}`);
      token = rest.json.next_page_token;
      const last = await call(base, 'GET', `/webhooks?pageSize=20&pageToken=${token}`);
      assert.equal(seen + rest.json.webhooks.length + last.json.webhooks.length, 53);
      assert.equal(last.json.next_page_token, undefined);
      const exact = await call(base, 'GET', '/webhooks?page_size=53');
      assert.equal(exact.json.webhooks.length, 53);
      assert.equal(exact.json.next_page_token, undefined);
      assertEnvelope(await call(base, 'GET', '/webhooks?page_size=-1'), 400, 'INVALID_ARGUMENT', 'page_size');
      assertEnvelope(await call(base, 'GET', '/webhooks?page_size=abc'), 400, 'INVALID_ARGUMENT', 'page_size');
      assertEnvelope(await call(base, 'GET', '/webhooks?page_token=garbage'), 400, 'INVALID_ARGUMENT', 'page_token');
    });

    it('updates only the fields named by update_mask (either spelling), rejecting unknown mask fields', async () => {
      const id = (await call(base, 'POST', '/webhooks', { body: input })).json.id;
      const r = await call(base, 'PATCH', `/webhooks/${id}?update_mask=subscribed_events`, {
        body: { subscribed_events: ['batch.failed', 'video.generated'], name: 'ignored' },
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.subscribed_events, ['batch.failed', 'video.generated']);
      assert.equal(r.json.name, 'first');
      const r2 = await call(base, 'PATCH', `/webhooks/${id}?updateMask=name,uri,state`, {
        body: { name: 'renamed', uri: 'http://127.0.0.1:1/new', state: 'disabled' },
      });
      assert.equal(r2.json.name, 'renamed');
      assert.equal(r2.json.uri, 'http://127.0.0.1:1/new');
      assert.equal(r2.json.state, 'disabled');
      const r3 = await call(base, 'PATCH', `/webhooks/${id}?update_mask=subscribedEvents`, { body: { subscribedEvents: ['batch.expired'] } });
      assert.deepEqual(r3.json.subscribed_events, ['batch.expired']);
      assert.ok(Date.parse(r3.json.update_time) >= Date.parse(r3.json.create_time));
      const noMask = await call(base, 'PATCH', `/webhooks/${id}`, { body: { state: 'enabled' } });
      assert.equal(noMask.json.state, 'enabled');
      assertEnvelope(await call(base, 'PATCH', `/webhooks/${id}?update_mask=colour`, { body: {} }), 400, 'INVALID_ARGUMENT', 'colour');
      assertEnvelope(await call(base, 'PATCH', `/webhooks/${id}?update_mask=uri`, { body: {} }), 400, 'INVALID_ARGUMENT', 'webhook.uri');
      assertEnvelope(
        await call(base, 'PATCH', `/webhooks/${id}?update_mask=uri`, { body: { uri: 'mailto:x@example.com' } }),
        400,
        'INVALID_ARGUMENT',
        'webhook.uri',
      );
      assertEnvelope(
        await call(base, 'PATCH', `/webhooks/${id}?update_mask=state`, { body: { state: 'disabled_due_to_failed_deliveries' } }),
        400,
        'INVALID_ARGUMENT',
        'webhook.state',
      );
      assertEnvelope(
        await call(base, 'PATCH', `/webhooks/${id}?update_mask=subscribed_events`, { body: { subscribed_events: [] } }),
        400,
        'INVALID_ARGUMENT',
        'subscribed_events',
      );
      assertEnvelope(
        await call(base, 'PATCH', `/webhooks/${id}?update_mask=subscribed_events`, { body: { subscribed_events: ['interaction.cancelled'] } }),
        400,
        'INVALID_ARGUMENT',
        'expected one of batch.succeeded',
      );
      assert.deepEqual((await call(base, 'GET', `/webhooks/${id}`)).json.subscribed_events, ['batch.expired'], 'a refused update changes nothing');
      assertEnvelope(await call(base, 'PATCH', `/webhooks/wh_missing?update_mask=name`, { body: { name: 'x' } }), 404, 'NOT_FOUND', 'wh_missing');
    });

    it('deletes, then answers 404 for the id', async () => {
      const id = (await call(base, 'POST', '/webhooks', { body: input })).json.id;
      const d = await call(base, 'DELETE', `/webhooks/${id}`);
      assert.equal(d.status, 200);
      assert.deepEqual(d.json, {});
      assertEnvelope(await call(base, 'GET', `/webhooks/${id}`), 404, 'NOT_FOUND', id);
      assertEnvelope(await call(base, 'DELETE', `/webhooks/${id}`), 404, 'NOT_FOUND', id);
    });

    it('rotates the signing secret by both paths and both enum spellings', async () => {
      const created = (await call(base, 'POST', '/webhooks', { body: input })).json;
      const r = await call(base, 'POST', `/webhooks/${created.id}:rotateSigningSecret`, { body: { revocation_behavior: 'revoke_previous_secrets_after_h24' } });
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.secret, /^whsec_/);
      assert.notEqual(r.json.secret, created.new_signing_secret);
      let view = (await call(base, 'GET', `/webhooks/${created.id}`)).json;
      assert.equal(view.signing_secrets.length, 2);
      const expiring = view.signing_secrets.filter((s: { expire_time?: string }) => s.expire_time);
      assert.equal(expiring.length, 1);
      const hours = (Date.parse(expiring[0].expire_time) - Date.now()) / 3_600_000;
      assert.ok(hours > 23.9 && hours <= 24, `grace ${hours} h`);
      const g = await call(base, 'POST', `/webhooks/${created.id}/rotate_secret`, { body: { revocationBehavior: 'REVOKE_PREVIOUS_SECRETS_IMMEDIATELY' } });
      assert.equal(g.status, 200, g.text);
      view = (await call(base, 'GET', `/webhooks/${created.id}`)).json;
      assert.equal(view.signing_secrets.length, 1);
      assert.equal(view.signing_secrets[0].expire_time, undefined);
      const dflt = await call(base, 'POST', `/webhooks/${created.id}:rotateSigningSecret`);
      assert.equal(dflt.status, 200);
      assert.equal((await call(base, 'GET', `/webhooks/${created.id}`)).json.signing_secrets.length, 2);
      assertEnvelope(
        await call(base, 'POST', `/webhooks/${created.id}:rotateSigningSecret`, { body: { revocation_behavior: 'sometimes' } }),
        400,
        'INVALID_ARGUMENT',
        'revocation_behavior',
      );
      assertEnvelope(await call(base, 'POST', `/webhooks/nope:rotateSigningSecret`, { body: {} }), 404, 'NOT_FOUND', 'nope');
    });

    it('pings with an empty body', async () => {
      const id = (await call(base, 'POST', '/webhooks', { body: { ...input, uri: 'http://127.0.0.1:9/unused' } })).json.id;
      const r = await call(base, 'POST', `/webhooks/${id}:ping`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, {});
      assertEnvelope(await call(base, 'POST', `/webhooks/nope:ping`), 404, 'NOT_FOUND', 'nope');
    });

    it('requires an API key: 401 without, Bearer accepted', async () => {
      assertEnvelope(await call(base, 'GET', '/webhooks', { key: null }), 401, 'UNAUTHENTICATED');
      const bearer = await call(base, 'GET', '/webhooks', { key: null, headers: { authorization: 'Bearer anything' } });
      assert.equal(bearer.status, 200);
    });

    it('answers unknown routes 404 and wrong methods 405, in the envelope', async () => {
      assertEnvelope(await call(base, 'GET', '/nothing-here'), 404, 'NOT_FOUND');
      assertEnvelope(await call(emu.url, 'GET', '/v2/webhooks'), 404, 'NOT_FOUND');
      const m = await call(base, 'PUT', '/webhooks');
      assertEnvelope(m, 405, 'INVALID_ARGUMENT');
      assert.match(String(m.headers.allow), /GET/);
    });
  });
}

describe('emulator webhooks REST: a configured API key', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ apiKey: 'the-right-key' });
  });
  after(() => emu.close());

  it('accepts only that key (403 otherwise, without echoing it)', async () => {
    const wrong = await call(emu.url, 'GET', '/v1beta/webhooks', { key: 'wrong-key' });
    assertEnvelope(wrong, 403, 'PERMISSION_DENIED', 'API key not valid');
    assert.ok(!wrong.text.includes('wrong-key'));
    assert.equal((await call(emu.url, 'GET', '/v1beta/webhooks', { key: 'the-right-key' })).status, 200);
    assert.equal((await call(emu.url, 'GET', '/v1/webhooks', { key: null, headers: { authorization: 'Bearer the-right-key' } })).status, 200);
    assertEnvelope(await call(emu.url, 'GET', '/v1/webhooks', { key: null }), 401, 'UNAUTHENTICATED');
  });

  it('serves the JWKS without a key, and /emulator routes only with that key', async () => {
    const jwks = await call(emu.url, 'GET', '/.well-known/jwks.json', { key: null });
    assert.equal(jwks.status, 200);
    assert.deepEqual(
      jwks.json.keys.map((k: { kty: string; crv: string }) => `${k.kty}/${k.crv}`),
      ['OKP/Ed25519', 'OKP/Ed25519', 'OKP/Ed25519'],
    );
    assertEnvelope(await call(emu.url, 'GET', '/emulator/deliveries', { key: null }), 401, 'UNAUTHENTICATED');
    assertEnvelope(await call(emu.url, 'POST', '/emulator/events', { key: null, body: { type: 'batch.succeeded' } }), 401, 'UNAUTHENTICATED');
    assertEnvelope(await call(emu.url, 'POST', '/emulator/jwks:rotate', { key: 'wrong-key' }), 403, 'PERMISSION_DENIED', 'API key not valid');
    const d = await call(emu.url, 'GET', '/emulator/deliveries', { key: 'the-right-key' });
    assert.deepEqual(d.json, { deliveries: [] });
  });
});
