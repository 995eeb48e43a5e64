/** Batch input files and typed prompts, tolerant summaries of odd answers, event references and the advice for results this editor cannot fetch. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  BatchInputError,
  eventJobRef,
  mergeSummary,
  parseBatchJsonl,
  promptRequests,
  resultsAdvice,
  stateLabel,
  summarizeBatch,
  summarizeInteraction,
  summarizeVideo,
} from '../../../src/core/jobs';

describe('jobs: batch input', () => {
  it('reads a JSONL input file, keys and bare requests alike, skipping blank lines', () => {
    const text = '\uFEFF{"key":"a","request":{"contents":[{"parts":[{"text":"one"}]}]}}\r\n\n{"contents":[{"parts":[{"text":"two"}]}]}\n';
    assert.deepEqual(parseBatchJsonl(text), [
      { request: { contents: [{ parts: [{ text: 'one' }] }] }, metadata: { key: 'a' } },
      { request: { contents: [{ parts: [{ text: 'two' }] }] } },
    ]);
  });

  it('names the line at fault, whatever is wrong with it', () => {
    const good = '{"key":"a","request":{"contents":[{"parts":[{"text":"one"}]}]}}';
    const cases: Array<[string, number, RegExp]> = [
      [`${good}\n${good}\n{"key": "c", "request": {`, 3, /^Line 3: not JSON/],
      [`${good}\n[1,2]`, 2, /^Line 2: expected a JSON object/],
      [`\n\n{"key":"x"}`, 3, /^Line 3: no "request" object/],
      [`{"request":{"contents":[]}}`, 1, /^Line 1: the request has no "contents" list/],
      [`${good}\n{"key":5,"request":{"contents":[{}]}}`, 2, /^Line 2: "key" must be a string/],
      [`${'['.repeat(150)}${']'.repeat(150)}`, 1, /^Line 1: the JSON nests more than 100/],
    ];
    for (const [text, line, message] of cases) {
      assert.throws(
        () => parseBatchJsonl(text),
        (e: unknown) => e instanceof BatchInputError && e.line === line && message.test(e.message),
        text.slice(0, 60),
      );
    }
    assert.throws(
      () => parseBatchJsonl('\n \n'),
      (e: unknown) => e instanceof BatchInputError && e.line === undefined && /no requests/.test(e.message),
    );
  });

  it('turns typed prompts into keyed text requests', () => {
    assert.deepEqual(promptRequests(' hello |  | world '), [
      { request: { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }, metadata: { key: 'request-1' } },
      { request: { contents: [{ role: 'user', parts: [{ text: 'world' }] }] }, metadata: { key: 'request-2' } },
    ]);
    assert.throws(() => promptRequests(' | '), BatchInputError);
  });
});

describe('jobs: summaries read tolerantly', () => {
  it('never throws on odd answers, and reads either spelling', () => {
    for (const odd of [undefined, null, 'text', 42, [], { metadata: 'x' }, { done: 'yes', response: [] }]) {
      assert.equal(summarizeBatch(odd).kind, 'batch');
      assert.equal(summarizeInteraction(odd).name, '');
      assert.equal(summarizeVideo(odd).ended, false);
    }
    const batch = summarizeBatch({
      name: 'batches/b',
      metadata: {
        name: 'batches/b',
        display_name: 'snake',
        state: 'BATCH_STATE_SUCCEEDED',
        create_time: '2026-12-01T10:00:00Z',
        end_time: '2026-12-01T10:05:00Z',
        output: { responses_file: 'files/out' },
        webhook_config: { uris: ['https://example.com/h', 7], user_metadata: { a: 1 } },
      },
      done: true,
    });
    assert.equal(batch.displayName, 'snake');
    assert.equal(batch.createTime, '2026-12-01T10:00:00Z');
    assert.deepEqual(batch.output, { kind: 'file', pointer: 'files/out' });
    assert.deepEqual(batch.webhookUris, ['https://example.com/h']);
    assert.deepEqual(batch.userMetadata, { a: 1 });
    assert.equal(stateLabel(batch), 'succeeded');
    assert.equal(stateLabel(summarizeInteraction({ id: 'i', status: 'requires_action' })), 'requires action');
    assert.equal(summarizeInteraction({ id: 'i', status: 'requires_action' }).ended, false);
    const failed = summarizeVideo({ name: 'models/veo/operations/o', done: true, error: { code: 3, message: 'bad prompt' } });
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.error, { code: 3, message: 'bad prompt' });
  });

  it('keeps what a later answer does not say (the webhook_config the job was started with)', () => {
    const known = { kind: 'batch' as const, name: 'batches/b', ended: false, webhookUris: ['http://127.0.0.1:1/h'], userMetadata: { run: 1 } };
    const merged = mergeSummary(known, summarizeBatch({ name: 'batches/b', metadata: { state: 'BATCH_STATE_RUNNING' } }));
    assert.deepEqual(merged.webhookUris, ['http://127.0.0.1:1/h']);
    assert.equal(merged.state, 'BATCH_STATE_RUNNING');
  });
});

describe('jobs: event → job', () => {
  it('names the job of batch and interaction events, and keeps the file of a video event', () => {
    assert.deepEqual(eventJobRef({ type: 'batch.succeeded', data: { id: 'batch_123456', output_file_uri: 'gs://b/r.jsonl' } }), {
      kind: 'batch',
      name: 'batches/batch_123456',
      type: 'batch.succeeded',
    });
    assert.deepEqual(eventJobRef({ type: 'batch.completed', data: { id: 'batches/x' } }), { kind: 'batch', name: 'batches/x', type: 'batch.completed' });
    assert.deepEqual(eventJobRef({ type: 'interaction.requires_action', data: { id: 'v1_abc' } }), {
      kind: 'interaction',
      name: 'v1_abc',
      type: 'interaction.requires_action',
    });
    assert.deepEqual(eventJobRef({ type: 'video.generated', data: { file_id: 'files/f', video_uri: 'https://h/v' } }), {
      kind: 'video',
      type: 'video.generated',
      fileId: 'files/f',
      videoUri: 'https://h/v',
    });
    assert.equal(eventJobRef({ type: 'batch.failed', data: {} }), undefined);
    assert.equal(eventJobRef({ type: 'batch.failed', data: { id: 5 } }), undefined);
    assert.equal(eventJobRef({ type: 'model.tuned', data: { id: 'x' } }), undefined);
  });
});

describe('jobs: results this editor cannot fetch', () => {
  it('says what to run, with the key from the environment, quoted for the shell', () => {
    assert.equal(resultsAdvice('gs://my-bucket/results.jsonl').command, "gcloud storage cp 'gs://my-bucket/results.jsonl' 'results.jsonl'");
    assert.equal(
      resultsAdvice('files/batch-out').command,
      `curl -fsSL -H "x-goog-api-key: $GEMINI_API_KEY" -o 'batch-out.jsonl' 'https://generativelanguage.googleapis.com/download/v1beta/files/batch-out:download?alt=media'`,
    );
    // A video is saved as a video, not as JSON lines.
    assert.match(resultsAdvice('https://h/v1beta/files/video-abc:download?alt=media', undefined, undefined, '.mp4').command, / -o 'video-abc\.mp4' /);
    const odd = resultsAdvice("https://h/it's;rm -rf:download?alt=media");
    const words = execFileSync('sh', ['-c', `for w in ${odd.command.replace(/^curl /, '')}; do printf '%s\\n' "$w"; done`], {
      encoding: 'utf8',
      env: { GEMINI_API_KEY: 'k' },
    }).split('\n');
    assert.ok(words.includes("https://h/it's;rm -rf:download?alt=media"), words.join(' | '));
  });

  it("sends the key only to the API's own host: a URL elsewhere is fetched without it", () => {
    const onApi = resultsAdvice('https://generativelanguage.googleapis.com/v1beta/files/v:download?alt=media');
    assert.match(onApi.command, /x-goog-api-key: \$GEMINI_API_KEY/);
    const local = resultsAdvice('http://127.0.0.1:9/v1beta/files/r:download', 'http://127.0.0.1:9', 'v1beta');
    assert.match(local.command, /x-goog-api-key/, 'the emulator in use is the API');
    for (const elsewhere of ['https://storage.googleapis.com/bucket/out.jsonl?X-Goog-Signature=abc', 'https://generativelanguage.googleapis.com.evil.test/f']) {
      const advice = resultsAdvice(elsewhere);
      assert.doesNotMatch(advice.command, /api-key|GEMINI_API_KEY/, advice.command);
      assert.match(advice.command, /^curl -fsSL -o /);
    }
  });
});
