/** The job model against the real emulator over loopback: reads, summaries, event → job, the results file; and the reads' retries. */
import * as assert from 'node:assert/strict';
import { ApiError, EmulatorJobsClient, JobsClient, NotDownloadableError } from '../../../src/core/api';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { deliveryEnvelope, deliveryJobRef, eventOutputPointer, matchesVideo, promptRequests, summarizeJob } from '../../../src/core/jobs';
import { Receiver, startReceiver } from '../../../src/core/receiver';
import { Loopback, unavailable } from '../api/loopback';
import { nextOfType as next } from '../receiver/helpers';

const jobsAt = (baseUrl: string) =>
  new JobsClient({ baseUrl, apiVersion: 'v1beta', apiKey: async () => 'any-key', retry: { initialDelayMs: 5, maxDelayMs: 20 } });

describe('jobs: the job model against the emulator', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let receiver: Receiver;
  let jobs: JobsClient;

  before(async () => {
    emulator = await startEmulator({ timeScale: 10, jobDurationMs: 2_000 });
    receiver = await startReceiver({ jwksUri: `${emulator.url}/.well-known/jwks.json` });
    jobs = jobsAt(emulator.url);
  });
  after(async () => {
    await jobs.close();
    await receiver.close();
    await emulator.close();
  });

  it('a batch: pending, then its batch.succeeded event names it, and its results file has one line per request', async () => {
    const arrived = next(receiver, 'batch.succeeded');
    const op = await jobs.createBatch('gemini-2.5-flash', {
      batch: {
        displayName: 'three prompts',
        inputConfig: { requests: { requests: promptRequests('one | two | three') } },
        webhookConfig: { uris: [receiver.url], user_metadata: { run: 7 } },
      },
    });
    const started = summarizeJob('batch', op);
    assert.match(started.name, /^batches\//);
    assert.equal(started.state, 'BATCH_STATE_PENDING');
    assert.equal(started.ended, false);
    assert.equal(started.model, 'models/gemini-2.5-flash');
    assert.equal(started.displayName, 'three prompts');
    assert.ok(started.createTime);

    const record = await arrived;
    assert.equal(record.verdict, 'verified', record.reason);
    const ref = deliveryJobRef(record);
    assert.deepEqual(ref, { kind: 'batch', name: started.name, type: 'batch.succeeded' });

    const done = summarizeJob('batch', await jobs.getBatch(started.name));
    assert.equal(done.state, 'BATCH_STATE_SUCCEEDED');
    assert.equal(done.ended, true);
    assert.ok(done.endTime);
    assert.deepEqual(done.output, { kind: 'inline', count: 3 });

    const pointer = eventOutputPointer(deliveryEnvelope(record)!);
    assert.ok(pointer?.startsWith(emulator.url), pointer);
    const file = await jobs.downloadFile(pointer!);
    assert.equal(file.truncated, false);
    const lines = file.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { key?: string; response: { candidates: unknown[] } });
    assert.deepEqual(
      lines.map((l) => l.key),
      ['request-1', 'request-2', 'request-3'],
    );
    assert.ok(lines.every((l) => l.response.candidates.length === 1));
    // At most maxBytes are read.
    const cut = await jobs.downloadFile(pointer!, { maxBytes: 10 });
    assert.deepEqual(cut, { text: file.text.slice(0, 10), truncated: true });
  });

  it("a batch from an input file: its answer's responsesFile (a Files API name) downloads from /download/v1beta/files/…, as on the real service", async () => {
    const op = await jobs.createBatch('gemini-2.5-flash', { batch: { inputConfig: { fileName: 'files/my-input' } } });
    const name = summarizeJob('batch', op).name;
    emulator.finishJob(name, 'succeeded');
    const done = summarizeJob('batch', await jobs.getBatch(name));
    assert.deepEqual(done.output, { kind: 'file', pointer: `files/${name.slice('batches/'.length)}-results` });
    const file = await jobs.downloadFile((done.output as { pointer: string }).pointer);
    assert.equal(file.truncated, false);
  });

  it('a cancelled batch has no results file; an unknown one is a 404', async () => {
    const op = await jobs.createBatch('gemini-2.5-flash', { batch: { inputConfig: { requests: { requests: promptRequests('x') } } } });
    const name = summarizeJob('batch', op).name;
    await jobs.cancelBatch(name);
    const cancelled = summarizeJob('batch', await jobs.getBatch(name));
    assert.equal(cancelled.state, 'BATCH_STATE_CANCELLED');
    assert.equal(cancelled.ended, true);
    assert.equal(cancelled.error?.status, 'CANCELLED');
    const id = name.slice('batches/'.length);
    await assert.rejects(
      jobs.downloadFile(`${emulator.url}/v1beta/files/${id}-results:download?alt=media`),
      (e: unknown) => e instanceof ApiError && e.httpStatus === 404,
    );
    await assert.rejects(jobs.getBatch('batches/nope'), (e: unknown) => e instanceof ApiError && e.httpStatus === 404 && /nope/.test(e.message));
    await assert.rejects(jobs.getInteraction('v1_nope'), (e: unknown) => e instanceof ApiError && e.httpStatus === 404);
    await assert.rejects(jobs.getVideoOperation('models/veo-3.0-generate-001/operations/nope'), (e: unknown) => e instanceof ApiError && e.httpStatus === 404);
  });

  it('an interaction: in progress, then completed; its event names it', async () => {
    const arrived = next(receiver, 'interaction.completed');
    const created = summarizeJob(
      'interaction',
      await jobs.createInteraction({ model: 'gemini-2.5-flash', input: 'hi', background: true, webhook_config: { uris: [receiver.url] } }),
    );
    assert.equal(created.state, 'in_progress');
    assert.equal(created.ended, false);
    assert.equal(created.model, 'gemini-2.5-flash');
    const ref = deliveryJobRef(await arrived);
    assert.deepEqual(ref, { kind: 'interaction', name: created.name, type: 'interaction.completed' });
    const done = summarizeJob('interaction', await jobs.getInteraction(created.name));
    assert.equal(done.state, 'completed');
    assert.equal(done.ended, true);
    assert.deepEqual(done.output, { kind: 'inline', count: 1 });
  });

  it('a video: its event names only the file; the done operation is found by the video it lists', async () => {
    const arrived = next(receiver, 'video.generated');
    const op = await jobs.generateVideo('veo-3.0-generate-001', { instances: [{ prompt: 'a cat' }], webhook_config: { uris: [receiver.url] } });
    const started = summarizeJob('video', op);
    assert.equal(started.state, 'running');
    assert.equal(started.model, 'veo-3.0-generate-001');
    const ref = deliveryJobRef(await arrived);
    assert.equal(ref?.kind, 'video');
    assert.ok(ref && ref.kind === 'video' && ref.fileId?.startsWith('files/video-'), JSON.stringify(ref));
    assert.equal(matchesVideo(ref, started), false, 'a running operation lists no video yet');
    const done = summarizeJob('video', await jobs.getVideoOperation(started.name));
    assert.equal(done.ended, true);
    assert.equal(done.state, 'done');
    assert.equal(matchesVideo(ref, done), true);
    // The emulator makes no video bytes, and says so.
    await assert.rejects(jobs.downloadFile(ref.videoUri!), (e: unknown) => e instanceof ApiError && e.httpStatus === 404 && /no video bytes/.test(e.message));
  });

  it("the emulator's other outcomes read as the real ones: a failed batch with its error, an interaction that requires action", async () => {
    const control = new EmulatorJobsClient({ baseUrl: emulator.url, apiVersion: 'v1beta', apiKey: async () => 'any-key' });
    try {
      const failedArrives = next(receiver, 'batch.failed');
      const op = await jobs.createBatch('gemini-2.5-flash', {
        batch: { inputConfig: { requests: { requests: promptRequests('x') } }, webhookConfig: { uris: [receiver.url] } },
      });
      const name = summarizeJob('batch', op).name;
      await control.finishJob(name, 'failed', { error_code: 'INTERNAL', error_message: 'simulated' });
      assert.deepEqual(deliveryJobRef(await failedArrives), { kind: 'batch', name, type: 'batch.failed' });
      const failed = summarizeJob('batch', await jobs.getBatch(name));
      assert.equal(failed.state, 'BATCH_STATE_FAILED');
      assert.equal(failed.ended, true);
      assert.ok(failed.error, JSON.stringify(failed));
      assert.equal(failed.output, undefined);

      const waiting = summarizeJob('interaction', await jobs.createInteraction({ model: 'gemini-2.5-flash', input: 'hi', background: true }));
      await control.finishJob(waiting.name, 'requires_action');
      const needs = summarizeJob('interaction', await jobs.getInteraction(waiting.name));
      assert.equal(needs.state, 'requires_action');
      assert.equal(needs.ended, false, 'it waits for the caller, it has not ended');
    } finally {
      await control.close();
    }
  });

  it('never sends the key elsewhere: a gs:// URI, another host or a non-URL pointer is refused before any request', async () => {
    const other = await Loopback.start([]);
    try {
      for (const pointer of [
        'gs://bucket/results.jsonl',
        `${other.url}/v1beta/files/x:download`,
        'results.jsonl',
        `${emulator.url.replace('http:', 'https:')}/x`,
      ]) {
        await assert.rejects(jobs.downloadFile(pointer), (e: unknown) => e instanceof NotDownloadableError && e.pointer === pointer, pointer);
      }
      assert.equal(other.requests.length, 0);
    } finally {
      await other.close();
    }
  });
});

describe('jobs: the reads on the wire', () => {
  it('GETs are retried like every idempotent call; a Files API name is fetched from /download/{version}/', async () => {
    const server = await Loopback.start([
      unavailable,
      { status: 200, body: { name: 'batches/b1', metadata: { name: 'batches/b1', state: 'BATCH_STATE_RUNNING' } } },
      unavailable,
      { status: 200, body: '{"key":"a"}\n' },
    ]);
    const jobs = jobsAt(server.url);
    try {
      const summary = summarizeJob('batch', await jobs.getBatch('b1'));
      assert.equal(summary.name, 'batches/b1');
      assert.equal(summary.state, 'BATCH_STATE_RUNNING');
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.url}`),
        ['GET /v1beta/batches/b1', 'GET /v1beta/batches/b1'],
      );
      const file = await jobs.downloadFile('files/abc-results');
      assert.equal(file.text, '{"key":"a"}\n');
      assert.equal(server.requests[3].url, '/download/v1beta/files/abc-results:download?alt=media');
      assert.equal(server.requests[3].headers['x-goog-api-key'], 'any-key');
    } finally {
      await jobs.close();
      await server.close();
    }
  });
});
