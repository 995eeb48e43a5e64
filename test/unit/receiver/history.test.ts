import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { History, startReceiver } from '../../../src/core/receiver';
import { ReceivedDelivery } from '../../../src/core/receiver/types';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { newSecret, signedStatic } from '../verify/fixtures';
import { fileLines, historyRecord, nextRecords, post } from './helpers';

describe('delivery history', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-history-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keeps at most `size` records, evicting the oldest', async () => {
    const h = await History.open({ size: 3 });
    for (let i = 1; i <= 5; i++) h.append(historyRecord(i));
    assert.deepEqual(
      h.all().map((r) => r.seq),
      [3, 4, 5],
    );
    assert.equal(h.get(1), undefined);
  });

  it('evicts in the order records were appended: a record appended again moves to the end and loses its old place', async () => {
    const h = await History.open({ size: 3 });
    for (const seq of [1, 2, 3]) h.append(historyRecord(seq));
    h.append(historyRecord(1));
    h.append(historyRecord(1));
    assert.deepEqual(
      h.all().map((r) => r.seq),
      [2, 3, 1],
    );
    h.append(historyRecord(4));
    assert.deepEqual(
      h.all().map((r) => r.seq),
      [3, 1, 4],
    );
    h.append(historyRecord(5));
    h.append(historyRecord(6));
    assert.deepEqual(
      h.all().map((r) => r.seq),
      [4, 5, 6],
      '1 left when its turn (at the end) came, not at its first place',
    );
    await h.clear();
    for (const seq of [7, 8, 9, 10]) h.append(historyRecord(seq));
    assert.deepEqual(
      h.all().map((r) => r.seq),
      [8, 9, 10],
    );
  });

  it('persists as JSON lines and loads them back (round trip, updates included)', async () => {
    const file = path.join(dir, 'nested', 'history.jsonl');
    const h = await History.open({ path: file });
    const first = historyRecord(1);
    h.append(first);
    h.append(historyRecord(2, { verdict: 'rejected', reason: 'no secret matched', code: 'no_secret_matched', httpStatus: 401 }));
    first.forward = { target: 'http://127.0.0.1:1/app', at: new Date().toISOString(), ok: true, status: 204, durationMs: 3 };
    h.update(first);
    await h.flush();
    assert.equal((await fileLines(file)).length, 3, 'append-only: an update is one more line');
    const loaded = await History.open({ path: file });
    assert.deepEqual(loaded.all(), h.all());
    assert.equal(loaded.get(1)?.forward?.status, 204);
    assert.equal(loaded.lastSeq, 2);
    assert.equal(loaded.corruptedLines, 0);
  });

  it('skips corrupted lines, counts them and warns', async () => {
    const file = path.join(dir, 'history.jsonl');
    await fs.writeFile(
      file,
      [JSON.stringify(historyRecord(1)), '{"seq": 2, "verd', 'not json at all', JSON.stringify({ seq: 'x' }), JSON.stringify(historyRecord(3)), ''].join('\n'),
    );
    const warnings: string[] = [];
    const h = await History.open({ path: file, log: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } });
    assert.deepEqual(
      h.all().map((r) => r.seq),
      [1, 3],
    );
    assert.equal(h.corruptedLines, 3);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /skipped 3 corrupted lines/);
    await h.flush();
    assert.equal((await fileLines(file)).length, 2, 'the file is rewritten without the corrupted lines');
  });

  it('compacts the file when it grows to about twice the bound', async () => {
    const file = path.join(dir, 'history.jsonl');
    const h = await History.open({ path: file, size: 5 });
    for (let i = 1; i <= 40; i++) {
      h.append(historyRecord(i));
      if (i % 3 === 0) await h.flush();
    }
    await h.flush();
    const count = (await fileLines(file)).length;
    assert.ok(count <= 10, `file has ${count} lines`);
    const loaded = await History.open({ path: file, size: 5 });
    assert.deepEqual(
      loaded.all().map((r) => r.seq),
      [36, 37, 38, 39, 40],
    );
  });

  it('exports to a JSON-lines file and clears (memory and file), firing its events', async () => {
    const file = path.join(dir, 'history.jsonl');
    const h = await History.open({ path: file });
    const appended: number[] = [];
    let cleared = 0;
    h.onDidAppend((r) => appended.push(r.seq));
    h.onDidClear(() => cleared++);
    h.append(historyRecord(1));
    h.append(historyRecord(2));
    const out = path.join(dir, 'export', 'events.jsonl');
    assert.equal(await h.export(out), 2);
    assert.deepEqual(
      (await fileLines(out)).map((l) => (JSON.parse(l) as ReceivedDelivery).seq),
      [1, 2],
    );
    await h.clear();
    assert.equal(h.count, 0);
    assert.equal(cleared, 1);
    assert.deepEqual(appended, [1, 2]);
    assert.equal((await History.open({ path: file })).count, 0);
  });

  it('survives a receiver restart: history reloaded, seq continues, a retried id is still a duplicate', async () => {
    const secret = newSecret();
    const secrets = (): SecretCandidate[] => [{ secret, label: 'test' }];
    const file = path.join(dir, 'history.jsonl');
    const first = await startReceiver({ port: 0, secrets, historyPath: file });
    const d = signedStatic([secret]);
    const seen = nextRecords(first, 1);
    await post(first.url, d.headers, d.body);
    await seen;
    await first.close();

    const second = await startReceiver({ port: 0, secrets, historyPath: file });
    try {
      assert.equal(second.history.count, 1);
      const retry = signedStatic([secret], d.body, Date.now(), d.headers['webhook-id']);
      const answer = await post(second.url, retry.headers, retry.body);
      assert.deepEqual(answer.json, { status: 'duplicate', webhook_id: d.headers['webhook-id'], seq: 2, duplicate_of: 1 });
    } finally {
      await second.close();
    }
  });
});
