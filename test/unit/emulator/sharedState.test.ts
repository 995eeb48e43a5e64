/** The state file (issue 12 items 3 and 8): shared by two emulators, and a save that fails. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call, Receiver } from './helpers';

const EVENTS = ['batch.succeeded'];

async function create(emu: Emulator, name: string, uri = 'http://127.0.0.1:9/hook') {
  return call(emu.url, 'POST', '/v1beta/webhooks', { body: { name, uri, subscribed_events: EVENTS } });
}

async function names(emu: Emulator): Promise<string[]> {
  const list = await call(emu.url, 'GET', '/v1beta/webhooks');
  return ((list.json.webhooks ?? []) as { name: string }[]).map((w) => w.name).sort();
}

describe('emulator state file', function () {
  this.timeout(20_000);
  let dir: string;
  let file: string;
  const running: Emulator[] = [];
  const start = async (options: Parameters<typeof startEmulator>[0] = {}) => {
    const emu = await startEmulator({ statePath: file, warn: () => undefined, ...options });
    running.push(emu);
    return emu;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-shared-'));
    file = path.join(dir, 'state.json');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('two emulators on one file', () => {
    it("keep each other's webhooks and secrets: both survive a restart, and each lists the other's", async () => {
      const a = await start();
      const b = await start();
      const one = await create(a, 'one');
      const two = await create(b, 'two');
      assert.equal(one.status, 200);
      assert.equal(two.status, 200);
      const rotated = await call(a.url, 'POST', `/v1beta/webhooks/${one.json.id}:rotateSigningSecret`, { body: {} });
      const three = await create(b, 'three');
      assert.deepEqual(await names(a), ['one', 'three', 'two'], "a lists b's webhooks");
      assert.deepEqual(await names(b), ['one', 'three', 'two'], "b lists a's webhooks");
      await Promise.all(running.splice(0).map((e) => e.close()));

      const c = await start();
      assert.deepEqual(await names(c), ['one', 'three', 'two']);
      const receiver = await new Receiver().start();
      try {
        // Every secret answered by either emulator still signs after the restart.
        const got = await call(c.url, 'GET', `/v1beta/webhooks/${one.json.id}`);
        assert.equal(got.json.signing_secrets.length, 2, 'the rotation by a is kept: the new and the previous secret');
        for (const [w, secret] of [
          [one.json.id, rotated.json.secret],
          [one.json.id, one.json.new_signing_secret],
          [two.json.id, two.json.new_signing_secret],
          [three.json.id, three.json.new_signing_secret],
        ] as [string, string][]) {
          await call(c.url, 'PATCH', `/v1beta/webhooks/${w}?update_mask=uri`, { body: { uri: receiver.url } });
          const before = receiver.received.length;
          await call(c.url, 'POST', `/v1beta/webhooks/${w}:ping`, { body: {} });
          await receiver.waitFor(before + 1);
          const r = receiver.received[before];
          new Webhook(secret).verify(r.body.toString(), {
            'webhook-id': String(r.headers['webhook-id']),
            'webhook-timestamp': String(r.headers['webhook-timestamp']),
            'webhook-signature': String(r.headers['webhook-signature']),
          });
        }
      } finally {
        await receiver.close();
      }
    });

    it('a delete in one stays deleted: the other stops listing it and never writes it back', async () => {
      const a = await start();
      const b = await start();
      const one = await create(a, 'one');
      await create(a, 'two');
      assert.deepEqual(await names(b), ['one', 'two']);
      assert.equal((await call(b.url, 'DELETE', `/v1beta/webhooks/${one.json.id}`)).status, 200);
      assert.deepEqual(await names(a), ['two']);
      assert.equal((await call(a.url, 'GET', `/v1beta/webhooks/${one.json.id}`)).status, 404);
      await create(a, 'three'); // a writes: 'one' must not come back
      await Promise.all(running.splice(0).map((e) => e.close()));
      assert.deepEqual(await names(await start()), ['three', 'two']);
    });

    it('an update in one is what the other answers, even within the millisecond of the create', async () => {
      const a = await start();
      const b = await start();
      const one = await create(a, 'one');
      await call(b.url, 'PATCH', `/v1beta/webhooks/${one.json.id}?update_mask=name`, { body: { name: 'renamed by b' } });
      assert.equal((await call(a.url, 'GET', `/v1beta/webhooks/${one.json.id}`)).json.name, 'renamed by b');
      await call(a.url, 'PATCH', `/v1beta/webhooks/${one.json.id}?update_mask=state`, { body: { state: 'disabled' } });
      const seen = (await call(b.url, 'GET', `/v1beta/webhooks/${one.json.id}`)).json;
      assert.equal(seen.name, 'renamed by b');
      assert.equal(seen.state, 'disabled');
    });

    it('forty creates from both at once: none lost', async () => {
      const a = await start();
      const b = await start();
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => create(i % 2 ? a : b, `w${String(i).padStart(2, '0')}`)));
      assert.ok(answers.every((r) => r.status === 200));
      await Promise.all(running.splice(0).map((e) => e.close()));
      const list = await call((await start()).url, 'GET', '/v1beta/webhooks?page_size=100');
      assert.equal(list.json.webhooks.length, 40);
    });
  });

  describe('the lock', () => {
    it('takes over a lock left by a process that is gone', async () => {
      const a = await start();
      fs.writeFileSync(`${file}.lock`, '999999999');
      assert.equal((await create(a, 'one')).status, 200);
      assert.ok(!fs.existsSync(`${file}.lock`), 'released after the change');
    });

    it('fails a change with a 500 when another live emulator holds the lock too long, changing nothing', async () => {
      const a = await start();
      fs.writeFileSync(`${file}.lock`, String(process.ppid)); // a live process, fresh lock
      const r = await create(a, 'one');
      assert.equal(r.status, 500);
      assert.equal(r.json.error.status, 'INTERNAL');
      assert.match(r.json.error.message, /locked by another emulator/);
      fs.rmSync(`${file}.lock`);
      assert.deepEqual(await names(a), []);
    });
  });

  describe('a state file that cannot be saved', () => {
    it('fails create and rotate with a 500 in the envelope, and keeps nothing the file does not have', async () => {
      const warnings: string[] = [];
      const a = await start({ warn: (line) => warnings.push(line) });
      const one = await create(a, 'one');
      assert.equal(one.status, 200);
      fs.rmSync(dir, { recursive: true, force: true }); // nowhere to write any more

      const r = await create(a, 'two');
      assert.equal(r.status, 500, r.text);
      assert.equal(r.json.error.code, 500);
      assert.equal(r.json.error.status, 'INTERNAL');
      assert.match(r.json.error.message, /Could not save the emulator state .*ENOENT.*nothing was changed/);
      assert.ok(!r.text.includes('whsec_'), 'no secret answered');
      assert.deepEqual(await names(a), ['one'], 'the failed create left nothing behind');

      const rotate = await call(a.url, 'POST', `/v1beta/webhooks/${one.json.id}:rotateSigningSecret`, { body: {} });
      assert.equal(rotate.status, 500);
      assert.ok(!rotate.text.includes('whsec_'));
      const got = await call(a.url, 'GET', `/v1beta/webhooks/${one.json.id}`);
      assert.equal(got.json.signing_secrets.length, 1, 'the failed rotation left the secrets as they were');
      assert.equal(got.json.signing_secrets[0].expire_time, undefined);

      // Once the file can be written again, changes work and reach it.
      fs.mkdirSync(dir);
      assert.equal((await create(a, 'three')).status, 200);
      await Promise.all(running.splice(0).map((e) => e.close()));
      assert.deepEqual(await names(await start()), ['one', 'three']);
    });
  });
});
