/** Finished jobs are evicted (oldest ended first) beyond the bound, so the emulator keeps accepting jobs. */
import * as assert from 'node:assert/strict';
import { Pool } from 'undici';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call, CallResult, sleep } from './helpers';

/** Polls a job until `done` says it ended (fails after 10 s). */
async function waitUntilDone(get: () => Promise<CallResult>, done: (json: never) => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const r = await get();
    assert.equal(r.status, 200, `${what}: ${r.text}`);
    if (done(r.json as never)) return;
    if (Date.now() > end) throw new Error(`${what} did not end`);
    await sleep(20);
  }
}

const batchBody = { batch: { displayName: 'b', inputConfig: { requests: { requests: [{ request: { contents: [] } }] } } } };
const videoBody = { instances: [{ prompt: 'a cat' }] };
const interactionBody = (background: boolean) => ({ model: 'gemini-2.5-flash', input: 'hi', background });

describe('emulator job eviction', function () {
  this.timeout(60_000);
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  it('keeps accepting jobs past the default 10 000: ended ones are evicted oldest first, and a GET of one is 404', async () => {
    emu = await startEmulator();
    const total = 10_050;
    const ids: string[] = new Array(total);
    const pool = new Pool(emu.url, { connections: 8 });
    let next = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (next < total && failures.length === 0) {
        const i = next++;
        const res = await pool.request({
          path: '/v1beta/interactions',
          method: 'POST',
          headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json' },
          body: JSON.stringify(interactionBody(false)),
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) failures.push(`#${i}: ${res.statusCode} ${text.slice(0, 200)}`);
        else ids[i] = JSON.parse(text).id;
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      await pool.close();
    }
    assert.deepEqual(failures, []);
    // foreground interactions end at once; creation order = end order here, so the first 50 are gone
    const first = await call(emu.url, 'GET', `/v1beta/interactions/${ids[0]}`);
    assert.equal(first.status, 404, first.text);
    assert.equal(first.json.error.status, 'NOT_FOUND');
    assert.equal((await call(emu.url, 'GET', `/v1beta/interactions/${ids[49]}`)).status, 404);
    assert.equal((await call(emu.url, 'GET', `/v1beta/interactions/${ids[50]}`)).status, 200);
    assert.equal((await call(emu.url, 'GET', `/v1beta/interactions/${ids[total - 1]}`)).status, 200);
  });

  it('evicts ended batches, video operations and interactions beyond maxJobs; refuses only while every slot is running', async () => {
    emu = await startEmulator({ maxJobs: 3, jobDurationMs: 300 });
    const url = emu.url;
    const kinds = [
      {
        name: 'batch',
        create: () => call(url, 'POST', '/v1beta/models/m:batchGenerateContent', { body: batchBody }),
        id: (j: { name: string }) => j.name,
        get: (id: string) => call(url, 'GET', `/v1beta/${id}`),
        done: (j: { done?: boolean }) => j.done === true,
      },
      {
        name: 'video',
        create: () => call(url, 'POST', '/v1beta/models/veo:predictLongRunning', { body: videoBody }),
        id: (j: { name: string }) => j.name.split('/').pop()!,
        get: (id: string) => call(url, 'GET', `/v1beta/operations/${id}`),
        done: (j: { done?: boolean }) => j.done === true,
      },
      {
        name: 'interaction',
        create: () => call(url, 'POST', '/v1beta/interactions', { body: interactionBody(true) }),
        id: (j: { id: string }) => j.id,
        get: (id: string) => call(url, 'GET', `/v1beta/interactions/${id}`),
        done: (j: { status?: string }) => j.status === 'completed',
      },
    ];
    for (const kind of kinds) {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await kind.create();
        assert.equal(r.status, 200, `${kind.name}: ${r.text}`);
        ids.push(kind.id(r.json));
      }
      // three running: a fourth is refused, naming the problem
      const refused = await kind.create();
      assert.equal(refused.status, 400, `${kind.name}: ${refused.text}`);
      assert.equal(refused.json.error.status, 'FAILED_PRECONDITION');
      assert.match(refused.json.error.message, /still running/);
      // once they have ended, new ones push the oldest ended out
      for (const id of ids) await waitUntilDone(() => kind.get(id), kind.done, `${kind.name} ${id}`);
      const fresh = await kind.create();
      assert.equal(fresh.status, 200, `${kind.name}: ${fresh.text}`);
      const evicted = await kind.get(ids[0]);
      assert.equal(evicted.status, 404, `${kind.name}: ${evicted.text}`);
      assert.equal(evicted.json.error.status, 'NOT_FOUND');
      assert.equal((await kind.get(ids[1])).status, 200, kind.name);
      assert.equal((await kind.get(kind.id(fresh.json))).status, 200, kind.name);
    }
  });
});
