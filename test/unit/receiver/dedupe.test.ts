/** Issue 12 item 2: duplicates are recognised across secret rotation and receiver restarts, for 24 h plus the tolerance. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startReceiver } from '../../../src/core/receiver';
import { DedupeStore, dedupeKey, dedupePathFor } from '../../../src/core/receiver/dedupe';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { envelopeBody, JwksServer, newEd25519Key, newSecret, signedStatic, signedV1a } from '../verify/fixtures';
import { post } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

describe('dedupe across rotation and restarts (issue 12)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-dedupe-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keys on the source and the webhook-id only: a retry signed after a revocation by the other secret is a duplicate', async () => {
    // Two secrets known without a webhook (as `listen --secret A --secret B` has them): their labels differ.
    const a = newSecret();
    const b = newSecret();
    let candidates: SecretCandidate[] = [
      { secret: a, label: '--secret #1' },
      { secret: b, label: '--secret #2' },
    ];
    const receiver = await startReceiver({ port: 0, secrets: () => candidates });
    try {
      const first = signedStatic([a, b]);
      assert.equal((await post(receiver.url, first.headers, first.body)).json.status, 'verified');
      candidates = [{ secret: b, label: '--secret #2' }]; // A revoked
      const retry = signedStatic([b], first.body, Date.now() + 5_000, first.headers['webhook-id']);
      const again = await post(receiver.url, retry.headers, retry.body);
      assert.equal(again.json.status, 'duplicate', 'not verified (and forwarded) a second time');
      assert.equal(again.json.duplicate_of, 1);
    } finally {
      await receiver.close();
    }
  });

  it('keys dynamic deliveries on "dynamic", whatever key signed them', () => {
    assert.equal(dedupeKey({ scheme: 'dynamic' }, 'msg_1'), dedupeKey({ scheme: 'dynamic' }, 'msg_1'));
    assert.notEqual(dedupeKey({ scheme: 'dynamic' }, 'msg_1'), dedupeKey({ scheme: 'static' }, 'msg_1'));
    assert.equal(
      dedupeKey({ scheme: 'static', matchedSecret: { label: 'wh_1 (current)', webhookId: 'wh_1' } }, 'msg_1'),
      dedupeKey({ scheme: 'static', matchedSecret: { label: 'wh_1 (previous)', webhookId: 'wh_1' } }, 'msg_1'),
    );
  });

  it('a v1a delivery retried after a JWKS key rotation is still a duplicate', async () => {
    const k1 = newEd25519Key('k1');
    const k2 = newEd25519Key('k2');
    const jwks = await new JwksServer().start();
    jwks.keys = [k1.publicJwk, k2.publicJwk];
    const receiver = await startReceiver({ port: 0, jwksUri: jwks.uri });
    try {
      const first = signedV1a([k1], envelopeBody());
      assert.equal((await post(receiver.url, first.headers, first.body)).json.status, 'verified');
      const retry = signedV1a([k2], first.body, Date.now() + 1_000, first.headers['webhook-id']);
      assert.equal((await post(receiver.url, retry.headers, retry.body)).json.status, 'duplicate');
    } finally {
      await receiver.close();
      await jwks.close();
    }
  });

  it('survives a restart in full, independently of the history bound', async () => {
    const secret = newSecret();
    const secrets = (): SecretCandidate[] => [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];
    const historyPath = path.join(dir, 'receiver-history.jsonl');
    const first = await startReceiver({ port: 0, secrets, historyPath, historySize: 10 });
    const sent = [];
    for (let i = 0; i < 30; i++) {
      const d = signedStatic([secret]);
      sent.push(d);
      assert.equal((await post(first.url, d.headers, d.body)).json.status, 'verified');
    }
    await first.close();
    const second = await startReceiver({ port: 0, secrets, historyPath, historySize: 10 });
    try {
      assert.equal(second.history.count, 10, 'the history keeps only 10');
      const retry = signedStatic([secret], sent[0].body, Date.now() + 1_000, sent[0].headers['webhook-id']);
      const answer = await post(second.url, retry.headers, retry.body);
      assert.equal(answer.json.status, 'duplicate', 'the 1st of 30 is still remembered after the restart');
      assert.equal(answer.json.duplicate_of, 1);
      assert.ok((await fs.stat(dedupePathFor(historyPath))).size > 0, 'persisted beside the history');
    } finally {
      await second.close();
    }
  });

  it('remembers an id for 24 h plus the tolerance, across a restart, then forgets it', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const file = path.join(dir, 'd.dedupe.jsonl');
    const store = await DedupeStore.open({ path: file, windowMs: DAY + 300_000, now: () => now });
    assert.equal(store.firstOrRemember('k1', 1), undefined);
    now += 60_000;
    assert.equal(store.firstOrRemember('k2', 2), undefined);
    await store.close();

    now += DAY; // k1 seen 24 h + 60 s ago, inside 24 h + 300 s
    const reopened = await DedupeStore.open({ path: file, windowMs: DAY + 300_000, now: () => now });
    assert.equal(reopened.size, 2);
    assert.equal(reopened.firstOrRemember('k1', 9), 1);
    now += 250_000; // k1 now 24 h + 310 s old: forgotten; k2 still inside
    assert.equal(reopened.firstOrRemember('k2', 10), 2);
    assert.equal(reopened.firstOrRemember('k1', 11), undefined, 'k1 forgotten after 24 h + tolerance');
    await reopened.close();
  });

  it('is bounded in count (oldest forgotten first), in memory and on disk', async () => {
    const file = path.join(dir, 'd.dedupe.jsonl');
    const store = await DedupeStore.open({ path: file, capacity: 5 });
    for (let i = 1; i <= 2_000; i++) store.firstOrRemember(`k${i}`, i);
    assert.equal(store.size, 5);
    await store.close();
    const lines = (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean).length;
    assert.ok(lines <= 1_010, `${lines} lines on disk`);
    const reopened = await DedupeStore.open({ path: file, capacity: 5 });
    assert.equal(reopened.size, 5);
    assert.equal(reopened.firstOrRemember('k2000', 1), 2000);
    assert.equal(reopened.firstOrRemember('k1', 1), undefined);
  });

  it('forgets in first-seen order, whether by the bound or by the window, and seeds keep their place', async () => {
    let now = 0;
    const store = await DedupeStore.open({ capacity: 3, windowMs: 1_000, now: () => now });
    for (let i = 1; i <= 5; i++) {
      now += 10;
      assert.equal(store.firstOrRemember(`k${i}`, i), undefined);
    }
    assert.equal(store.size, 3);
    assert.equal(store.firstOrRemember('k3', 99), 3, 'the newest three stay');
    assert.equal(store.firstOrRemember('k5', 99), 5);
    store.seed('k6', 6, now); // at the tail, like a new id
    assert.equal(store.size, 3);
    assert.equal(store.firstOrRemember('k3', 99), undefined, 'k3, the oldest, was forgotten to make room for the seed (and is now remembered anew)');
    // The window: k5 (first seen at 50) goes before k6 (seeded at 50) and k3 (at 50 again), the head first.
    now = 50 + 1_001;
    assert.equal(store.firstOrRemember('k7', 7), undefined);
    assert.equal(store.size, 1, 'every id older than the window left');
    assert.equal(store.firstOrRemember('k7', 8), 7);
  });

  it('two processes sharing the file both contribute ids; a corrupt line is skipped and counted', async () => {
    const file = path.join(dir, 'd.dedupe.jsonl');
    const a = await DedupeStore.open({ path: file });
    const b = await DedupeStore.open({ path: file });
    a.firstOrRemember('from-a', 1);
    b.firstOrRemember('from-b', 101);
    await Promise.all([a.close(), b.close()]);
    await fs.appendFile(file, '{"k": "torn\n');
    const c = await DedupeStore.open({ path: file });
    assert.equal(c.corruptedLines, 1);
    assert.equal(c.firstOrRemember('from-a', 5), 1);
    assert.equal(c.firstOrRemember('from-b', 5), 101);
  });
});
