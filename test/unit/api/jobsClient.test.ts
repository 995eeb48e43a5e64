/** The jobs client against the real emulator (jobs that deliver dynamically signed events) and a scripted server (wire shapes, errors, no retries, cancellation). */
import * as assert from 'node:assert/strict';
import { ApiError, EMULATOR_JOB_TYPES, EmulatorJobsClient, startEmulatorJob } from '../../../src/core/api';
import { startEmulator } from '../../../src/core/emulator';
import { EVENT_CATALOG } from '../../../src/core/events/catalog';
import { ReceivedDelivery, Receiver, startReceiver } from '../../../src/core/receiver';
import { Loopback, unavailable } from './loopback';

function next(receiver: Receiver, predicate: (r: ReceivedDelivery) => boolean): Promise<ReceivedDelivery> {
  return new Promise((resolve) => {
    const sub = receiver.onDelivery((r) => {
      if (predicate(r)) {
        sub.dispose();
        resolve(r);
      }
    });
  });
}

const jobsAt = (baseUrl: string, key = 'any-key') =>
  new EmulatorJobsClient({ baseUrl, apiVersion: 'v1beta', apiKey: async () => key, retry: { initialDelayMs: 5, maxDelayMs: 20 } });

describe('jobs client: test events through emulator jobs', function () {
  this.timeout(20_000);

  it('emulator jobs deliver dynamically signed events of the picked type to the receiver', async () => {
    const emulator = await startEmulator({ timeScale: 10, jobDurationMs: 2_000 });
    const dynamicReceiver = await startReceiver({ jwksUri: `${emulator.url}/.well-known/jwks.json` });
    const jobs = jobsAt(emulator.url);
    try {
      for (const type of Object.keys(EMULATOR_JOB_TYPES)) {
        const arrived = next(dynamicReceiver, (r) => r.eventType === type);
        const job = await startEmulatorJob(jobs, type, dynamicReceiver.url);
        assert.equal(job.ended, !['batch.succeeded', 'interaction.completed', 'video.generated'].includes(type), type);
        const record = await arrived;
        assert.equal(record.verdict, 'verified', `${type}: ${record.reason}`);
        assert.equal(record.scheme, 'dynamic');
        assert.deepEqual(record.userMetadata, { source: 'vscode-test-event' });
      }
      assert.deepEqual(
        Object.keys(EMULATOR_JOB_TYPES).sort(),
        EVENT_CATALOG.map((e) => e.type).sort(),
        'every catalog type (the 7 subscribable and the 2 cancelled ones)',
      );
      await assert.rejects(startEmulatorJob(jobsAt(emulator.url, 'k'), 'batch.completed', dynamicReceiver.url), /cannot produce batch\.completed/);
    } finally {
      await jobs.close();
      await dynamicReceiver.close();
      await emulator.close();
    }
  });

  it('answers typed jobs and fails with ApiError on a refused one', async () => {
    const emulator = await startEmulator({ jobDurationMs: 60_000 });
    const jobs = jobsAt(emulator.url);
    try {
      const config = { uris: ['http://127.0.0.1:9/hook'], user_metadata: { n: 1 } };
      const batch = await jobs.createBatch('models/gemini-2.5-flash', {
        batch: { inputConfig: { requests: { requests: [{ request: { contents: [{ parts: [{ text: 'hi' }] }] } }] } }, webhookConfig: config },
      });
      assert.match(batch.metadata?.name ?? '', /^batches\//);
      assert.equal(batch.metadata?.state, 'BATCH_STATE_PENDING');
      assert.equal(batch.done, false);
      await jobs.cancelBatch(batch.metadata?.name ?? '');
      const interaction = await jobs.createInteraction({ model: 'gemini-2.5-flash', input: 'hi', background: true, webhook_config: config });
      assert.equal(interaction.status, 'in_progress');
      assert.equal((await jobs.cancelInteraction(interaction.id)).status, 'cancelled');
      const video = await jobs.generateVideo('veo-3.0-generate-001', { instances: [{ prompt: 'p' }], webhook_config: config });
      assert.match(video.name, /^models\/veo-3\.0-generate-001\/operations\//);
      await assert.rejects(
        jobs.cancelInteraction(interaction.id),
        (e: unknown) => e instanceof ApiError && e.httpStatus === 400 && e.status === 'FAILED_PRECONDITION',
      );
      await assert.rejects(
        jobs.createInteraction({ model: 'gemini-2.5-flash', input: undefined }),
        (e: unknown) => e instanceof ApiError && e.httpStatus === 400,
      );
    } finally {
      await jobs.close();
      await emulator.close();
    }
  });

  it("finishJob posts to the emulator's control route, outside the API version, and is never retried", async () => {
    const server = await Loopback.start([{ status: 200, body: { id: 'v1_x', status: 'failed' } }, unavailable]);
    const jobs = jobsAt(server.url);
    try {
      const answer = await jobs.finishJob('v1_x', 'failed', { error_code: 'RESOURCE_EXHAUSTED', error_message: 'quota' });
      assert.equal(answer.status, 'failed');
      assert.equal(server.requests[0].method, 'POST');
      assert.equal(server.requests[0].url, '/emulator/jobs:finish');
      assert.deepEqual(JSON.parse(server.requests[0].body), { name: 'v1_x', outcome: 'failed', error_code: 'RESOURCE_EXHAUSTED', error_message: 'quota' });
      await assert.rejects(jobs.finishJob('batches/b', 'expired'), (e: unknown) => e instanceof ApiError && e.httpStatus === 503);
      assert.equal(server.requests.length, 2, 'no retry');
    } finally {
      await jobs.close();
      await server.close();
    }
  });

  it('never retries a job creation (a POST), and stops when its signal is aborted', async () => {
    const server = await Loopback.start([unavailable, { status: 200, body: { name: 'late' }, delayMs: 2_000 }]);
    const jobs = jobsAt(server.url);
    try {
      await assert.rejects(jobs.generateVideo('veo', { instances: [{ prompt: 'p' }] }), (e: unknown) => e instanceof ApiError && e.httpStatus === 503);
      assert.equal(server.requests.length, 1, 'no retry');
      assert.deepEqual(JSON.parse(server.requests[0].body), { instances: [{ prompt: 'p' }] });
      assert.equal(server.requests[0].headers['x-goog-api-key'], 'any-key');
      const abort = new AbortController();
      const pending = jobs.createInteraction({ model: 'm', input: 'x' }, { signal: abort.signal });
      setTimeout(() => abort.abort(), 50);
      await assert.rejects(pending, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    } finally {
      await jobs.close();
      await server.close();
    }
  });
});
