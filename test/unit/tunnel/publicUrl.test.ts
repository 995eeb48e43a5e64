import * as assert from 'node:assert/strict';
import { resolveReceiverUrls, withReceiverPath } from '../../../src/core/tunnel/publicUrl';

const local = 'http://127.0.0.1:8788/webhooks';
const never = () => new Promise<never>(() => undefined);

describe('the receiver public URL: setting, then the editor forwarded port, then ngrok', () => {
  it('takes the setting first (the receiver path appended to a bare origin) and asks ngrok nothing', async () => {
    let asked = 0;
    const ngrok = async () => (asked++, { url: 'https://t.ngrok.app/' });
    assert.deepEqual(await resolveReceiverUrls({ localUrl: local, setting: ' https://hooks.example.com ', ngrok }), {
      local,
      public: { url: 'https://hooks.example.com/webhooks', source: 'setting' },
      notes: [],
    });
    assert.deepEqual((await resolveReceiverUrls({ localUrl: local, setting: 'https://proxy.example.com/gemini/in', ngrok })).public, {
      url: 'https://proxy.example.com/gemini/in',
      source: 'setting',
    });
    assert.equal(asked, 0);
  });

  it('then the forwarded address, when it differs from the local URL and is public; a loopback one is kept only as the local address seen from the browser', async () => {
    const codespace = 'https://fluffy-8788.app.github.dev/webhooks';
    const ngrok = async () => ({ url: 'https://t.ngrok.app/' });
    assert.deepEqual(await resolveReceiverUrls({ localUrl: local, forwarded: async () => codespace, ngrok }), {
      local,
      public: { url: codespace, source: 'forwarded' },
      forwarded: codespace,
      notes: [],
    });
    // The desktop maps a local URL to itself: not a forwarded address.
    const same = await resolveReceiverUrls({ localUrl: local, forwarded: async () => 'http://localhost:8788/webhooks/', ngrok });
    assert.deepEqual(same, { local, public: { url: 'https://t.ngrok.app/webhooks', source: 'ngrok' }, notes: [] });
    // code-server on this machine: a loopback proxy address, not public.
    const proxied = 'http://127.0.0.1:8080/proxy/8788/webhooks';
    const viaProxy = await resolveReceiverUrls({ localUrl: local, forwarded: async () => proxied, ngrok });
    assert.deepEqual(viaProxy.public, { url: 'https://t.ngrok.app/webhooks', source: 'ngrok' });
    assert.equal(viaProxy.forwarded, proxied);
    // The setting still wins over a public forwarded address, which stays known.
    const both = await resolveReceiverUrls({ localUrl: local, setting: 'https://mine.example/', forwarded: async () => codespace });
    assert.deepEqual([both.public, both.forwarded], [{ url: 'https://mine.example/webhooks', source: 'setting' }, codespace]);
  });

  it('then ngrok; with none, no public URL and the reasons in the notes', async () => {
    const none = await resolveReceiverUrls({ localUrl: local, ngrok: async () => ({ reason: 'no ngrok agent API at http://127.0.0.1:4040 (ECONNREFUSED)' }) });
    assert.deepEqual(none, { local, notes: ['ngrok: no ngrok agent API at http://127.0.0.1:4040 (ECONNREFUSED)'] });
    assert.deepEqual(await resolveReceiverUrls({ localUrl: local }), { local, notes: [] });
  });

  it('skips a bad setting with a note, and a source that throws or hangs after its deadline', async () => {
    const urls = await resolveReceiverUrls({
      localUrl: local,
      setting: 'ngrok.app/webhooks',
      forwarded: async () => {
        throw new Error('no remote authority');
      },
      ngrok: never,
      timeoutMs: 200,
    });
    assert.deepEqual(urls, {
      local,
      settingProblem: 'not_absolute',
      notes: [
        'the public URL setting is not an absolute http(s) URL without credentials (not_absolute): ignored',
        "the editor's forwarded address: no remote authority",
        'ngrok: no answer within 200 ms',
      ],
    });
    const credentials = await resolveReceiverUrls({ localUrl: local, setting: 'https://u:p@x.example/', forwarded: never, timeoutMs: 50 });
    assert.equal(credentials.public, undefined);
    assert.equal(credentials.settingProblem, 'credentials');
    assert.match(credentials.notes[0], /\(credentials\)/);
  });

  it('appends the receiver path only to a bare origin', () => {
    assert.equal(withReceiverPath('https://abc.ngrok.app', '/webhooks'), 'https://abc.ngrok.app/webhooks');
    assert.equal(withReceiverPath('https://abc.ngrok.app/', 'hooks/in'), 'https://abc.ngrok.app/hooks/in');
    assert.equal(withReceiverPath('https://abc.ngrok.app:8443/?k=1', '/webhooks'), 'https://abc.ngrok.app:8443/webhooks?k=1');
    assert.equal(withReceiverPath('https://abc.ngrok.app/custom', '/webhooks'), 'https://abc.ngrok.app/custom');
  });
});
