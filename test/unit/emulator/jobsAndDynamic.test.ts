import * as assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Webhook } from 'standardwebhooks';
import { bodyDigest } from '../../../src/core/events/dynamicToken';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call, Received, Receiver, sleep } from './helpers';
import { ed25519Keys, fetchJwks, verifyV1a } from './v1aVerifier';

/** An independent verifier of the `jwt` form: node:crypto only, no jose. */
async function verifyJwtIndependently(emuUrl: string, r: Received, audience: string): Promise<Record<string, unknown>> {
  const token = String(r.headers['webhook-signature']);
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  assert.equal(header.alg, 'RS256');
  const jwks = (await call(emuUrl, 'GET', '/.well-known/jwks.json', { key: null })).json;
  const jwk = jwks.keys.find((k: { kid: string; kty: string }) => k.kid === header.kid && k.kty === 'RSA');
  assert.ok(jwk, 'kid is published');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  assert.ok(cryptoVerify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')), 'RS256 signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  assert.equal(claims.iss, emuUrl);
  assert.equal(claims.aud, audience);
  assert.ok(claims.iat <= now + 5 && claims.exp > now);
  assert.equal(claims.jti, r.headers['webhook-id']);
  assert.equal(claims.body_sha256, bodyDigest(r.body));
  return claims;
}

async function verifyWithJose(emuUrl: string, r: Received, audience: string): Promise<void> {
  const jwks = createRemoteJWKSet(new URL(`${emuUrl}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(String(r.headers['webhook-signature']), jwks, { issuer: emuUrl, audience, algorithms: ['RS256'] });
  assert.equal(payload.jti, r.headers['webhook-id']);
  assert.equal(payload.body_sha256, bodyDigest(r.body));
}

describe('emulator jobs and dynamic deliveries (default: v1a Ed25519)', () => {
  let emu: Emulator;
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await new Receiver().start();
    emu = await startEmulator({ timeScale: 30 }); // a 3 s job takes 100 ms
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
  });

  it('runs a batch with webhookConfig (SDK form) to batch.succeeded, delivered v1a-signed: an independent node:crypto verifier checks it against the JWKS', async () => {
    const create = await call(emu.url, 'POST', '/v1/models/gemini-2.5-flash:batchGenerateContent', {
      body: {
        batch: {
          inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text: 'hi' }] }] } }] } },
          displayName: 'b',
          webhookConfig: { uris: [receiver.url], userMetadata: { job: 'nightly' } },
        },
      },
    });
    assert.equal(create.status, 200, create.text);
    assert.match(create.json.name, /^batches\/[a-z0-9]+$/);
    assert.equal(create.json.metadata.state, 'BATCH_STATE_PENDING');
    assert.equal(create.json.metadata.displayName, 'b');
    assert.equal(create.json.metadata.model, 'models/gemini-2.5-flash');
    assert.match(create.json.metadata['@type'], /GenerateContentBatch$/);
    await receiver.waitFor(1);
    const got = receiver.received[0];
    const envelope = JSON.parse(got.body.toString());
    assert.equal(envelope.type, 'batch.succeeded');
    assert.equal(envelope.data.id, create.json.name);
    assert.equal(typeof envelope.data.output_file_uri, 'string');
    assert.deepEqual(envelope.user_metadata, { job: 'nightly' });
    assert.match(String(got.headers['webhook-id']), /^msg_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(String(got.headers['webhook-timestamp']), /^\d+$/);
    assert.ok(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000) < 30, 'a current Unix timestamp in seconds');
    const signature = String(got.headers['webhook-signature']);
    assert.match(signature, /^v1a,[A-Za-z0-9+/]+={0,2}$/, 'one v1a entry, no kid, no JWT');
    assert.equal(Buffer.from(signature.slice(4), 'base64').length, 64, 'an Ed25519 signature');
    const jwks = await fetchJwks(emu.url);
    assert.equal(jwks.length, 3, 'the JWKS holds exactly the three Ed25519 keys');
    for (const k of jwks) {
      assert.deepEqual([k.kty, k.crv, k.use, k.alg], ['OKP', 'Ed25519', 'sig', 'EdDSA']);
      assert.equal(typeof k.x, 'string');
      assert.equal(k.d, undefined, 'no private part published');
    }
    assert.ok(await verifyV1a(emu.url, got));
    const tampered = { ...got, body: Buffer.from(got.body.toString().replace('nightly', 'daily')) };
    await assert.rejects(verifyV1a(emu.url, tampered), /no published Ed25519 key verifies/);
    const otherId = { ...got, headers: { ...got.headers, 'webhook-id': 'msg_other' } };
    await assert.rejects(verifyV1a(emu.url, otherId), /no published Ed25519 key verifies/);
    const polled = await call(emu.url, 'GET', `/v1/${create.json.name}`);
    assert.equal(polled.json.metadata.state, 'BATCH_STATE_SUCCEEDED');
    assert.equal(polled.json.done, true);
    assert.equal(polled.json.response.inlinedResponses.inlinedResponses.length, 1);
    await emu.idle();
    const log = emu.deliveries();
    assert.equal(log[0].kind, 'dynamic');
    assert.equal(log[0].webhook, receiver.url);
  });

  it('accepts the guide form (:batchCreate, snake_case webhook_config) and cancels a batch: batch.cancelled (not subscribable) to every enabled webhook', async () => {
    const wh = await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: ['video.generated'] } });
    const guide = await call(emu.url, 'POST', '/v1beta/models/gemini-2.5-flash:batchCreate', {
      body: { src: 'files/abc', config: { display_name: 'g', webhook_config: { uris: [receiver.url], user_metadata: { a: 1 } } } },
    });
    assert.equal(guide.status, 200, guide.text);
    assert.equal(guide.json.metadata.displayName, 'g');
    const plain = await call(emu.url, 'POST', '/v1beta/models/gemini-2.5-flash:batchGenerateContent', {
      body: { batch: { inputConfig: { fileName: 'files/x' } } },
    });
    const cancel = await call(emu.url, 'POST', `/v1beta/${plain.json.name}:cancel`, { body: {} });
    assert.equal(cancel.status, 200, cancel.text);
    const after = await call(emu.url, 'GET', `/v1beta/${plain.json.name}`);
    assert.equal(after.json.metadata.state, 'BATCH_STATE_CANCELLED');
    assert.equal(after.json.done, true);
    assert.equal((await call(emu.url, 'POST', `/v1beta/${plain.json.name}:cancel`, { body: {} })).status, 400);
    await receiver.waitFor(2);
    await emu.idle();
    const bodies = receiver.received.map((r) => ({ r, env: JSON.parse(r.body.toString()) }));
    const cancelled = bodies.find((b) => b.env.type === 'batch.cancelled')!;
    assert.equal(cancelled.env.data.id, plain.json.name);
    assert.ok(
      new Webhook(wh.json.new_signing_secret).verify(cancelled.r.body.toString(), {
        'webhook-id': String(cancelled.r.headers['webhook-id']),
        'webhook-timestamp': String(cancelled.r.headers['webhook-timestamp']),
        'webhook-signature': String(cancelled.r.headers['webhook-signature']),
      }),
    );
    const dynamic = bodies.find((b) => b.env.user_metadata?.a === 1)!;
    assert.equal(dynamic.env.type, 'batch.succeeded');
    await verifyV1a(emu.url, dynamic.r);
  });

  it('rejects malformed job requests with a named field, and unknown jobs with 404', async () => {
    const cases: [string, unknown, string][] = [
      ['/v1beta/models/m:batchGenerateContent', {}, "'batch'"],
      ['/v1beta/models/m:batchGenerateContent', { batch: { inputConfig: {} } }, 'input_config'],
      ['/v1beta/models/m:batchGenerateContent', { batch: { inputConfig: { fileName: 'f' }, webhookConfig: { uris: ['nope'] } } }, 'uris[0]'],
      ['/v1beta/models/m:batchGenerateContent', { batch: { inputConfig: { fileName: 'f' }, webhookConfig: { uris: [] } } }, 'uris'],
      [
        '/v1beta/models/m:batchGenerateContent',
        { batch: { inputConfig: { fileName: 'f' }, webhookConfig: { uris: ['http://a/'], userMetadata: 3 } } },
        'user_metadata',
      ],
      ['/v1beta/models/m:batchCreate', { src: 5 }, "'src'"],
      ['/v1beta/interactions', { input: 'x' }, "'model'"],
      ['/v1beta/interactions', { model: 'm', input: 'x', background: 'yes' }, "'background'"],
      ['/v1beta/models/veo:predictLongRunning', { instances: [] }, "'instances'"],
    ];
    for (const [path, body, field] of cases) {
      const r = await call(emu.url, 'POST', path, { body });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.ok(r.json.error.message.includes(field), `${r.json.error.message} should name ${field}`);
    }
    for (const path of ['/v1beta/batches/nope', '/v1beta/interactions/nope', '/v1beta/operations/nope', '/v1beta/models/veo/operations/nope']) {
      assert.equal((await call(emu.url, 'GET', path)).status, 404, path);
    }
  });

  it('runs a background interaction with webhook_config to interaction.completed, and cancels another', async () => {
    const body = { model: 'gemini-2.5-flash', input: 'hello', background: true, webhook_config: { uris: [receiver.url], user_metadata: { who: 'me' } } };
    const created = await call(emu.url, 'POST', '/v1/interactions', { body });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.status, 'in_progress');
    assert.equal(created.json.model, 'gemini-2.5-flash');
    assert.ok(created.json.id && created.json.created && created.json.updated);
    const other = await call(emu.url, 'POST', '/v1/interactions', { body });
    const cancelled = await call(emu.url, 'POST', `/v1/interactions/${other.json.id}/cancel`);
    assert.equal(cancelled.json.status, 'cancelled');
    await receiver.waitFor(2);
    await emu.idle();
    const types = receiver.received.map((r) => JSON.parse(r.body.toString()));
    assert.deepEqual(types.map((t) => t.type).sort(), ['interaction.cancelled', 'interaction.completed']);
    assert.ok(types.every((t) => t.user_metadata.who === 'me'));
    for (const r of receiver.received) await verifyV1a(emu.url, r);
    assert.equal((await call(emu.url, 'GET', `/v1/interactions/${created.json.id}`)).json.status, 'completed');
  });

  it('runs predictLongRunning to a done operation and video.generated', async () => {
    await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: ['video.generated'] } });
    const op = await call(emu.url, 'POST', '/v1beta/models/veo-3.0-generate-001:predictLongRunning', { body: { instances: [{ prompt: 'a cat' }] } });
    assert.equal(op.status, 200, op.text);
    assert.equal(op.json.done, false);
    assert.match(op.json.name, /^models\/veo-3.0-generate-001\/operations\/[a-z0-9]+$/);
    await receiver.waitFor(1);
    const env = JSON.parse(receiver.received[0].body.toString());
    assert.equal(env.type, 'video.generated');
    assert.ok(env.data.file_id && env.data.video_uri);
    const polled = await call(emu.url, 'GET', `/v1beta/${op.json.name}`);
    assert.equal(polled.json.done, true);
    assert.equal(polled.json.response.generateVideoResponse.generatedSamples[0].video.uri, env.data.video_uri);
    const byId = await call(emu.url, 'GET', `/v1beta/operations/${op.json.name.split('/').pop()}`);
    assert.equal(byId.json.done, true);
  });
});

describe('emulator dynamic signing: v1a keys', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(() => receiver.close());

  const interaction = (emu: Emulator) =>
    call(emu.url, 'POST', '/v1beta/interactions', { body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [receiver.url] } } });

  it('signs with the newest Ed25519 key; after a rotation new deliveries verify with the fresh key and three keys remain once the grace ends', async () => {
    const emu = await startEmulator({ timeScale: 86_400 / 1.5 }); // 24 h grace = 1.5 s; a 3 s job ≈ 0.05 ms
    try {
      assert.equal(emu.dynamicSigning, 'v1a');
      const before = await fetchJwks(emu.url);
      assert.equal(ed25519Keys(before).length, 3);
      assert.equal(new Set(before.map((k) => k.x)).size, 3, 'three distinct keys');
      await interaction(emu);
      await receiver.waitFor(1);
      assert.equal(await verifyV1a(emu.url, receiver.received[0]), before[2].kid, 'the newest key signs');

      const rotated = await call(emu.url, 'POST', '/emulator/jwks:rotate', { key: null });
      assert.equal(rotated.status, 200, rotated.text);
      assert.equal(rotated.json.mode, 'v1a');
      const during = await fetchJwks(emu.url);
      assert.deepEqual(
        during.map((k) => k.kid),
        [...before.map((k) => k.kid), rotated.json.kid],
        'the rotated-out key stays published during the grace period',
      );
      await interaction(emu);
      await receiver.waitFor(2);
      assert.equal(await verifyV1a(emu.url, receiver.received[1]), rotated.json.kid, 'the fresh key signs');

      const second = await emu.rotateSigningKey();
      assert.equal((await fetchJwks(emu.url)).length, 5);
      await sleep(1700);
      const afterGrace = await fetchJwks(emu.url);
      assert.deepEqual(
        afterGrace.map((k) => k.kid),
        [before[2].kid, rotated.json.kid, second],
        'the two oldest retired; three keys remain',
      );
      await interaction(emu);
      await receiver.waitFor(3);
      assert.equal(await verifyV1a(emu.url, receiver.received[2]), second);
    } finally {
      await emu.close();
    }
  });

  it('generates keys on first use: the JWKS is stable between fetches and holds no RSA key in v1a mode', async () => {
    const emu = await startEmulator();
    try {
      const first = await fetchJwks(emu.url);
      assert.deepEqual(await fetchJwks(emu.url), first);
      assert.ok(first.every((k) => k.kty === 'OKP'));
    } finally {
      await emu.close();
    }
  });

  it('refuses an unknown signing mode', async () => {
    await assert.rejects(startEmulator({ dynamicSigning: 'hmac' as 'jwt' }), /dynamicSigning must be 'v1a' or 'jwt'/);
  });
});

describe('emulator dynamic signing: jwt mode', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(() => receiver.close());

  it('delivers an RS256 JWT that jose and node:crypto verify against the JWKS (three Ed25519 keys and the RSA key)', async () => {
    const emu = await startEmulator({ timeScale: 30, dynamicSigning: 'jwt' });
    try {
      assert.equal(emu.dynamicSigning, 'jwt');
      await call(emu.url, 'POST', '/v1beta/models/m:batchGenerateContent', {
        body: { batch: { inputConfig: { fileName: 'files/a' }, webhookConfig: { uris: [receiver.url], userMetadata: { job: 'nightly' } } } },
      });
      await receiver.waitFor(1);
      const got = receiver.received[0];
      assert.equal(decodeProtectedHeader(String(got.headers['webhook-signature'])).alg, 'RS256');
      await verifyWithJose(emu.url, got, receiver.url);
      await verifyJwtIndependently(emu.url, got, receiver.url);
      const tampered = { ...got, body: Buffer.from(got.body.toString().replace('nightly', 'daily')) };
      await assert.rejects(verifyJwtIndependently(emu.url, tampered, receiver.url), /body_sha256|deepStrictEqual|equal/);
      const keys = await fetchJwks(emu.url);
      assert.equal(ed25519Keys(keys).length, 3);
      assert.deepEqual(
        keys.filter((k) => k.kty === 'RSA').map((k) => k.alg),
        ['RS256'],
      );
    } finally {
      await emu.close();
    }
  });

  it('uses --jwt-audience as aud', async () => {
    const emu = await startEmulator({ timeScale: 30, dynamicSigning: 'jwt', jwtAudience: 'my-audience' });
    try {
      await call(emu.url, 'POST', '/v1beta/interactions', { body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [receiver.url] } } });
      await receiver.waitFor(1);
      await verifyWithJose(emu.url, receiver.received[0], 'my-audience');
      await verifyJwtIndependently(emu.url, receiver.received[0], 'my-audience');
    } finally {
      await emu.close();
    }
  });

  it('keeps the previous RSA key in the JWKS for the (scaled) grace period after rotation', async () => {
    const emu = await startEmulator({ timeScale: 86_400 / 1.5, dynamicSigning: 'jwt' }); // 24 h grace = 1.5 s; a 3 s job ≈ 0.2 ms
    const rsa = async () => (await fetchJwks(emu.url)).filter((k) => k.kty === 'RSA');
    try {
      const before = await rsa();
      assert.equal(before.length, 1);
      assert.equal(before[0].alg, 'RS256');
      assert.equal(before[0].d, undefined, 'no private part published');
      const rotated = await call(emu.url, 'POST', '/emulator/jwks:rotate', { key: null });
      assert.equal(rotated.status, 200);
      assert.equal(rotated.json.mode, 'jwt');
      const during = await rsa();
      assert.deepEqual(during.map((k) => k.kid).sort(), [before[0].kid, rotated.json.kid].sort());
      await call(emu.url, 'POST', '/v1beta/interactions', { body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [receiver.url] } } });
      await receiver.waitFor(1);
      assert.equal(decodeProtectedHeader(String(receiver.received[0].headers['webhook-signature'])).kid, rotated.json.kid);
      await verifyJwtIndependently(emu.url, receiver.received[0], receiver.url);
      await emu.rotateJwtKey();
      assert.equal((await rsa()).length, 3);
      await sleep(1700);
      const afterGrace = await rsa();
      assert.equal(afterGrace.length, 1, 'retired keys leave the JWKS');
      assert.ok(!afterGrace.some((k) => k.kid === before[0].kid));
      assert.equal(ed25519Keys(await fetchJwks(emu.url)).length, 3, 'the Ed25519 keys are untouched');
    } finally {
      await emu.close();
    }
  });
});
