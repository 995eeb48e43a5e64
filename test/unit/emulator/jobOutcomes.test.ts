/**
 * Ending a job now with a chosen outcome (POST /emulator/jobs:finish, Emulator.finishJob): each
 * outcome's event is delivered dynamically to the project's real receiver on loopback and verified
 * there; GET shows the end state; the route's refusals.
 */
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { ReceivedDelivery, Receiver, startReceiver } from '../../../src/core/receiver';
import { call } from './helpers';
import { nextOfType as next } from '../receiver/helpers';

const MODEL_PATH = '/v1beta/models/gemini-2.5-flash';

describe('emulator: ending a job now with an outcome (POST /emulator/jobs:finish)', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let receiver: Receiver;
  const deliveries: ReceivedDelivery[] = [];

  beforeEach(async () => {
    // A job left alone runs 60 s: every end below comes from the route, none from the timer.
    emu = await startEmulator({ jobDurationMs: 60_000 });
    receiver = await startReceiver({ jwksUri: `${emu.url}/.well-known/jwks.json` });
    deliveries.length = 0;
    receiver.onDelivery((r) => deliveries.push(r));
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
  });

  const webhookConfig = () => ({ uris: [receiver.url], user_metadata: { case: 'finish' } });

  async function batch(): Promise<string> {
    const created = await call(emu.url, 'POST', `${MODEL_PATH}:batchCreate`, {
      body: { src: [{ contents: [] }], config: { webhook_config: webhookConfig() } },
    });
    assert.equal(created.status, 200, created.text);
    return created.json.name;
  }
  async function interaction(): Promise<string> {
    const created = await call(emu.url, 'POST', '/v1beta/interactions', {
      body: { model: 'gemini-2.5-flash', input: 'hi', background: true, webhook_config: webhookConfig() },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json.status, 'in_progress');
    return created.json.id;
  }
  const finish = (body: unknown) => call(emu.url, 'POST', '/emulator/jobs:finish', { body, key: null });

  function assertVerified(record: ReceivedDelivery, type: string): Record<string, unknown> {
    assert.equal(record.verdict, 'verified', record.reason);
    assert.equal(record.scheme, 'dynamic');
    assert.equal(record.signatureMethod, 'v1a Ed25519');
    assert.deepEqual(record.userMetadata, { case: 'finish' });
    const envelope = JSON.parse(record.body);
    assert.equal(envelope.type, type);
    return envelope.data;
  }

  it('batch failed: batch.failed {id, error_code, error_message} verified at the receiver; GET shows FAILED with the error', async () => {
    const name = await batch();
    const arrived = next(receiver, 'batch.failed');
    const answer = await finish({ name, outcome: 'failed', error_code: 'RESOURCE_EXHAUSTED', error_message: 'Quota exceeded for the batch.' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.metadata.state, 'BATCH_STATE_FAILED');
    const data = assertVerified(await arrived, 'batch.failed');
    assert.deepEqual(data, { id: name, error_code: 'RESOURCE_EXHAUSTED', error_message: 'Quota exceeded for the batch.' });
    const got = await call(emu.url, 'GET', `/v1beta/${name}`);
    assert.equal(got.json.metadata.state, 'BATCH_STATE_FAILED');
    assert.equal(got.json.done, true);
    assert.equal(got.json.response, undefined);
    assert.match(got.json.metadata.endTime, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(got.json.error, { code: 8, message: 'Quota exceeded for the batch.', status: 'RESOURCE_EXHAUSTED' });
  });

  it('batch failed without error fields: the defaults INTERNAL / "Simulated failure (emulator)"', async () => {
    const name = await batch();
    const arrived = next(receiver, 'batch.failed');
    assert.equal((await finish({ name, outcome: 'failed' })).status, 200);
    assert.deepEqual(assertVerified(await arrived, 'batch.failed'), { id: name, error_code: 'INTERNAL', error_message: 'Simulated failure (emulator)' });
    assert.equal((await call(emu.url, 'GET', `/v1beta/${name}`)).json.error.code, 13);
  });

  it('batch expired: batch.expired {id}; GET shows EXPIRED, done, with a DEADLINE_EXCEEDED error', async () => {
    const name = await batch();
    const arrived = next(receiver, 'batch.expired');
    assert.equal((await finish({ name, outcome: 'expired' })).status, 200);
    assert.deepEqual(assertVerified(await arrived, 'batch.expired'), { id: name });
    const got = await call(emu.url, 'GET', `/v1beta/${name}`);
    assert.equal(got.json.metadata.state, 'BATCH_STATE_EXPIRED');
    assert.equal(got.json.done, true);
    assert.equal(got.json.error.status, 'DEADLINE_EXCEEDED');
    const cancel = await call(emu.url, 'POST', `/v1beta/${name}:cancel`, { body: {} });
    assert.equal(cancel.status, 400);
    assert.equal(cancel.json.error.status, 'FAILED_PRECONDITION');
  });

  it('interaction failed: interaction.failed {id, error_code, error_message}; GET shows failed with the error', async () => {
    const id = await interaction();
    const arrived = next(receiver, 'interaction.failed');
    const answer = await finish({ name: id, outcome: 'failed', errorCode: 'INVALID_ARGUMENT', errorMessage: 'Tool schema rejected.' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.status, 'failed');
    assert.deepEqual(assertVerified(await arrived, 'interaction.failed'), { id, error_code: 'INVALID_ARGUMENT', error_message: 'Tool schema rejected.' });
    const got = await call(emu.url, 'GET', `/v1beta/interactions/${id}`);
    assert.equal(got.json.status, 'failed');
    assert.deepEqual(got.json.error, { code: 3, message: 'Tool schema rejected.', status: 'INVALID_ARGUMENT' });
    assert.equal(got.json.outputs, undefined);
  });

  it('interaction requires_action: interaction.requires_action {id}; GET shows the function call it waits on; cancel is refused', async () => {
    const id = await interaction();
    const arrived = next(receiver, 'interaction.requires_action');
    assert.equal((await finish({ name: id, outcome: 'requires_action' })).status, 200);
    assert.deepEqual(assertVerified(await arrived, 'interaction.requires_action'), { id });
    const got = await call(emu.url, 'GET', `/v1beta/interactions/${id}`);
    assert.equal(got.json.status, 'requires_action');
    assert.equal(got.json.outputs.length, 1);
    assert.equal(got.json.outputs[0].type, 'function_call');
    assert.equal(got.json.outputs[0].name, 'emulated_function');
    assert.match(got.json.outputs[0].id, /^call_/);
    const cancel = await call(emu.url, 'POST', `/v1beta/interactions/${id}/cancel`, { body: {} });
    assert.equal(cancel.status, 400);
    assert.equal(cancel.json.error.status, 'FAILED_PRECONDITION');
    assert.match(cancel.json.error.message, /not in progress \(requires_action\)/);
  });

  it('the natural ends and cancel through the route too; the job timer never emits a second event', async () => {
    const emuFast = await startEmulator({ timeScale: 30, jobDurationMs: 3_000 }); // a job ends by itself after 100 ms
    const fastReceiver = await startReceiver({ jwksUri: `${emuFast.url}/.well-known/jwks.json` });
    const got: ReceivedDelivery[] = [];
    fastReceiver.onDelivery((r) => got.push(r));
    try {
      const created = await call(emuFast.url, 'POST', `${MODEL_PATH}:batchCreate`, {
        body: { src: [], config: { webhook_config: { uris: [fastReceiver.url] } } },
      });
      const view = emuFast.finishJob(created.json.name, 'succeeded');
      assert.equal((view.metadata as { state: string }).state, 'BATCH_STATE_SUCCEEDED');
      const i = await call(emuFast.url, 'POST', '/v1beta/interactions', {
        body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [fastReceiver.url] } },
      });
      assert.equal(emuFast.finishJob(i.json.id, 'cancelled').status, 'cancelled');
      await new Promise((r) => setTimeout(r, 400)); // past both jobs' own end
      await emuFast.idle();
      assert.deepEqual(got.map((r) => r.eventType).sort(), ['batch.succeeded', 'interaction.cancelled']);
      assert.ok(got.every((r) => r.verdict === 'verified'));
    } finally {
      await emuFast.close();
      await fastReceiver.close();
    }
  });

  it('refuses: unknown job 404, ended job 400 FAILED_PRECONDITION, an outcome the kind has not 400 naming the allowed ones, bad bodies 400', async () => {
    const name = await batch();
    const id = await interaction();

    const unknownBatch = await finish({ name: 'batches/nope', outcome: 'failed' });
    assert.equal(unknownBatch.status, 404);
    assert.equal(unknownBatch.json.error.status, 'NOT_FOUND');
    const unknownInteraction = await finish({ name: 'v1_nope', outcome: 'bogus' });
    assert.equal(unknownInteraction.status, 404, 'an unknown job is a 404 whatever the outcome');
    const video = await finish({ name: 'models/veo/operations/abc', outcome: 'failed' });
    assert.equal(video.status, 404);
    assert.match(video.json.error.message, /\(batches\/…\) or an interaction's id/);

    const badBatch = await finish({ name, outcome: 'requires_action' });
    assert.equal(badBatch.status, 400);
    assert.equal(badBatch.json.error.status, 'INVALID_ARGUMENT');
    assert.match(badBatch.json.error.message, /a batch ends as succeeded, failed, expired or cancelled; got 'requires_action'/);
    const badInteraction = await finish({ name: id, outcome: 'expired' });
    assert.equal(badInteraction.status, 400);
    assert.match(badInteraction.json.error.message, /an interaction ends as completed, failed, requires_action or cancelled/);
    const errorFields = await finish({ name, outcome: 'expired', error_code: 'X' });
    assert.equal(errorFields.status, 400);
    assert.match(errorFields.json.error.message, /apply only to the outcome 'failed'/);

    for (const body of [
      { outcome: 'failed' },
      { name, outcome: 7 },
      { name, outcome: 'failed', error_code: 5 },
      { name, outcome: 'failed', extra: 1 },
      { name: '', outcome: 'failed' },
    ]) {
      const r = await finish(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
    }
    assert.equal(deliveries.length, 0, 'no refused call ended a job');

    assert.equal((await finish({ name, outcome: 'expired' })).status, 200);
    const again = await finish({ name, outcome: 'failed' });
    assert.equal(again.status, 400);
    assert.equal(again.json.error.status, 'FAILED_PRECONDITION');
    assert.match(again.json.error.message, /already ended \(BATCH_STATE_EXPIRED\)/);
    assert.equal((await finish({ name: id, outcome: 'completed' })).status, 200);
    const ended = await finish({ name: id, outcome: 'failed' });
    assert.equal(ended.status, 400);
    assert.equal(ended.json.error.status, 'FAILED_PRECONDITION');

    // The same refusals from code.
    assert.throws(
      () => emu.finishJob('batches/nope', 'failed'),
      (e: { code?: number }) => e.code === 404,
    );
    assert.throws(
      () => emu.finishJob(name, 'failed'),
      (e: { code?: number; status?: string }) => e.code === 400 && e.status === 'FAILED_PRECONDITION',
    );
  });

  it('in jwt mode the finished job is delivered as an RS256 JWT, verified by the receiver too', async () => {
    const jwtEmu = await startEmulator({ dynamicSigning: 'jwt', jobDurationMs: 60_000 });
    const jwtReceiver = await startReceiver({ jwksUri: `${jwtEmu.url}/.well-known/jwks.json` });
    try {
      const arrived = next(jwtReceiver, 'interaction.failed');
      const i = await call(jwtEmu.url, 'POST', '/v1/interactions', {
        body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [jwtReceiver.url] } },
      });
      jwtEmu.finishJob(i.json.id, 'failed', { errorCode: 'UNAVAILABLE', errorMessage: 'Backend unavailable.' });
      const record = await arrived;
      assert.equal(record.verdict, 'verified', record.reason);
      assert.equal(record.signatureMethod, 'JWT RS256');
      assert.deepEqual(JSON.parse(record.body).data, { id: i.json.id, error_code: 'UNAVAILABLE', error_message: 'Backend unavailable.' });
    } finally {
      await jwtEmu.close();
      await jwtReceiver.close();
    }
  });

  it('needs the API key on the route when one is set (like every /emulator/* route)', async () => {
    const keyed = await startEmulator({ apiKey: 'sekrit', jobDurationMs: 60_000 });
    try {
      const created = await call(keyed.url, 'POST', `${MODEL_PATH}:batchCreate`, { body: { src: [] }, key: 'sekrit' });
      const body = { name: created.json.name, outcome: 'expired' };
      assert.equal((await call(keyed.url, 'POST', '/emulator/jobs:finish', { body, key: null })).status, 401);
      assert.equal((await call(keyed.url, 'POST', '/emulator/jobs:finish', { body, key: 'sekrit' })).status, 200);
    } finally {
      await keyed.close();
    }
  });
});
