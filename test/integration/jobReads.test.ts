/**
 * The Jobs tracker's reads after events, inside the real editor against the embedded emulator: a job's
 * events are noted on the receiver's path and its re-read comes later, once for a run of its events; a
 * flood of events naming many jobs reads them a few at a time, each once; a job found gone (404) is not
 * read again by its next events. The GETs are counted on the live jobs client.
 */
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { JobsClient } from '../../src/core/api';
import { makeEnvelope } from '../../src/core/events/envelope';
import { promptRequests } from '../../src/core/jobs/batchInput';
import { summarizeJob } from '../../src/core/jobs';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import type { ExtensionApi } from '../../src/extension/extension';
import { READ_DELAY_MS, READS_PER_ROUND } from '../../src/extension/jobs/jobTracker';
import { COMMANDS } from '../../src/extension/platform/ids';
import { activateApi, until as poll } from './webhooksHelpers';

/** Up to 30 s. */
const until = (check: () => boolean, what: string) => poll(check, what, 600);

describe('Jobs tracker: reads after events are deferred, once per job, a few at a time', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let client: JobsClient;
  let original: JobsClient['getBatch'];
  const receiverConfig = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const label = `it-reads-${randomUUID().slice(0, 6)}`;
  /** Every getBatch the tracker made, by name, and how many ran at once at most. */
  const reads: string[] = [];
  let running = 0;
  let mostAtOnce = 0;

  const readsOf = (name: string) => reads.filter((r) => r === name).length;
  const settled = () => api.jobs.tracker.readsWaiting === 0 && running === 0;
  /** A signed event naming the batch `batches/<id>`, as Gemini sends it. */
  const eventFor = (id: string) =>
    sendStaticTestEvent(api.receiver.url!, 'batch.succeeded', secret, { body: JSON.stringify(makeEnvelope('batch.succeeded', { id })) });
  /** Two read rounds with nothing waiting: a read that was still to come has come. */
  const quiet = async () => {
    await until(settled, 'the reads to settle');
    await new Promise((r) => setTimeout(r, 2 * READ_DELAY_MS + 50));
    await until(settled, 'the reads to settle');
  };

  before(async () => {
    api = await activateApi();
    await receiverConfig().update('port', 0, vscode.ConfigurationTarget.Global);
    await api.secrets.addManualSecret(label, secret);
    await api.receiver.start();
    await api.receiver.refreshSecrets();
    await api.backend.ready();
    client = await api.backend.jobsClient();
    original = client.getBatch;
    client.getBatch = async (name, opts) => {
      reads.push(name);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      try {
        return await original.call(client, name, opts);
      } finally {
        running--;
      }
    };
  });

  after(async () => {
    client.getBatch = original;
    await vscode.commands.executeCommand(COMMANDS.stopReceiver);
    await api.secrets.removeManualSecret(label);
    await receiverConfig().update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  it("a run of one job's events: the row has every event, and the job is read once after them, not once per event", async () => {
    const op = await client.createBatch('gemini-2.5-flash', {
      batch: { displayName: 'reads', inputConfig: { requests: { requests: promptRequests('one') } } },
    });
    const name = summarizeJob('batch', op).name;
    api.jobs.tracker.started(summarizeJob('batch', op));
    await quiet();
    const before = readsOf(name);
    // One after another, as a sender retries or a job's events follow each other.
    const sending = Date.now();
    for (let i = 0; i < 20; i++) assert.equal((await eventFor(name.replace(/^batches\//, ''))).answer.status, 'verified');
    const rounds = Math.ceil((Date.now() - sending) / READ_DELAY_MS) + 1;
    await until(() => (api.jobs.jobs.get({ kind: 'batch', name })?.events.length ?? 0) >= 20, 'the 20 events on the row');
    await quiet();
    const made = readsOf(name) - before;
    assert.ok(made >= 1, 'the job was read after its events');
    // Per-event reads make up to 20; deferred ones at most one per read round the 20 events spanned.
    assert.ok(made <= Math.min(rounds, 19), `${made} reads for 20 events of one job sent over ${rounds - 1} read rounds`);
  });

  it('a flood of events naming 40 jobs: each job read once, never more than a round of reads at a time; a job found gone is not read again', async () => {
    await quiet();
    const ids = Array.from({ length: 40 }, (_, i) => `it-flood-${randomUUID().slice(0, 8)}-${i}`);
    for (const id of ids) api.jobs.tracker.started({ kind: 'batch', name: `batches/${id}`, ended: false });
    const start = reads.length;
    mostAtOnce = 0;
    const answers = await Promise.all(ids.map((id) => eventFor(id)));
    assert.deepEqual(new Set(answers.map((a) => a.answer.status)), new Set(['verified']));
    await quiet();
    const flood = reads.slice(start);
    for (const id of ids) assert.equal(flood.filter((r) => r === `batches/${id}`).length, 1, `batches/${id} read once`);
    assert.ok(mostAtOnce <= READS_PER_ROUND, `${mostAtOnce} reads at once (a round is ${READS_PER_ROUND})`);
    // None of them exists: each read answered 404 and marked its row gone; their next events read nothing.
    const gone = `batches/${ids[0]}`;
    await until(() => api.jobs.jobs.get({ kind: 'batch', name: gone })?.gone !== undefined, 'the row to be marked gone');
    for (let i = 0; i < 5; i++) await eventFor(ids[0]);
    await quiet();
    assert.equal(readsOf(gone), 1, 'a gone job is not read again by its events');
  });
});
