/**
 * Issue 12: a history that always loads (bounded in bytes, read line by line), shared safely by two
 * processes (two VS Code windows), private on disk, and immune to a hand-edited seq.
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { History } from '../../../src/core/receiver/history';
import { FileLock } from '../../../src/core/receiver/store/fileLock';
import { scanLines } from '../../../src/core/receiver/store/lineFile';
import { MAX_SEQ } from '../../../src/core/receiver/store/seqCounter';
import { writerRecord } from '../../load/historyWriter';
import { fileLines, historyRecord } from './helpers';

const run = promisify(execFile);
const WRITER = path.join(__dirname, '..', '..', 'load', 'historyWriter.js');

/** Another process appending `n` records to the history file; resolves to the seqs it used. */
async function otherProcessAppends(file: string, n: number, tag: string): Promise<number[]> {
  const { stdout } = await run(process.execPath, [WRITER, file, String(n), tag]);
  return (JSON.parse(stdout) as { seqs: number[] }).seqs;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('delivery history store (issue 12)', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-store-'));
    file = path.join(dir, 'receiver-history.jsonl');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  describe('bounded in bytes as well as in records', () => {
    it('keeps verified bodies whole but evicts the oldest records once the total passes maxBytes', async () => {
      const h = await History.open({ path: file, size: 1_000, maxBytes: 1024 * 1024, log: quiet });
      const body = JSON.stringify({ type: 'batch.succeeded', pad: 'x'.repeat(200 * 1024) });
      for (let i = 1; i <= 20; i++) h.append(historyRecord(h.nextSeq(), { body, bodyBytes: body.length }));
      assert.ok(h.bytes <= 1024 * 1024, `${h.bytes} bytes held`);
      assert.ok(h.count >= 4 && h.count <= 5, `${h.count} records held`);
      assert.ok(
        h.all().every((r) => r.body === body),
        'bodies are kept whole',
      );
      assert.equal(h.all().at(-1)?.seq, 20, 'the newest stays');
      await h.flush();
      h.dispose();
      const loaded = await History.open({ path: file, size: 1_000, maxBytes: 1024 * 1024, log: quiet });
      assert.ok(loaded.bytes <= 1024 * 1024 && loaded.count <= 5, `reloaded ${loaded.count} records, ${loaded.bytes} bytes`);
      assert.equal(loaded.all().at(-1)?.seq, 20);
    });

    it('compacts the file by bytes too: it stays near twice the byte bound', async () => {
      const h = await History.open({ path: file, size: 1_000, maxBytes: 256 * 1024, log: quiet });
      const body = 'y'.repeat(50 * 1024);
      for (let i = 1; i <= 60; i++) {
        h.append(historyRecord(h.nextSeq(), { body }));
        if (i % 5 === 0) await h.flush();
      }
      await h.flush();
      const { size } = await fs.stat(file);
      assert.ok(size <= 2 * 256 * 1024 + 60 * 1024, `file is ${size} bytes`);
    });
  });

  describe('loaded line by line', () => {
    it('skips a line longer than the limit without holding it, and reads the lines after it', async () => {
      const huge = 'z'.repeat(3 * 1024 * 1024);
      await fs.writeFile(file, `{"a":1}\n${huge}\n{"b":2}\n{"c":3}`);
      const seen: string[] = [];
      const result = await scanLines(file, 1024 * 1024, (l) => seen.push(l));
      assert.deepEqual(seen, ['{"a":1}', '{"b":2}', '{"c":3}']);
      assert.deepEqual(result, { lines: 4, oversized: 1, bytes: huge.length + 24 });
    });

    it('loads a file with an unparsable 2 MiB line and a torn last line, counting both as skipped', async () => {
      const good = [historyRecord(1), historyRecord(2)].map((r) => JSON.stringify(r));
      await fs.writeFile(file, `${good[0]}\n${'{"seq":9,"body":"' + 'q'.repeat(2 * 1024 * 1024)}\n${good[1]}\n{"seq": 3, "verd`);
      const warnings: string[] = [];
      const h = await History.open({ path: file, maxBytes: 1024 * 1024, log: { ...quiet, warn: (m) => warnings.push(m) } });
      assert.deepEqual(
        h.all().map((r) => r.seq),
        [1, 2],
      );
      assert.equal(h.corruptedLines, 2);
      assert.match(warnings.join('\n'), /skipped 2 corrupted lines/);
      // Appending after a torn line never glues onto it.
      h.append(historyRecord(h.nextSeq()));
      await h.flush();
      const reloaded = await History.open({ path: file, log: quiet });
      assert.equal(reloaded.count, 3);
      assert.equal(reloaded.corruptedLines, 0, 'the load compacted the bad lines away');
    });
  });

  describe('files', () => {
    it('creates the history file and its seq counter 0600 (and makes an older file 0600)', async function () {
      if (process.platform === 'win32') this.skip();
      const h = await History.open({ path: file, log: quiet });
      h.append(historyRecord(h.nextSeq()));
      await h.flush();
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      assert.equal((await fs.stat(`${file}.seq`)).mode & 0o777, 0o600);
      h.dispose();
      await fs.chmod(file, 0o644);
      await History.open({ path: file, log: quiet });
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600, 'an existing file is made private on load');
    });

    it('a hand-edited record with seq Number.MAX_SAFE_INTEGER does not make later records vanish', async () => {
      await fs.writeFile(file, [historyRecord(1), historyRecord(2), historyRecord(Number.MAX_SAFE_INTEGER)].map((r) => JSON.stringify(r) + '\n').join(''));
      const h = await History.open({ path: file, log: quiet });
      assert.equal(h.corruptedLines, 1, 'the out-of-range seq is skipped as corrupt');
      const seqs = [h.nextSeq(), h.nextSeq(), h.nextSeq()];
      for (const seq of seqs) h.append(historyRecord(seq));
      assert.equal(new Set(seqs).size, 3, `distinct seqs: ${seqs.join(', ')}`);
      assert.ok(
        seqs.every((s) => s <= MAX_SEQ),
        'within range',
      );
      assert.equal(h.count, 5);
      await h.flush();
      h.dispose();
      const reloaded = await History.open({ path: file, log: quiet });
      assert.deepEqual(
        reloaded.all().map((r) => r.seq),
        [1, 2, ...seqs],
      );
    });

    it('a hand-edited seq counter beyond range is not trusted', async () => {
      await fs.writeFile(`${file}.seq`, JSON.stringify({ next: Number.MAX_SAFE_INTEGER }));
      const warnings: string[] = [];
      const h = await History.open({ path: file, log: { ...quiet, warn: (m) => warnings.push(m) } });
      const a = h.nextSeq();
      const b = h.nextSeq();
      assert.deepEqual([a, b], [1, 2]);
      assert.match(warnings.join('\n'), /seq counter .* was not readable/);
    });
  });

  describe('two processes on one file (two VS Code windows)', () => {
    it('A appends 3, B appends 3: a reload shows all six, with six different seqs', async () => {
      const a = await History.open({ path: file, log: quiet });
      const b = await History.open({ path: file, log: quiet });
      for (let i = 0; i < 3; i++) a.append(writerRecord(a.nextSeq(), 'A', i));
      for (let i = 0; i < 3; i++) b.append(writerRecord(b.nextSeq(), 'B', i));
      await Promise.all([a.flush(), b.flush()]);
      const seqs = [...a.all(), ...b.all()].map((r) => r.seq);
      assert.equal(new Set(seqs).size, 6, `seqs ${seqs.join(', ')}`);
      const reloaded = await History.open({ path: file, log: quiet });
      assert.deepEqual(
        reloaded
          .all()
          .map((r) => r.webhookId)
          .sort(),
        ['A_0', 'A_1', 'A_2', 'B_0', 'B_1', 'B_2'],
      );
    });

    it("B's compaction keeps A's records: it re-reads the file rather than rewriting its own memory", async () => {
      const a = await History.open({ path: file, size: 10, log: quiet });
      const b = await History.open({ path: file, size: 10, log: quiet });
      for (let i = 0; i < 3; i++) a.append(writerRecord(a.nextSeq(), 'A', i));
      await a.flush();
      const mine = b.append(writerRecord(b.nextSeq(), 'B', 0));
      // Enough update lines to make B compact (twice its bound).
      for (let i = 0; i < 25; i++) {
        mine.forward = { target: 'http://127.0.0.1:1/app', at: new Date().toISOString(), ok: true, status: 200 + i, durationMs: 1 };
        b.update(mine);
      }
      await b.flush();
      assert.ok((await fileLines(file)).length <= 10, 'B compacted the file');
      const reloaded = await History.open({ path: file, size: 10, log: quiet });
      assert.deepEqual(
        reloaded
          .all()
          .map((r) => r.webhookId)
          .sort(),
        ['A_0', 'A_1', 'A_2', 'B_0'],
      );
      assert.equal(reloaded.all().find((r) => r.webhookId === 'B_0')?.forward?.status, 224);
    });

    it('lines appended while a compaction waits for the lock are written after it, not dropped', async () => {
      const h = await History.open({ path: file, size: 5, log: quiet });
      for (let i = 0; i < 10; i++) h.append(historyRecord(h.nextSeq()));
      await h.flush();
      const other = new FileLock(`${file}.lock`);
      assert.equal(await other.acquire(1_000), true, 'another process writes');
      for (let i = 0; i < 6; i++) h.append(historyRecord(h.nextSeq())); // their flush waits for the lock, then compacts
      await new Promise((r) => setTimeout(r, 30));
      for (let i = 0; i < 4; i++) h.append(historyRecord(h.nextSeq())); // pending while it waits
      other.release();
      await h.flush();
      const reloaded = await History.open({ path: file, size: 5, log: quiet });
      assert.deepEqual(
        reloaded.all().map((r) => r.seq),
        [16, 17, 18, 19, 20],
      );
    });

    it('real processes: this one and two others append concurrently; nothing is lost, no seq repeats', async () => {
      const here = await History.open({ path: file, log: quiet });
      const others = Promise.all([otherProcessAppends(file, 40, 'P1'), otherProcessAppends(file, 40, 'P2')]);
      const mine: number[] = [];
      for (let i = 0; i < 40; i++) {
        mine.push(here.append(writerRecord(here.nextSeq(), 'P0', i)).seq);
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      const [p1, p2] = await others;
      await here.flush();
      const all = [...mine, ...p1, ...p2];
      assert.equal(new Set(all).size, 120, 'no seq given out twice');
      const reloaded = await History.open({ path: file, log: quiet });
      assert.equal(reloaded.count, 120);
      assert.equal(reloaded.corruptedLines, 0, 'no torn or interleaved line');
      assert.deepEqual(
        reloaded
          .all()
          .map((r) => r.seq)
          .sort((x, y) => x - y),
        all.sort((x, y) => x - y),
      );
    });

    it('a single window reloading keeps its seqs contiguous (the unused block is handed back)', async () => {
      const first = await History.open({ path: file, log: quiet });
      first.append(historyRecord(first.nextSeq()));
      first.append(historyRecord(first.nextSeq()));
      await first.flush();
      first.dispose();
      const second = await History.open({ path: file, log: quiet });
      assert.equal(second.nextSeq(), 3);
    });

    it('recovers a lock left by a process that died mid-write', async () => {
      const dead = spawn(process.execPath, ['-e', '0']);
      const pid = await new Promise<number>((resolve) => dead.on('exit', () => resolve(dead.pid as number)));
      await fs.writeFile(`${file}.lock`, JSON.stringify({ pid, host: (await import('node:os')).hostname(), at: Date.now() }));
      const h = await History.open({ path: file, log: quiet });
      h.append(historyRecord(h.nextSeq()));
      const started = Date.now();
      await h.flush();
      assert.ok(Date.now() - started < 2_000, 'not waiting for the dead holder');
      assert.equal((await fileLines(file)).length, 1);
      await assert.rejects(fs.stat(`${file}.lock`), 'the lock is released after the write');
    });

    it('recovers an unreadable lock once it is older than the stale age, and waits for a live one', async () => {
      const lockFile = `${file}.lock`;
      await fs.writeFile(lockFile, '');
      const old = new Date(Date.now() - 60_000);
      await fs.utimes(lockFile, old, old);
      const lock = new FileLock(lockFile);
      assert.equal(await lock.acquire(1_000), true, 'an old, unreadable lock is stale');
      // Held by a live process (this one): another taker waits until it is released.
      const other = new FileLock(lockFile);
      assert.equal(await other.acquire(100), false);
      const waiting = other.acquire(5_000);
      setTimeout(() => lock.release(), 50);
      assert.equal(await waiting, true);
      other.release();
    });
  });
});
